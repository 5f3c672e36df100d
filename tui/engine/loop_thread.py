"""An asyncio event loop on a daemon thread of its own.

The debuggee runs here, not on the UI's loop: a node that blocks its loop (a
``time.sleep`` inside ``async def``) then freezes only this thread, and the
debugger's keys keep working.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    def __init__(self, name: str = "langgraph-tui-engine") -> None:
        self.loop = asyncio.new_event_loop()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            while not self._stopping:
                try:
                    self.loop.run_forever()
                except (KeyboardInterrupt, SystemExit):
                    # asyncio re-raises these out of the loop when a task (a node)
                    # raises them; the task holds the exception too, so whoever
                    # awaits it (the run) sees it. The loop itself carries on.
                    continue
                break
        finally:
            self.loop.close()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn, *args)

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def stop(self, timeout: float | None = 2.0) -> None:
        """Stop the loop; never waits longer than ``timeout`` for a blocked one."""
        if self.loop.is_closed():
            return
        self._stopping = True
        self.loop.call_soon_threadsafe(self.loop.stop)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)
