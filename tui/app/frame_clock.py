"""The frame timer: a callback every ``period`` seconds on the app's loop, paused
when nothing moves.

Textual's ``set_interval`` runs each tick as a task that sleeps on a future, wakes,
checks the app, inspects and invokes the callback: ~0.25 ms of the app's thread a
tick, at 20 ticks a second while a model streams (a quarter of what the frames
themselves then cost). This is one ``loop.call_at`` handle a tick. Like Textual's,
it runs the callback in the app's context, skips ticks it missed rather than
catching up, and hands an exception to the app (which shows it and exits).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable


class FrameClock:
    def __init__(
        self,
        period: float,
        tick: Callable[[], object],
        on_error: Callable[[Exception], object],
    ) -> None:
        """Starts ticking; call on the loop, in the context ticks run in."""
        self._loop = asyncio.get_running_loop()
        self._context = contextvars.copy_context()
        self._period = period
        self._tick = tick
        self._on_error = on_error
        self._handle: asyncio.TimerHandle | None = None
        self._next = self._loop.time() + period
        self._stopped = False
        self.resume()

    @property
    def running(self) -> bool:
        return self._handle is not None

    def pause(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def resume(self) -> None:
        """Tick again: at the next tick of the period, or now if it has passed."""
        if self._handle is None and not self._stopped:
            when = max(self._next, self._loop.time())
            self._handle = self._loop.call_at(when, self._fire, context=self._context)

    def stop(self) -> None:
        """For good (the app is closing)."""
        self._stopped = True
        self.pause()

    def _fire(self) -> None:
        self._handle = None
        now = self._loop.time()
        self._next += self._period
        if self._next <= now:  # late: skip the ticks missed, keep the phase
            self._next += self._period * ((now - self._next) // self._period + 1)
        self.resume()  # first: the tick may pause it
        try:
            self._tick()
        except Exception as error:
            self.stop()
            self._on_error(error)
