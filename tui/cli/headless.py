"""Headless runs: one JSON event per line, and an exit code for how the run ended."""

from __future__ import annotations

import contextlib
import sys
import threading
from concurrent.futures import Future
from typing import Any, Protocol, TextIO

from tui.cli.errors import UsageError, print_error
from tui.cli.exit_codes import BY_OUTCOME, EXIT_CANCELLED, EXIT_FAILED
from tui.engine.events import Event, Notice, RunFailed, RunFinished
from tui.engine.recording import JsonlWriter
from tui.engine.session import NO_INPUT, SessionError
from tui.engine.status import NoticeLevel, RunOutcome


class HeadlessSession(Protocol):
    """What a headless run needs of a session: a local ``Session`` or one attached
    to a LangGraph Server (``tui.server``)."""

    def add_listener(self, listener: Any, *, tokens: bool = True) -> None: ...
    def listeners_only(self) -> None: ...
    def go(self, input: Any = ...) -> Future: ...
    def answer(self, value: Any, interrupt_id: str | None = None) -> Future: ...
    def cancel(self) -> None: ...
    def replay_from(self, checkpoint_id: str, *, step: bool = False) -> Future: ...
    def fork(
        self,
        checkpoint_id: str,
        edited: dict[str, Any],
        *,
        as_node: str | None = None,
        run: bool = True,
        step: bool = False,
    ) -> Future: ...


class HeadlessSpec(Protocol):
    input: Any
    resume: Any
    jsonl: str | None
    from_checkpoint: str | None
    update: dict[str, Any] | None
    as_node: str | None


def run_headless(session: HeadlessSession, spec: HeadlessSpec, writer: JsonlWriter) -> int:
    """Run to the end, writing JSONL; returns the exit code for the final status.

    On a thread the checkpointer already holds, the run continues where the thread
    stopped (``Session.go``); ``--resume`` answers its pending interrupt."""
    finished = threading.Event()
    outcome: list[RunOutcome] = []

    def watch(event: Event) -> None:
        if isinstance(event, RunFinished):
            outcome.append(event.status)
            finished.set()
        elif isinstance(event, RunFailed):
            # The one line with the fix, where a person at the shell looks.
            say = (
                event.hint or f"{event.type}: {event.error.splitlines()[0] if event.error else ''}"
            )
            print(f"langgraph-tui: run failed: {say}", file=sys.stderr, flush=True)
        elif isinstance(event, Notice) and event.level != NoticeLevel.INFO:
            # A broken recording, say: the user learns it now, not at the end.
            print(f"langgraph-tui: {event.text}", file=sys.stderr, flush=True)
        elif isinstance(event, Notice):
            print(f"langgraph-tui: note: {event.text}", file=sys.stderr, flush=True)

    session.listeners_only()  # nothing here drains the queue: only listeners read events
    session.add_listener(writer)
    session.add_listener(watch, tokens=False)  # it says how the run ends, not what it streams
    try:
        if spec.from_checkpoint is not None:
            travel(session, spec).result()
        elif spec.resume is not NO_INPUT:
            session.answer(spec.resume).result()
        else:
            session.go(spec.input).result()
    except SessionError as exc:
        raise UsageError(str(exc)) from exc
    try:
        while not finished.wait(0.1):
            if writer.broken is not None and writer.name == "stdout":
                # Nobody reads the events any more: stop spending model tokens.
                return _output_gone(session, finished, writer)
    except KeyboardInterrupt:
        _cancel(session, finished)
        return EXIT_CANCELLED
    if writer.broken is not None and writer.name == "stdout":
        return _output_gone(session, finished, writer)
    return BY_OUTCOME.get(outcome[-1], EXIT_FAILED) if outcome else EXIT_FAILED


def travel(session: HeadlessSession, spec: HeadlessSpec) -> Future:
    """``--from``: replay from the checkpoint, or fork it with ``--update``."""
    assert spec.from_checkpoint is not None
    if spec.update is not None:
        return session.fork(spec.from_checkpoint, spec.update, as_node=spec.as_node)
    return session.replay_from(spec.from_checkpoint)


def _cancel(session: HeadlessSession, finished: threading.Event) -> None:
    with contextlib.suppress(SessionError):
        session.cancel()
    finished.wait(10.0)


def _output_gone(session: HeadlessSession, finished: threading.Event, writer: JsonlWriter) -> int:
    _cancel(session, finished)
    reason = writer.broken.strerror if writer.broken is not None else None
    print_error(f"stdout was closed ({reason or 'write failed'}): the run was cancelled")
    return EXIT_FAILED


def jsonl_writer(spec: HeadlessSpec, stdout: TextIO) -> JsonlWriter:
    """Where headless events go: ``--jsonl FILE``, else stdout."""
    if spec.jsonl:
        return JsonlWriter.to_path(spec.jsonl)
    return JsonlWriter(stdout, name="stdout")
