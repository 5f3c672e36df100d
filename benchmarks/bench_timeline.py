"""Timeline repaint with a fan-out of 200, 1,000 and 2,000 tasks (Send to N workers).

A headless ``DebuggerApp`` (``run_test``, 120x40) is fed synthetic events by a source
that hands out only what the benchmark releases (``BurstSource`` of
``bench_ui_frame.py``): a run whose step 1 sends N tasks to one ``worker`` node, all
started, as LangGraph's ``Send`` fan-out does. Then, at each size, three kinds of frame,
each repeated 5 times in each of 4 rounds (3 in 2 with --quick; the sizes take turns
so they share the machine's load), median taken:

  task done   one worker finishes: ``app._drain()`` (``RunView.apply`` of one event,
              the panes' sync) + the paint that follows
  tick        a frame while the workers run and nothing arrived: the durations and
              time bars move (``_drain()`` with an empty batch + the paint)

The source's clock moves on by a tenth of a second before each of these frames, as a
live session's does between two ticks of the status bar's clock: every running
worker's duration changes, so the visible rows all look different.
  cursor      one row down in the focused timeline (the key's handler + the paint)

A frame is CPU time of the app's thread (``time.thread_time``): the drain, called
synchronously, plus the longest ``Screen._on_timer_update`` (layout, compositor,
``render_line`` of dirty regions; headless, nothing is written) before the app is
idle again. The timeline's repaint is the part spent in the timeline itself
(``Timeline.sync``, ``Timeline.tick`` and ``Timeline.render_lines``: its visible lines,
border and all); the rest of the frame is the other panes and Textual's compositor.

Baseline, same process: the same frames at 200 tasks; at 2,000 they should not cost
more (a repaint draws the visible rows, whatever the number of tasks). Targets at
2,000 tasks, per kind of frame: the timeline's repaint <= 5 ms, and both it and the
whole frame <= 1.5x their 200-task figure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from _bench import Checks, frame, header, median, parse_args, table
from bench_ui_frame import BurstSource
from textual.screen import Screen

from tui.app.app import DebuggerApp
from tui.app.panes.timeline import Timeline
from tui.engine.events import (
    Checkpoint,
    Event,
    RunStarted,
    Status,
    TaskFinished,
    TaskStarted,
)
from tui.engine.status import RunStatus, TaskStatus

SIZES = (200, 1_000, 2_000)
REPAINT_TARGET_S = 0.005
FLAT_TARGET = 1.5
SIZE = (120, 40)
KINDS = ("task done", "tick", "cursor")


class TickingSource(BurstSource):
    """``BurstSource`` whose clock moves only when told (a recording's stands still)."""

    def __init__(self, prelude: list[Event]) -> None:
        super().__init__(prelude)
        self.clock = 1.0

    def now(self) -> float:
        return self.clock


class Timer:
    """Times the paint (Screen._on_timer_update) and the timeline's own methods, in
    CPU time of the app's thread. Installed before the app exists."""

    def __init__(self) -> None:
        self.paints: list[float] = []
        self.timeline_s = 0.0
        original_update = Screen._on_timer_update
        timer = self

        def on_timer_update(screen: Screen) -> None:
            t0 = time.thread_time()
            try:
                original_update(screen)
            finally:
                timer.paints.append(time.thread_time() - t0)

        Screen._on_timer_update = on_timer_update  # type: ignore[method-assign]
        for name in ("sync", "tick", "render_lines"):
            self._wrap(name, getattr(Timeline, name))

    def _wrap(self, name: str, original: Callable[..., Any]) -> None:
        timer = self

        def timed(pane: Timeline, *args: Any) -> Any:
            t0 = time.thread_time()
            try:
                return original(pane, *args)
            finally:
                timer.timeline_s += time.thread_time() - t0

        setattr(Timeline, name, timed)

    def reset(self) -> None:
        self.paints = []
        self.timeline_s = 0.0


def fan_out(n: int) -> list[Event]:
    """A run at step 1 with ``n`` Send workers started (the planner's step done)."""
    events: list[Event] = [
        RunStarted(graph="bench", thread_id="t1", input={"topic": "x"}, stream_modes=[]),
        Status(status=RunStatus.RUNNING),
        TaskStarted(step=0, node="planner", task_id="plan", t=0.0),
        TaskFinished(
            step=0, node="planner", task_id="plan", status=TaskStatus.OK, duration_s=0.1, t=0.1
        ),
        Checkpoint(step=0, checkpoint_id="c0", parent_id=None, next=["worker"], values={}, t=0.1),
    ]
    for i in range(n):
        events.append(
            TaskStarted(
                step=1,
                node="worker",
                task_id=f"w{i}",
                input={"section": f"section {i}"},
                triggers=["__pregel_push"],
                t=0.1 + i * 1e-4,
            )
        )
    return events


async def measure(
    n: int, repeats: int, timer: Timer, result: dict[str, list[tuple[float, float]]]
) -> None:
    """Add (frame, timeline part) per repeat to ``result``, per kind of frame."""
    source = TickingSource([])
    app = DebuggerApp(source, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        for timer_ in list(app._timers):
            # The app's own 30 Hz drain would run between the measured frames.
            timer_.pause()
        source.push(fan_out(n))
        frame(app)
        await pilot.pause()
        app.timeline.focus()
        app.timeline.cursor = 0
        await pilot.pause()
        for i in range(repeats):
            for kind in KINDS:
                await pilot.pause()  # start from an idle app
                source.clock += 0.1
                timer.reset()
                t0 = time.thread_time()
                if kind == "task done":
                    source.push(
                        [
                            TaskFinished(
                                step=1,
                                node="worker",
                                task_id=f"w{i}",
                                status=TaskStatus.OK,
                                duration_s=1.0,
                                t=1.0 + i,
                            )
                        ]
                    )
                    frame(app)
                elif kind == "tick":
                    frame(app)
                else:
                    app.timeline.action_cursor(1)
                work = time.thread_time() - t0
                await pilot.pause()  # the paint happens here
                paint = max(timer.paints, default=0.0)
                result[kind].append((work + paint, timer.timeline_s))
        assert len(app.timeline.rows) == n + 1, len(app.timeline.rows)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


async def run(quick: bool) -> None:
    rounds, repeats = (2, 3) if quick else (4, 5)
    header(
        f"timeline repaint: fan-out to {', '.join(f'{n:,}' for n in SIZES)} tasks,"
        f" {rounds} rounds of {repeats} frames of each kind",
        quick,
    )
    timer = Timer()
    await measure(50, 2, timer, {kind: [] for kind in KINDS})  # warm-up: imports, CSS
    results = {n: {kind: [] for kind in KINDS} for n in SIZES}
    for _ in range(rounds):  # the sizes take turns, so they share the machine's load
        for n in SIZES:
            await measure(n, repeats, timer, results[n])
    rows = [("frame", *(f"{n:,} tasks" for n in SIZES), f"{SIZES[-1]:,} / {SIZES[0]}")]
    checks = Checks()
    big, small = SIZES[-1], SIZES[0]
    for kind in KINDS:
        frames = {n: median(f for f, _ in results[n][kind]) for n in SIZES}
        parts = {n: median(p for _, p in results[n][kind]) for n in SIZES}
        rows.append(
            (
                f"{kind}: timeline repaint",
                *(_ms(parts[n]) for n in SIZES),
                f"{parts[big] / parts[small]:.2f}x",
            )
        )
        rows.append(
            (
                f"{kind}: whole frame",
                *(_ms(frames[n]) for n in SIZES),
                f"{frames[big] / frames[small]:.2f}x",
            )
        )
        checks.at_most(
            f"{kind}: timeline repaint at {big:,} tasks", parts[big], REPAINT_TARGET_S, _ms
        )
        for what, figures in (("timeline repaint", parts), ("whole frame", frames)):
            checks.at_most(
                f"{kind}: {what} flat ({big:,} / {small} tasks)",
                figures[big] / figures[small],
                FLAT_TARGET,
                lambda x: f"{x:.2f}x",
            )
    print("   CPU time of the app's thread, median; whole frame = drain or key + paint")
    table(rows)
    checks.finish()


def main() -> None:
    args = parse_args(__doc__)
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
