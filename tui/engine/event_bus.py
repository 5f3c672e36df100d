"""Where events leave the engine: numbered, timed, queued and handed to listeners.

Events come from several threads (the engine loop, the cancel watchdog, the
blocked-loop monitor); one lock gives every consumer one order. Every text field of
every event passes the session's redactor here (graph values were redacted as they
were converted, streamed tokens across their chunks), so nothing leaves unredacted. Each run has a
generation: when a blocked loop is abandoned, whatever that run still emits later
is dropped instead of contradicting what the session already reported.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from tui.engine.events import Event, Notice, Token
from tui.engine.redaction import Redactor, redact_event_text
from tui.engine.status import NoticeLevel

Listener = Callable[[Event], None]


class EventBus:
    def __init__(
        self,
        now: Callable[[], float],
        observe: Callable[[Event], None],
        redactor: Redactor | None = None,
        *,
        origin: float = 0.0,
    ) -> None:
        # An event's time is ``now() - origin``: the session hands in its clock's
        # own ``now`` (a C function, for the real clock), not a method around it.
        self._now = now
        self._origin = origin
        self._observe = observe
        """The owner's own tracking (status, checkpoints), before any listener; not
        called for tokens, which it has nothing to do with."""
        self._redactor = redactor or Redactor()
        self.queue: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.lock = threading.RLock()
        # Tuples, replaced on a change: a token hands itself to them with no copy.
        self._listeners: tuple[Listener, ...] = ()
        self._token_listeners: tuple[Listener, ...] = ()
        self._seq = 0
        self.generation = 0
        self.queueing = True
        """False when nobody drains the queue (``SessionFront.listeners_only``)."""

    def add_listener(self, listener: Listener, *, tokens: bool = True) -> None:
        """``tokens=False``: the listener has nothing to do with streamed tokens
        (thousands a second), and is not handed them."""
        with self.lock:
            self._listeners += (listener,)
            if tokens:
                self._token_listeners += (listener,)

    @property
    def listeners(self) -> list[Listener]:
        with self.lock:
            return list(self._listeners)

    def drain(self, limit: int | None = None) -> list[Event]:
        """Every event emitted since the last drain (at most ``limit``), oldest first."""
        out: list[Event] = []
        while limit is None or len(out) < limit:
            try:
                out.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return out

    def emit(self, event: Event, generation: int | None = None) -> None:
        """Stamp ``event`` and hand it on, unless it belongs to an abandoned run."""
        with self.lock:
            if generation is not None and generation != self.generation:
                return
            self._deliver(event)

    def emit_token(self, token: Token, generation: int) -> None:
        """``emit`` of a run's streamed token (nearly every event), with the least
        work: ``_deliver``'s, unrolled."""
        with self.lock:
            if generation != self.generation:
                return
            if self._redactor.secrets:
                redact_event_text(token, self._redactor)
            token.seq = self._seq
            self._seq += 1
            token.t = self._now() - self._origin
            if self.queueing:
                self.queue.put(token)
            listeners = self._token_listeners
            if len(listeners) != 1:
                self._hand_out(token, listeners)
                return
            try:  # one listener (a headless run's writer): no list of failures
                listeners[0](token)
            except Exception as failure:
                self._drop(listeners[0])
                self._deliver(Notice(level=NoticeLevel.ERROR, text=_failure(failure)))

    def _deliver(self, event: Event) -> None:
        redact_event_text(event, self._redactor)
        event.seq = self._seq
        self._seq += 1
        event.t = self._now() - self._origin
        token = type(event) is Token
        if not token:
            self._observe(event)
        if self.queueing:
            self.queue.put(event)
        self._hand_out(event, self._token_listeners if token else self._listeners)

    def _hand_out(self, event: Event, listeners: tuple[Listener, ...]) -> None:
        failures: list[Exception] = []
        for listener in listeners:
            try:
                listener(event)
            except Exception as failure:
                self._drop(listener)
                failures.append(failure)
        for broken in failures:
            self._deliver(Notice(level=NoticeLevel.ERROR, text=_failure(broken)))

    def _drop(self, listener: Listener) -> None:
        # A broken consumer (closed pipe, full disk) must not take the run down with
        # it: it is dropped, and the others (the screen, a headless run's stderr) are
        # told after this event.
        self._listeners = tuple(x for x in self._listeners if x is not listener)
        self._token_listeners = tuple(x for x in self._token_listeners if x is not listener)


def _failure(exc: Exception) -> str:
    if isinstance(exc, ListenerFailed):
        return str(exc)
    return f"an event consumer failed and was removed: {exc!r}"


class ListenerFailed(Exception):
    """Raised by a listener that knows how to say what broke (``str()`` is shown)."""
