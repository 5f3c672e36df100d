"""A huge prompt in the LLM call inspector: 200 messages, every tool result 50 KB.

The prompt is 50 turns of (user question, assistant tool call, a 50 KB tool result,
assistant answer) after a system prompt: 201 messages, ~2.5 MB (20 turns, 1 MB with
--quick). The session knows three secrets, so every string is scrubbed. Timed, each
the median of several runs (CPU time of this thread):

  request       ``request_messages``: what the engine does at every chat-model call
                to put the request on ``llm_started`` (convert and redact)
  open + paint  ``LlmCallScreen`` pushed on a headless app (``run_test``, 120x40) on a
                call holding that request, until its first paint is done
  next call     ``]`` to another call of the same size (the tree rebuilt)

Baselines, same process: ``json.dumps`` of the converted messages (what a recording
or the headless JSONL pays for the same ``llm_started`` anyway), and the same screen
opened on the same 201 messages with 50-byte tool results.

Targets: the request at most 0.5x json.dumps (the engine adds no more than half of
what writing the event down costs: the text passes through uncopied); opening the
inspector and switching calls at most 1.5x what the same prompt with small tool
results costs: the tree labels what shows, cut, so 50 KB results must cost what 50
bytes do. (The number of messages costs once, up to a page of 100 labels: ~45 ms
under load; the screen itself ~80 ms of Textual composing and styling.)
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Callable
from typing import Any

from _bench import Checks, header, median, parse_args, table
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from textual.app import App
from textual.screen import Screen

from tui.app.screens.llm_call import LlmCallScreen
from tui.app.view.records import LlmCall
from tui.engine.jsonify import Jsonifier
from tui.engine.llm_request import request_messages
from tui.engine.status import TaskStatus

REQUEST_RATIO_TARGET = 0.5
OPEN_RATIO_TARGET = 1.5
SIZE = (120, 40)
SECRETS = ("sk-bench-secret-0001", "another-secret-value", "third-secret-xyz")


def make_prompt(turns: int, result_bytes: int) -> list[Any]:
    messages: list[Any] = [SystemMessage("Answer from the pages you fetch.")]
    body = ("The quick brown fox jumps over the lazy dog. " * (result_bytes // 45 + 1))[
        :result_bytes
    ]
    for turn in range(turns):
        call = {"name": "fetch", "args": {"page": turn}, "id": f"c{turn}", "type": "tool_call"}
        messages += [
            HumanMessage(f"What is on page {turn}?"),
            AIMessage("", tool_calls=[call]),
            ToolMessage(f"page {turn}: {body}", tool_call_id=f"c{turn}", name="fetch"),
            AIMessage(f"Page {turn} is about a fox."),
        ]
    return messages


def cpu(fn: Callable[[], object]) -> float:
    t0 = time.thread_time()
    fn()
    return time.thread_time() - t0


class PaintTimer:
    """Times every paint (Screen._on_timer_update) from when it is installed."""

    def __init__(self) -> None:
        self.paints: list[float] = []
        original = Screen._on_timer_update
        timer = self

        def on_timer_update(screen: Screen) -> None:
            t0 = time.thread_time()
            try:
                original(screen)
            finally:
                timer.paints.append(time.thread_time() - t0)

        Screen._on_timer_update = on_timer_update  # type: ignore[method-assign]


async def measure(turns: int, result_bytes: int, reps: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        results.setdefault(name, []).append(seconds)

    prompt = make_prompt(turns, result_bytes)
    jsonify = Jsonifier(SECRETS)
    sent: list[dict[str, Any]] = []
    for _ in range(reps):
        gc.collect()
        add(
            "request (convert + redact)",
            cpu(lambda: sent.extend(request_messages([prompt], jsonify))),
        )
        add("baseline json.dumps(request)", cpu(lambda: json.dumps(sent[-len(prompt) :])))
    messages = sent[-len(prompt) :]
    calls = [
        LlmCall(
            run_id=str(i),
            node="agent",
            step=2 * i + 1,
            messages=messages,
            index=i + 1,
            status=TaskStatus.OK,
            reply={"content": "done"},
            finish_reason="stop",
        )
        for i in range(2)
    ]
    paint = PaintTimer()
    app = App[None]()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(reps):
            gc.collect()
            paint.paints.clear()
            t0 = time.thread_time()
            screen = LlmCallScreen(calls, calls[0])
            await app.push_screen(screen)
            await pilot.pause()
            while not paint.paints:
                await pilot.pause()
            add("open + first paint", time.thread_time() - t0)
            paint.paints.clear()
            t0 = time.thread_time()
            screen.action_step(1)
            await pilot.pause()
            while not paint.paints:
                await pilot.pause()
            add("next call (] ) + paint", time.thread_time() - t0)
            app.pop_screen()
            await pilot.pause()
    return results


async def run(quick: bool) -> None:
    turns, result_bytes, reps = (20, 50_000, 3) if quick else (50, 50_000, 5)
    header(
        f"big prompt: {4 * turns + 1} messages, tool results of {result_bytes // 1000} KB", quick
    )
    await measure(2, 1_000, 1)  # warm-up
    small = await measure(turns, 50, reps)
    results = await measure(turns, result_bytes, reps)
    base = median(results["baseline json.dumps(request)"])
    rows = [("operation", "median", "runs (ms)", "vs json.dumps", "vs 50 B results")]
    for name, values in results.items():
        rows.append(
            (
                name,
                f"{median(values) * 1e3:.2f} ms",
                " ".join(f"{v * 1e3:.1f}" for v in values),
                f"{median(values) / base:.3f}x",
                f"{median(values) / median(small[name]):.2f}x",
            )
        )
    table(rows)
    checks = Checks()
    request = median(results["request (convert + redact)"])
    checks.at_most(
        "request / json.dumps(request)", request / base, REQUEST_RATIO_TARGET, lambda x: f"{x:.3f}x"
    )
    for name in ("open + first paint", "next call (] ) + paint"):
        ratio = median(results[name]) / median(small[name])
        checks.at_most(f"{name} / 50 B results", ratio, OPEN_RATIO_TARGET, lambda x: f"{x:.2f}x")
    checks.finish()


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def main() -> None:
    args = parse_args(__doc__)
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
