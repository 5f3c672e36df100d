"""An asyncio event loop on a daemon thread of its own.

The debuggee runs here, not on the UI's loop: a node that blocks its loop (a
``time.sleep`` inside ``async def``) then freezes only this thread, and the
debugger's keys keep working.

A stopped loop lets its remaining tasks end on it, cancelled, before it closes (as
``asyncio.run`` does). A task left pending on a closed loop is not gone: the garbage
collector finalizes its coroutine later, in whichever thread it happens to run, and
the coroutine's cleanup then runs against *that* thread's loop: LangGraph's run exit
creates its tasks there, and an abandoned run's ending stopped it (another session's
engine loop, which then never finished its run).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

FINISH_S = 2.0
"""How long a stopped loop gives its cancelled tasks to end (a node that blocks the
loop holds it longer: its thread is a daemon)."""


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
            self._finish_tasks()
            self.loop.close()

    def _finish_tasks(self) -> None:
        deadline = time.monotonic() + FINISH_S
        while tasks := {t for t in asyncio.all_tasks(self.loop) if not t.done()}:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            for task in tasks:
                if not task.cancelling():  # a run ends in its own way once cancelled
                    task.cancel()
            # Their endings may start tasks of their own (LangGraph's run exit): so again.
            with contextlib.suppress(BaseException):
                self.loop.run_until_complete(asyncio.wait(tasks, timeout=left))
        with contextlib.suppress(BaseException):
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        try:
            return asyncio.run_coroutine_threadsafe(coro, self.loop)
        except RuntimeError:  # the loop is closed: the coroutine will never run
            coro.close()
            raise

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
