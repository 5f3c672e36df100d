"""What a session shows the app and headless runs, whoever does the work behind it.

A local ``Session`` runs the graph on its own loop; the server's session drives a
LangGraph Server run. Both hand events out the same way and take each action the same
way: every action is a coroutine on the session's loop, returned as a
``concurrent.futures.Future``, and the actions that may start a run go one at a time.
What each action does is the subclass's (its ``_go``, ``_fork``, …).
"""

from __future__ import annotations

import concurrent.futures
from abc import ABC, abstractmethod
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from tui.engine.clock import Clock
from tui.engine.event_bus import EventBus, Listener
from tui.engine.events import Event
from tui.engine.loop_thread import LoopThread
from tui.engine.no_input import NO_INPUT
from tui.engine.redaction import Redactor
from tui.engine.status import RunStatus


class SessionError(RuntimeError):
    """An operation that does not fit the session's state; ``str()`` says what to do."""


@dataclass(frozen=True)
class ThreadPosition:
    """Where the thread stands, as a run without the app decides what to do with it."""

    waiting: bool
    """At an interrupt nobody has answered."""
    ahead: list[str]
    """The nodes it stopped before (a pause, a breakpoint, a cancel)."""
    has_values: bool
    """It ran before (a next turn needs new input)."""


class SessionFront(ABC):
    read_only = False
    player = None  # only a recording has one

    clock: Clock
    redactor: Redactor
    status: RunStatus
    _t0: float
    _bus: EventBus
    _engine: LoopThread
    _acting: bool
    """An action that may start a run is under way."""
    thread_id: str

    # -- events out -------------------------------------------------------------------

    def now(self) -> float:
        """Seconds since the session started, on the session's (freezable) clock."""
        return self.clock.now() - self._t0

    @property
    def events(self) -> Any:
        """The queue every event goes to (``drain`` empties it), unless
        ``listeners_only`` was called."""
        return self._bus.queue

    def add_listener(self, listener: Listener, *, tokens: bool = True) -> None:
        """``listener`` is handed every event, on the thread that emits it;
        ``tokens=False``: every event but streamed tokens."""
        self._bus.add_listener(listener, tokens=tokens)

    @property
    def listeners(self) -> list[Listener]:
        return self._bus.listeners

    def drain(self, limit: int | None = None) -> list[Event]:
        """Every event emitted since the last drain (at most ``limit``), oldest first."""
        return self._bus.drain(limit)

    def listeners_only(self) -> None:
        """From now on events go to the listeners only, not to the queue: for an owner
        that never drains it (a headless run), which would otherwise keep every event,
        and every state it carries, until the session ends."""
        self._bus.queueing = False

    def rewound(self) -> bool:
        """A live session only moves forward (a recording's player can go back)."""
        return False

    def redact(self, text: str) -> str:
        """``text`` with every secret this session knows replaced."""
        return self.redactor.scrub(text)

    @property
    def running(self) -> bool:
        return self.status.active

    # -- actions --------------------------------------------------------------------------

    def open_thread(self) -> concurrent.futures.Future:
        """Look at what the checkpointer holds for this thread and show it: a thread
        reopened after a kill, a breakpoint, a cancel or at an interrupt continues
        where it stopped. A new thread shows nothing."""
        return self._submit(self._open_thread())

    def go(self, input: Any = NO_INPUT) -> concurrent.futures.Future:
        """What a user who runs a graph on a thread means: continue the thread if it
        stopped mid-run, else start a run with ``input`` (the next turn, on a thread
        that finished)."""
        return self._submit_exclusive(self._go(input))

    def start(self, input: Any = NO_INPUT, *, step: bool = False) -> concurrent.futures.Future:
        """Start a run on the current thread with ``input`` (default: the graph's)."""
        return self._submit_exclusive(self._start(input, step))

    def rerun(self, input: Any = NO_INPUT, *, step: bool = False) -> concurrent.futures.Future:
        """Start again on a new thread, with the same input unless one is given."""
        return self._submit_exclusive(self._rerun(input, step))

    def resume(self) -> concurrent.futures.Future:
        return self._submit_exclusive(self._resume(step=False))

    def answer(self, value: Any, interrupt_id: str | None = None) -> concurrent.futures.Future:
        """Answer the pending interrupt(s) and resume with ``Command(resume=...)``."""
        return self._submit_exclusive(self._answer(value, interrupt_id))

    def store_items(self) -> concurrent.futures.Future:
        """Every item in the store, as ``{namespace, key, value, updated_at}`` dicts."""
        return self._submit(self._store_items())

    def history(self) -> concurrent.futures.Future:
        """The thread's checkpoints as ``HistoryEntry`` roots, oldest first."""
        return self._submit(self._history())

    def checkpoint_state(
        self, checkpoint_id: str, ns: tuple[str, ...] = ()
    ) -> concurrent.futures.Future:
        """One checkpoint's state, read from where the thread is kept: ``{step, next,
        parent_id, values, parent_values}`` (the values as JSON, as events carry them)."""
        return self._submit(self._checkpoint_state(checkpoint_id, ns))

    def replay_from(self, checkpoint_id: str, *, step: bool = False) -> concurrent.futures.Future:
        """Run on from an earlier checkpoint: the steps before it are not run again;
        the ones after it run anew, as a new branch (the old one stays)."""
        return self._submit_exclusive(self._replay_from(checkpoint_id, step))

    def fork(
        self,
        checkpoint_id: str,
        edited: dict[str, Any],
        *,
        as_node: str | None = None,
        run: bool = True,
        step: bool = False,
    ) -> concurrent.futures.Future:
        """Write an edited copy of a checkpoint (``edited``: top-level keys to their new
        values, as JSON) as a new branch, and run on from it unless ``run`` is false.
        An edit that does not fit the state is refused before anything is written."""
        return self._submit_exclusive(self._fork(checkpoint_id, edited, as_node, run, step))

    def thread_ids(self) -> concurrent.futures.Future:
        """The ids of this graph's threads, most recent first."""
        return self._submit(self._thread_ids())

    def switch_thread(self, thread_id: str) -> concurrent.futures.Future:
        """Look at another thread of this graph, as a reopened one."""
        return self._submit_exclusive(self._switch_thread(thread_id))

    # -- on the session's loop ------------------------------------------------------------

    def _submit(self, coro: Coroutine[Any, Any, Any]) -> concurrent.futures.Future:
        # Under the bus lock: while a blocked loop is being abandoned (its run already
        # reported cancelled), work waits for the fresh loop instead of joining the
        # blocked one.
        with self._bus.lock:
            return self._engine.submit(coro)

    def _submit_exclusive(self, coro: Coroutine[Any, Any, Any]) -> concurrent.futures.Future:
        """An action that may start a run: one at a time. Each awaits (reading the
        thread) between its idle check and its launch, so two quick presses would
        otherwise both pass the check and start two runs."""
        return self._submit(self._exclusively(coro))

    async def _exclusively(self, coro: Coroutine[Any, Any, Any]) -> Any:
        if self._acting:
            coro.close()
            raise SessionError("another action is starting a run: wait for it")
        self._acting = True
        try:
            return await coro
        finally:
            self._acting = False

    async def _go(self, input: Any) -> None:
        """A run without the app (``--thread`` on its own): continue the thread where it
        stopped, or start a turn, or say why neither fits."""
        self._require_idle()
        where = await self._position()
        if where.waiting:
            raise SessionError(
                f"thread {self.thread_id} is waiting at an interrupt: answer it with --resume VALUE"
            )
        if where.ahead:
            if input is not NO_INPUT:
                raise SessionError(
                    f"thread {self.thread_id} stopped before {', '.join(where.ahead)}: "
                    "continue it by running without --input/--message, or use a new --thread"
                )
            await self._resume(step=False)
            return
        if input is NO_INPUT and where.has_values:
            raise SessionError(
                f"thread {self.thread_id} has finished: send the next turn with "
                "--message or --input, or use a new --thread"
            )
        await self._start(input, step=False)

    @abstractmethod
    def _require_idle(self) -> None: ...
    @abstractmethod
    async def _position(self) -> ThreadPosition: ...
    @abstractmethod
    async def _open_thread(self) -> None: ...
    @abstractmethod
    async def _start(self, input: Any, step: bool) -> None: ...
    @abstractmethod
    async def _rerun(self, input: Any, step: bool) -> None: ...
    @abstractmethod
    async def _resume(self, step: bool) -> None: ...
    @abstractmethod
    async def _answer(self, value: Any, interrupt_id: str | None) -> None: ...
    @abstractmethod
    async def _store_items(self) -> list[dict[str, Any]]: ...
    @abstractmethod
    async def _history(self) -> list[Any]: ...
    @abstractmethod
    async def _checkpoint_state(
        self, checkpoint_id: str, ns: tuple[str, ...]
    ) -> dict[str, Any]: ...
    @abstractmethod
    async def _replay_from(self, checkpoint_id: str, step: bool) -> None: ...
    @abstractmethod
    async def _fork(
        self,
        checkpoint_id: str,
        edited: dict[str, Any],
        as_node: str | None,
        run: bool,
        step: bool,
    ) -> str: ...
    @abstractmethod
    async def _thread_ids(self) -> list[str]: ...
    @abstractmethod
    async def _switch_thread(self, thread_id: str) -> None: ...
