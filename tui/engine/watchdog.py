"""Notices a node that blocks the engine's event loop (``time.sleep`` in ``async def``).

A heartbeat scheduled on the engine loop stamps the time every 100 ms; a monitor
thread warns once when the stamp grows older than the threshold while a run is
going. The debugger itself never blocks: it runs on another thread. With no run
going the heartbeat rests (an idle debugger does no work); the monitor starts it
again, stamped fresh, when a run starts.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from tui.engine.loop_thread import LoopThread

BEAT_S = 0.1


class LoopWatchdog:
    def __init__(
        self,
        *,
        threshold_s: float,
        watching: Callable[[], bool],
        warn: Callable[[float], None],
    ) -> None:
        self.threshold_s = threshold_s
        self._watching = watching
        self._warn = warn
        self._last_beat = time.monotonic()
        self._engine: LoopThread | None = None
        self.beating = False
        """The heartbeat is scheduled (it rests while no run goes)."""
        self._closed = threading.Event()
        self._monitor = threading.Thread(target=self._watch, name="loop-watchdog", daemon=True)
        self._monitor.start()

    def start_loop(self) -> LoopThread:
        """A fresh engine loop carrying the heartbeat."""
        engine = self._engine = LoopThread()
        self.beating = True
        engine.call(self._beat)
        return engine

    def close(self) -> None:
        self._closed.set()

    def _beat(self) -> None:
        self._last_beat = time.monotonic()
        if self._closed.is_set() or not self._watching():
            self.beating = False
            return
        asyncio.get_running_loop().call_later(BEAT_S, self._beat)

    def _watch(self) -> None:
        warned = False
        while not self._closed.wait(2 * BEAT_S):
            if not self.beating and self._engine is not None and self._watching():
                self._last_beat = time.monotonic()  # a run starts: measure from now
                self.beating = True
                self._engine.call(self._beat)
                continue
            blocked_for = time.monotonic() - self._last_beat
            if blocked_for < self.threshold_s:
                warned = False
            elif self._watching() and not warned:
                self._warn(blocked_for)
                warned = True
