"""When the app draws: a frame when events came, figures at the clock's pace, and a
budget for the app's thread.

The frame timer (``FRAME_S``) drains the session's events and refreshes the panes
whose parts changed. The pacer says which ticks do work:

* the session's first event after a frame asks for one (the rest ride along);
* figures that move with every token or with time (the status bar's tokens, rate and
  clock, a task's token count and duration) are shown at the clock's pace
  (``CLOCK_S``), not in every frame: each sits in its own corner of the screen, and
  Textual repaints the box around every corner changed in a frame, often all of it;
* a frame that cost the app's thread more than ``FRAME_SHARE`` of the time since the
  one before delays the next (up to ``MAX_FRAME_DELAY_S``): the app's thread shares
  the GIL with the engine's, so in a flood of tokens every millisecond spent painting
  is one the run waits. A new status is shown at the next tick whatever the cost.

No Textual here: times come in as arguments (``time.monotonic``, ``time.thread_time``).
"""

from __future__ import annotations

from tui.app.view.records import Part
from tui.engine.events import Event, Status

FRAME_S = 1 / 20
"""At most 20 frames a second: a model streaming 50 tokens a second shows two or three
words a frame, which reads as smooth as 30 frames did, for two thirds of the paints
(a paint costs ~1-3 ms of Textual's compositor, however little changed; measured in
benchmarks/bench_tui_cpu.py). Every other frame carries the clock's tick. A new
status waits at most one frame (``x`` to CANCELLED: benchmarks/bench_tui_stream.py)."""
CLOCK_S = 0.1  # the status bar's clock shows tenths of a second
FRAME_SHARE = 0.10
"""The most of its time the app's thread spends on frames while events pour in (a
flood's frame costs ~10 ms, mostly Textual's compositor)."""
MAX_FRAME_DELAY_S = 0.2


class FramePacer:
    def __init__(self, cpu: float) -> None:
        self.woken = False
        """A frame is due: set on the session's thread at its first event after a
        frame, cleared by the frame that drains it."""
        self.urgent = False
        """A status changed: the next tick shows it, whatever the last frame cost."""
        self.held = Part.NONE
        """Parts shown at the clock's pace that changed since its last tick."""
        self._last_tick = float("-inf")
        self._frame_start = float("-inf")
        self._frame_cpu = cpu

    def wake(self, event: Event) -> bool:
        """On the session's thread, for every event: whether it is the first since
        the last frame (the caller then asks for a frame)."""
        if isinstance(event, Status):
            self.urgent = True
        if self.woken:
            return False
        self.woken = True
        return True

    def frame_due(self, clock: float, cpu: float) -> bool:
        """At a tick of the frame timer: whether the frame runs. ``cpu`` is the app's
        thread's CPU time: what it spent since the last frame (draining, painting and
        anything else) is paid for first."""
        owed = min(MAX_FRAME_DELAY_S, (cpu - self._frame_cpu) / FRAME_SHARE)
        if clock < self._frame_start + owed and not self.urgent:
            return False
        self._frame_start, self._frame_cpu = clock, cpu
        # Before the drain: an event from now on asks for the next frame.
        self.urgent = self.woken = False
        return True

    def paced(self, dirty: Part, clock: float) -> tuple[Part, bool]:
        """The parts to show in this frame, and whether the clock ticks in it (the
        figures that move with time are shown). A change of tasks or status shows
        everything at once."""
        dirty |= self.held
        if clock - self._last_tick >= CLOCK_S or dirty & (Part.TASKS | Part.STATUS):
            self._last_tick, self.held = clock, Part.NONE
            return dirty, True
        self.held = dirty & Part.COUNTS
        return dirty & ~Part.COUNTS, False
