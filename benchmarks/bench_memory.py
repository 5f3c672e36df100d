"""Memory the app model holds for a long run, and what applying it costs.

Events are made on the fly in bursts of 1,000 tokens (like frames: after each burst
the benchmark calls ``take_dirty()`` and ``tokens_per_second(now)``, as the app's
status bar does, which trims the rate window) and dropped once applied, like the app
does, so what tracemalloc still holds at the end is what ``RunView`` keeps. Token
texts are fresh strings of ~4.5 characters, timestamps 100 tokens/s.

Streams (N = 100,000 tokens; 20,000 with --quick):
  agent run     an agent loop: N/500 LLM calls of 500 tokens, each in its own task
                (task_started, llm_started, tokens, llm_finished, task_finished)
  long reply    one LLM call of N tokens
  agent + state the agent run plus what the engine also emits per step: the task's
                input and result, ``update``, ``values`` and ``checkpoint`` carrying the
                state (the message list so far), jsonified from real ``AIMessage``
                objects as ``Normalizer`` does. Reported at N/2 and N to show how it
                grows; no target (see README). "replayed": the same events as read
                back from a JSONL recording, where no two events share a string.

Baseline: the same token texts kept as a plain ``list`` of ``str`` (tracemalloc, same
process). Reported: retained bytes, bytes/token, ratio to the baseline, peak, and the
apply time per token at the start and at the end of the stream (a separate pass
without tracemalloc).

Targets: the model holds at most 0.5x the plain list of token strings (agent run and
long reply: it keeps joined text, not one object per token); and applying a token
does not get slower as the reply grows (long reply: the least-squares slope of the
apply cost per token against the characters already in the reply is at most 0.5 us
per 100,000 characters; a cost that is flat in the reply's length gives ~0). Times
are CPU time of this thread.
"""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

from _bench import Checks, header, parse_args, size, table
from langchain_core.messages import AIMessage, HumanMessage

from tui.app.view.run_view import RunView
from tui.engine.events import (
    Checkpoint,
    Event,
    LlmFinished,
    LlmStarted,
    RunStarted,
    Status,
    TaskFinished,
    TaskStarted,
    Token,
    Update,
    Values,
)
from tui.engine.jsonify import Jsonifier

BURST = 1_000
CALL_TOKENS = 500
DT = 0.01  # 100 tokens/s of event time
RATIO_TARGET = 0.5
SLOPE_TARGET_US = 0.5  # per token, per 100,000 characters already in the reply


def _token_text(i: int) -> str:
    return f"t{i % 1000} " if i % 12 else f"t{i % 1000}\n"  # a fresh str every time


def stream(kind: str, n_tokens: int) -> Iterator[Event]:
    """The run's events, made one at a time."""
    yield RunStarted(graph="bench", thread_id="t1", input={"messages": []}, stream_modes=[])
    yield Status(status="running")
    per_call = n_tokens if kind == "long reply" else CALL_TOKENS
    with_state = kind.startswith("agent + state")
    if kind.endswith("replayed"):
        # A recording read back: every event's JSON is parsed on its own, so no two
        # events share a string (live, the message texts are shared).
        live = Jsonifier()

        def jsonify(value: Any) -> Any:
            return json.loads(json.dumps(live(value)))

    else:
        jsonify = Jsonifier()
    messages: list[Any] = [HumanMessage(content="go", id="human-0")]
    t = 0.0
    for index in range(n_tokens // per_call):
        task, run, step = f"task-{index}", f"run-{index}", index + 1
        state_in = jsonify({"messages": messages}) if with_state else None
        yield TaskStarted(step=step, node="agent", task_id=task, input=state_in, t=t)
        yield LlmStarted(node="agent", task_id=task, run_id=run, model="bench", t=t)
        parts: list[str] = []
        for i in range(per_call):
            t += DT
            text = _token_text(index * per_call + i)
            if with_state:
                parts.append(text)
            yield Token(
                node="agent", text=text, message_id=f"msg-{index}", task_id=task, step=step, t=t
            )
        yield LlmFinished(
            node="agent", task_id=task, run_id=run, model="bench", chunks=per_call, t=t
        )
        result = None
        if with_state:
            messages.append(AIMessage(content="".join(parts), id=f"msg-{index}"))
            result = jsonify({"messages": [messages[-1]]})
            yield Update(node="agent", update=jsonify({"messages": [messages[-1]]}), t=t)
        yield TaskFinished(
            step=step, node="agent", task_id=task, status="ok", duration_s=1.0, result=result, t=t
        )
        if with_state:
            state = {"messages": messages}
            yield Values(values=jsonify(state), t=t)
            yield Checkpoint(
                step=step,
                checkpoint_id=f"cp-{step}",
                parent_id=f"cp-{step - 1}",
                next=["agent"],
                values=jsonify(state),
                t=t,
            )
    yield Status(status="done", t=t)


def bursts(events: Iterator[Event]) -> Iterator[tuple[list[Event], int]]:
    """(events, token count) per burst of BURST tokens."""
    current: list[Event] = []
    tokens = 0
    for event in events:
        current.append(event)
        if event.kind == "token":
            tokens += 1
            if tokens == BURST:
                yield current, tokens
                current, tokens = [], 0
    if current:
        yield current, tokens


def fold(kind: str, n_tokens: int) -> tuple[RunView, list[tuple[float, int, int]]]:
    """Apply the stream burst by burst, as frames do.

    Returns the model and, per burst, (seconds, tokens, characters already in the
    reply being appended to)."""
    model = RunView()
    times: list[tuple[float, int, int]] = []
    for burst, tokens in bursts(stream(kind, n_tokens)):
        before = len(model.blocks[-1].text) if model.blocks else 0
        t0 = time.thread_time()
        model.apply(burst)
        model.take_dirty()
        model.tokens_per_second(burst[-1].t)
        times.append((time.thread_time() - t0, tokens, before))
        del burst
    return model, times


def measure_model(kind: str, n_tokens: int) -> dict[str, Any]:
    # Timing pass first, without tracemalloc (it taxes every allocation), then the
    # memory pass on a fresh model.
    gc.collect()
    _, times = fold(kind, n_tokens)
    gc.collect()
    tracemalloc.start()
    try:
        model, _ = fold(kind, n_tokens)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    text_chars = sum(len(b.text) for b in model.blocks)
    return {
        "current": current,
        "peak": peak,
        "times": times,
        "tokens": model.tokens_out,
        "chars": text_chars,
        "blocks": len(model.blocks),
        "checkpoints": len(model.checkpoints),
        "recent": len(model._recent),
    }


def measure_baseline(n_tokens: int) -> dict[str, Any]:
    gc.collect()
    tracemalloc.start()
    try:
        texts: list[str] = []
        for burst, _ in bursts(stream("agent run", n_tokens)):
            texts.extend(e.text for e in burst if e.kind == "token")
            del burst
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"current": current, "peak": peak, "count": len(texts)}


def per_token_us(times: list[tuple[float, int, int]], part: slice) -> float:
    chosen = [t for t in times[part] if t[1]]
    return 1e6 * sum(t[0] for t in chosen) / max(1, sum(t[1] for t in chosen))


def slope_us_per_100k(times: list[tuple[float, int, int]]) -> float:
    """Least-squares slope of the apply cost per token against the reply's length."""
    points = [
        (chars, 1e6 * seconds / tokens) for seconds, tokens, chars in times if tokens == BURST
    ]
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    var = sum((x - mean_x) ** 2 for x, _ in points)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return cov / var * 100_000 if var else 0.0


def main() -> None:
    args = parse_args(__doc__)
    n = 20_000 if args.quick else 100_000
    header(f"memory: {n:,} tokens held by RunView", args.quick)

    base = measure_baseline(n)
    assert base["count"] == n
    results = {
        "agent run": measure_model("agent run", n),
        "long reply": measure_model("long reply", n),
        "agent + state (N/2)": measure_model("agent + state", n // 2),
        "agent + state": measure_model("agent + state", n),
        "agent + state, replayed": measure_model("agent + state, replayed", n),
    }
    tokens_of = {name: n // 2 if "N/2" in name else n for name in results}
    rows = [
        (
            "stream",
            "tokens",
            "retained",
            "bytes/token",
            "vs list[str]",
            "peak",
            "apply us/token first 10%",
            "last 10%",
            "last/first",
            "us/token per 100K chars",
        ),
        (
            "baseline list[str]",
            f"{n:,}",
            size(base["current"]),
            f"{base['current'] / n:.1f}",
            "1.00x",
            size(base["peak"]),
            "",
            "",
            "",
            "",
        ),
    ]
    slope: dict[str, float] = {}
    for name, r in results.items():
        tokens = tokens_of[name]
        tenth = max(1, len(r["times"]) // 10)
        first = per_token_us(r["times"], slice(0, tenth))
        last = per_token_us(r["times"], slice(-tenth - 1, -1))  # the last burst is a stub
        slope[name] = slope_us_per_100k(r["times"])
        per_token = r["current"] / tokens
        rows.append(
            (
                name,
                f"{tokens:,}",
                size(r["current"]),
                f"{per_token:.1f}",
                f"{per_token / (base['current'] / n):.2f}x",
                size(r["peak"]),
                f"{first:.2f}",
                f"{last:.2f}",
                f"{last / first:.1f}x",
                f"{slope[name]:+.2f}" if name == "long reply" else "",
            )
        )
    table(rows)
    for name, r in results.items():
        print(
            f"   {name}: {r['blocks']} token blocks, {r['chars']:,} chars of text,"
            f" {r['checkpoints']} checkpoints, rate window {r['recent']} entries"
        )
    half, full = results["agent + state (N/2)"]["current"], results["agent + state"]["current"]
    print(
        f"   agent + state: doubling the run multiplies retained memory by {full / half:.1f}x"
        " (2x = linear; ~4x = every step keeps a full copy of a growing state)"
    )

    checks = Checks()
    baseline_per_token = base["current"] / n
    for name in ("agent run", "long reply"):
        r = results[name]
        checks.add(f"{name}: every token counted", r["tokens"] == n, f"tokens_out {r['tokens']:,}")
        checks.at_most(
            f"{name}: retained memory vs list[str]",
            r["current"] / n / baseline_per_token,
            RATIO_TARGET,
            lambda x: f"{x:.2f}x",
        )
    checks.at_most(
        "long reply: apply cost per token, rise per 100,000 chars of reply",
        slope["long reply"],
        SLOPE_TARGET_US,
        lambda x: f"{x:.2f} us",
    )
    checks.finish()


if __name__ == "__main__":
    main()
