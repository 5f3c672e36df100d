"""The frame timer (``tui/app/frame_clock.py``): ticks in the context it was made in,
pauses, resumes at once when late, skips the ticks it missed, hands an error on.

Event-driven, never timed: each check waits for a tick (a generous timeout is only
an upper bound) or looks at what is scheduled.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from tests.helpers import streaming_run
from tui.app.app import DebuggerApp
from tui.app.frame_clock import FrameClock
from tui.app.replay import ReplaySource

WHO = contextvars.ContextVar("who", default="nobody")
PERIOD = 0.001
UPPER_BOUND_S = 10.0


async def test_ticks_in_its_context_pause_and_resume_from_another_thread():
    seen: list[str] = []
    ticked = asyncio.Event()

    def tick() -> None:
        seen.append(WHO.get())
        ticked.set()

    WHO.set("the app")
    clock = FrameClock(PERIOD, tick, on_error=pytest.fail)
    await asyncio.wait_for(ticked.wait(), UPPER_BOUND_S)
    clock.pause()
    assert not clock.running
    ticked.clear()
    ticks = len(seen)
    await asyncio.sleep(0)  # a turn of the loop: nothing is scheduled, nothing ticks
    assert len(seen) == ticks

    # A session's thread asks for frames through the loop, in its own context.
    loop = asyncio.get_running_loop()
    threading.Thread(target=lambda: loop.call_soon_threadsafe(clock.resume)).start()
    await asyncio.wait_for(ticked.wait(), UPPER_BOUND_S)
    clock.stop()
    clock.resume()  # stopped for good
    assert not clock.running
    assert set(seen) == {"the app"}


async def test_a_late_tick_skips_the_ticks_it_missed_and_keeps_the_phase():
    clock = FrameClock(10.0, lambda: None, on_error=pytest.fail)
    clock.pause()
    start = clock._next
    late = start + 35.0  # three and a half periods late
    clock._loop = _LoopAt(asyncio.get_running_loop(), late)  # type: ignore[assignment]
    clock._fire()
    clock.stop()
    assert clock._next == start + 40.0  # the next tick of the old phase after now


async def test_an_error_in_a_tick_stops_the_clock_and_reaches_the_app():
    errors: list[Exception] = []
    failed = asyncio.Event()

    def tick() -> None:
        raise RuntimeError("boom")

    def on_error(error: Exception) -> None:
        errors.append(error)
        failed.set()

    clock = FrameClock(PERIOD, tick, on_error)
    await asyncio.wait_for(failed.wait(), UPPER_BOUND_S)
    assert [str(e) for e in errors] == ["boom"] and not clock.running


async def test_the_app_stops_its_frames_when_it_exits():
    app = DebuggerApp(ReplaySource(streaming_run(3), name="run.jsonl"))
    async with app.run_test(size=(80, 24)):
        assert app._frames.running or app._frames_paused
    assert not app._frames.running  # nothing left ticking on the loop


class _LoopAt:
    """A loop whose clock reads ``now``."""

    def __init__(self, loop: asyncio.AbstractEventLoop, now: float) -> None:
        self._loop, self._now = loop, now

    def time(self) -> float:
        return self._now

    def call_at(self, *args: object, **kwargs: object) -> asyncio.TimerHandle:
        return self._loop.call_at(*args, **kwargs)  # type: ignore[arg-type]
