"""The one clock behind every time the session reports.

Tests and snapshots freeze it so durations and elapsed times on screen are stable.
"""

from __future__ import annotations

import threading
import time


class Clock:
    # The C function itself: the bus reads it for every streamed token.
    now = staticmethod(time.monotonic)


class FrozenClock(Clock):
    """A clock that moves only when told to."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
