"""Headless runs: one JSON event per line, and an exit code for how the run ended."""

from __future__ import annotations

import contextlib
import os
import sys
import threading

from tui.cli.errors import UsageError
from tui.cli.exit_codes import BY_OUTCOME, EXIT_CANCELLED, EXIT_FAILED
from tui.engine.events import Event, RunFinished
from tui.engine.recording import JsonlWriter
from tui.engine.session import NO_INPUT, Session, SessionError
from tui.engine.status import RunOutcome
from tui.launcher import RunSpec


def run_headless(session: Session, spec: RunSpec) -> int:
    """Run to the end, writing JSONL; returns the exit code for the final status."""
    writer = JsonlWriter.to_path(spec.jsonl) if spec.jsonl else JsonlWriter(sys.stdout)
    finished = threading.Event()
    outcome: list[RunOutcome] = []

    def on_event(event: Event) -> None:
        writer(event)
        if isinstance(event, RunFinished):
            outcome.append(event.status)
            finished.set()

    session.add_listener(on_event)
    try:
        if spec.resume is not NO_INPUT:
            session.answer(spec.resume).result()
        else:
            session.start(spec.input).result()
    except SessionError as exc:
        writer.close()
        raise UsageError(str(exc)) from exc
    try:
        while not finished.wait(0.1):
            if writer.broken is not None:
                # Nobody reads the events any more: stop spending model tokens.
                _silence_stdout()
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        with contextlib.suppress(SessionError):
            session.cancel()
        finished.wait(5.0)
        writer.close()
        return EXIT_CANCELLED
    writer.close()
    return BY_OUTCOME.get(outcome[-1], EXIT_FAILED) if outcome else EXIT_FAILED


def _silence_stdout() -> None:
    # Python would otherwise report the broken pipe again when it flushes at exit.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
