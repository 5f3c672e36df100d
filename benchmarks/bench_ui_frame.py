"""The cost of one UI frame: draining a burst of token events into the app and painting it.

A headless ``DebuggerApp`` (``run_test``, 120x40) is fed synthetic events by a fake
event source (a ``ReplaySource`` that hands out only what the benchmark releases).
For each burst of 1,000 token events the benchmark releases the burst, then times what
a frame does: ``app._drain()`` (``RunView.apply`` + the panes' ``sync``), called
synchronously, and the paint that follows: the longest call to
``Screen._on_timer_update`` (layout + compositor + ``render_line`` of the dirty
regions; headless, nothing is written to a terminal) before the app is idle again.
Times are CPU time of the app's thread (``time.thread_time``), so other processes on a
busy machine do not inflate them; idle waits are not counted; garbage-collector pauses
inside the frame are (column gc: collector time in the frame's window). It counts ``TokenView.sync`` and ``TokenView.render_line``
calls per burst: one sync per frame however many tokens arrived, only visible lines
drawn.

Two streams, N tokens each (20,000; 6,000 with --quick):
  long reply    one LLM call whose reply grows to N tokens (a long answer or code)
  many replies  an agent loop: a new task and LLM call every 500 tokens

Baseline: ``RunView.apply`` alone (pure Python, no Textual) on the same bursts, fed
to a second model in step with the app, so both see the same sizes.

Targets, per stream: every 1,000-token burst costs exactly one ``TokenView.sync``;
the frame stays under 33 ms (30 fps), judged on the median of the last 3 bursts (2
with --quick), when the most text is on screen; and the frame does not grow with the
tokens already shown (last-3 / first-3 median <= 2.0).
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterator
from typing import Any

from _bench import Checks, frame, header, median, parse_args, table
from textual.screen import Screen

from tui.app.app import DebuggerApp
from tui.app.panes.tokens import TokenView
from tui.app.replay import ReplaySource
from tui.app.view.run_view import RunView
from tui.engine.events import (
    Event,
    LlmFinished,
    LlmStarted,
    RunStarted,
    Status,
    TaskFinished,
    TaskStarted,
    Token,
)
from tui.engine.status import RunStatus, TaskStatus

BURST = 1_000
REPLY_TOKENS = 500  # the "many replies" stream: tokens per LLM call
FRAME_TARGET_S = 1 / 30
GROWTH_TARGET = 2.0
SIZE = (120, 40)
WORDS = ("alpha ", "beta ", "gamma ", "delta ", "epsilon ", "zeta ", "eta ", "theta\n")


class BurstSource(ReplaySource):
    """A recording that hands the app only what the benchmark pushed: one burst per frame."""

    def __init__(self, prelude: list[Event]) -> None:
        super().__init__(prelude, name="bench")
        self._delivered = len(prelude)  # as before: the prelude is not handed out

    def push(self, events: list[Event]) -> None:
        # The player's position follows what was pushed: the next drain hands it out.
        self._all.extend(events)
        self.player.position = len(self._all)


def _prelude() -> list[Event]:
    return [
        RunStarted(graph="bench", thread_id="t1", input={"topic": "x"}, stream_modes=[]),
        Status(status=RunStatus.RUNNING),
    ]


def _call_events(
    index: int, tokens: int, t: float, dt: float
) -> tuple[list[Event], list[Event], float]:
    """Events before, during (tokens) and after one LLM call in its own task."""
    task, run = f"task-{index}", f"run-{index}"
    head: list[Event] = [
        TaskStarted(step=index + 1, node="agent", task_id=task, t=t),
        LlmStarted(node="agent", task_id=task, run_id=run, model="bench", t=t),
    ]
    body: list[Event] = []
    for i in range(tokens):
        t += dt
        body.append(
            Token(
                node="agent",
                text=WORDS[i % len(WORDS)],
                message_id=f"msg-{index}",
                task_id=task,
                step=index + 1,
                t=t,
            )
        )
    tail: list[Event] = [
        LlmFinished(node="agent", task_id=task, run_id=run, model="bench", chunks=tokens, t=t),
        TaskFinished(
            step=index + 1, node="agent", task_id=task, status=TaskStatus.OK, duration_s=1.0, t=t
        ),
    ]
    return head, body, tail


def build_stream(kind: str, n_tokens: int) -> tuple[list[Event], Iterator[list[Event]]]:
    """(prelude events, bursts): each burst holds BURST tokens plus any task events.

    Bursts are made as they are needed, so the benchmark holds no more than one
    burst of events, like the app (which drops events once applied).
    """
    dt = 1 / (30 * BURST)  # 1,000 tokens per 1/30 s frame
    per_call = n_tokens if kind == "long reply" else REPLY_TOKENS
    head, _, _ = _call_events(0, 0, 0.0, dt)

    def stream() -> Iterator[Event]:
        t = 0.0
        for index in range(n_tokens // per_call):
            first, body, tail = _call_events(index, per_call, t, dt)
            t = body[-1].t
            yield from [*first, *body, *tail] if index else [*body, *tail]

    def bursts() -> Iterator[list[Event]]:
        current: list[Event] = []
        count = 0
        for event in stream():
            current.append(event)
            if event.kind == "token":
                count += 1
                if count % BURST == 0:
                    done, current = current, []
                    yield done
        # Closing task events after the last token are not needed by any check.

    return [*_prelude(), *head], bursts()


class Counters:
    """Wraps TokenView.sync/render_line (counted) and Screen._on_timer_update (timed).

    Installed before the app exists: the screen's update timer binds the method then.
    """

    def __init__(self) -> None:
        self.sync = 0
        self.render_line = 0
        self.paints: list[float] = []
        self.gc_s = 0.0
        self._gc_start = 0.0
        gc.callbacks.append(self._on_gc)
        original_sync, original_render_line = TokenView.sync, TokenView.render_line
        original_update = Screen._on_timer_update
        counters = self

        def on_timer_update(screen: Screen) -> None:
            t0 = time.thread_time()
            try:
                original_update(screen)
            finally:
                counters.paints.append(time.thread_time() - t0)

        def sync(view: TokenView) -> None:
            counters.sync += 1
            original_sync(view)

        def render_line(view: TokenView, y: int) -> Any:
            counters.render_line += 1
            return original_render_line(view, y)

        TokenView.sync = sync  # type: ignore[method-assign]
        TokenView.render_line = render_line  # type: ignore[method-assign]
        Screen._on_timer_update = on_timer_update  # type: ignore[method-assign]

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.thread_time()
        else:
            self.gc_s += time.thread_time() - self._gc_start

    @property
    def paint_s(self) -> float:
        """The burst's paint: the longest screen update in the window (the others, if
        any, are the 30 Hz status-bar ticks)."""
        return max(self.paints, default=0.0)

    def reset(self) -> None:
        self.sync = self.render_line = 0
        self.paints = []
        self.gc_s = 0.0


async def measure(kind: str, n_tokens: int, counters: Counters) -> dict[str, Any]:
    prelude, bursts = build_stream(kind, n_tokens)
    source = BurstSource(prelude)
    baseline = RunView()
    baseline.apply(prelude)
    rows: list[dict[str, Any]] = []
    app = DebuggerApp(source, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        source.push(prelude)
        frame(app)
        await pilot.pause()
        for burst in bursts:
            t0 = time.thread_time()
            baseline.apply(burst)
            baseline.take_dirty()
            apply_s = time.thread_time() - t0

            await pilot.pause()  # start from an idle app
            counters.reset()
            source.push(burst)
            t0, w0 = time.thread_time(), time.perf_counter()
            frame(app)
            drain_s, drain_wall = time.thread_time() - t0, time.perf_counter() - w0
            await pilot.pause()  # the paint happens here; only time inside it counts
            block = app.model.blocks[-1]
            rows.append(
                {
                    "apply": apply_s,
                    "drain": drain_s,
                    "paint": counters.paint_s,
                    "frame": drain_s + counters.paint_s,
                    "drain_wall": drain_wall,
                    "gc": counters.gc_s,
                    "sync": counters.sync,
                    "render_line": counters.render_line,
                    "chars": len(block.text),
                    "blocks": len(app.model.blocks),
                }
            )
        text_ok = app.model.tokens_out == n_tokens
        tail = await small_burst(app, pilot, source, counters)
        collection = full_collection()
    return {"rows": rows, "small": tail, "tokens_ok": text_ok, "gc": collection}


async def small_burst(
    app: DebuggerApp, pilot: Any, source: BurstSource, counters: Counters
) -> float:
    """A 10-token frame after everything else (median of 3): does a frame cost per
    token, or per size of the block it appends to?"""
    last = app.model.blocks[-1]
    frames = []
    for _ in range(3):
        extra = [
            Token(
                node=last.node, text="tail ", message_id=last.key[-1], task_id=last.task_id, t=1e3
            )
            for _ in range(10)
        ]
        await pilot.pause()
        counters.reset()
        source.push(extra)
        t0 = time.thread_time()
        frame(app)
        elapsed = time.thread_time() - t0
        await pilot.pause()
        frames.append(elapsed + counters.paint_s)
    return median(frames)


def full_collection() -> dict[str, float]:
    """What a full (generation 2) collection costs in the running app, and with every
    object that exists now moved out of the collector's way by ``gc.freeze()``."""
    objects = len(gc.get_objects())
    t0 = time.thread_time()
    gc.collect()
    full = time.thread_time() - t0
    gc.freeze()
    try:
        t0 = time.thread_time()
        gc.collect()
        frozen = time.thread_time() - t0
    finally:
        gc.unfreeze()
    return {"objects": objects, "full": full, "frozen": frozen}


def report(kind: str, result: dict[str, Any], checks: Checks) -> None:
    rows = result["rows"]
    n = len(rows)
    picks = sorted({0, 1, n // 4, n // 2, (3 * n) // 4, n - 2, n - 1} - {-1})
    lines = [
        (
            "burst",
            "block chars",
            "apply (base)",
            "drain",
            "paint",
            "frame",
            "frame/apply",
            "gc",
            "syncs",
            "render_line",
        )
    ]
    for i in picks:
        r = rows[i]
        lines.append(
            (
                f"{i + 1}/{n}",
                f"{r['chars']:,}",
                f"{r['apply'] * 1e3:.2f} ms",
                f"{r['drain'] * 1e3:.2f} ms",
                f"{r['paint'] * 1e3:.2f} ms",
                f"{r['frame'] * 1e3:.2f} ms",
                f"{r['frame'] / r['apply']:.1f}x",
                f"{r['gc'] * 1e3:.1f} ms",
                str(r["sync"]),
                str(r["render_line"]),
            )
        )
    print(f"-- {kind}: {n} bursts of {BURST:,} tokens")
    table(lines)
    k = max(1, min(3, n // 3))
    first = median(r["frame"] for r in rows[:k])
    last = median(r["frame"] for r in rows[-k:])
    apply_first = median(r["apply"] for r in rows[:k])
    apply_last = median(r["apply"] for r in rows[-k:])
    frames = [r["frame"] for r in rows]
    walls = [r["drain_wall"] for r in rows]
    print(
        f"   frame: median {median(frames) * 1e3:.2f} ms, max {max(frames) * 1e3:.2f} ms;"
        f" first-{k} {first * 1e3:.2f} ms -> last-{k} {last * 1e3:.2f} ms ({last / first:.1f}x);"
        f" baseline apply first-{k} {apply_first * 1e3:.2f} ms -> last-{k} {apply_last * 1e3:.2f} ms"
        f" ({apply_last / apply_first:.1f}x)"
    )
    print(
        f"   frame / apply (median over bursts): {median(r['frame'] / r['apply'] for r in rows):.1f}x;"
        f" a 10-token frame at the end: {result['small'] * 1e3:.2f} ms;"
        f" drain wall time median {median(walls) * 1e3:.2f} ms (cpu {median(r['drain'] for r in rows) * 1e3:.2f} ms)"
    )
    collection = result["gc"]
    pauses = [r["gc"] for r in rows if r["gc"] > 0.05]
    print(
        f"   gc: {len(pauses)} of {n} frames held a pause over 50 ms (largest"
        f" {max(pauses, default=0) * 1e3:.0f} ms); a full collection now takes"
        f" {collection['full'] * 1e3:.0f} ms over {collection['objects']:,} objects,"
        f" {collection['frozen'] * 1e3:.1f} ms after gc.freeze()"
    )
    syncs = sorted({r["sync"] for r in rows})
    checks.add(
        f"{kind}: one TokenView.sync per 1,000-token burst",
        syncs == [1],
        f"syncs per burst: {syncs}; render_line calls per burst: max {max(r['render_line'] for r in rows)}",
    )
    checks.add(f"{kind}: every token counted", result["tokens_ok"], "tokens_out matches")
    checks.at_most(
        f"{kind}: frame at the end (median of last {k} bursts)", last, FRAME_TARGET_S, _ms
    )
    checks.at_most(
        f"{kind}: frame growth (last-{k} / first-{k})",
        last / first,
        GROWTH_TARGET,
        lambda x: f"{x:.1f}x",
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


async def run(quick: bool) -> None:
    n_tokens = 6_000 if quick else 20_000
    header(
        f"UI frame: {n_tokens:,} tokens in {BURST:,}-token bursts, app {SIZE[0]}x{SIZE[1]}", quick
    )
    counters = Counters()
    await measure("many replies", 2_000, counters)  # warm-up: imports, CSS, caches
    checks = Checks()
    for kind in ("long reply", "many replies"):
        report(kind, await measure(kind, n_tokens, counters), checks)
    checks.finish()


def main() -> None:
    args = parse_args(__doc__)
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
