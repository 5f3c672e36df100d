"""Helpers shared by the tests: open sessions on samples and wait for events."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.engine.events import (
    Event,
    LlmStarted,
    RunStarted,
    Status,
    TaskStarted,
    Token,
)
from tui.engine.status import RunStatus

if TYPE_CHECKING:  # importing LangGraph costs a second: the server's keeper does not
    from tui.engine.session import Session

ROOT = Path(__file__).resolve().parent.parent
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"


def examples(n: int) -> int:
    """A property test's own count of examples (one that costs an app, a run or a
    process each), and sixteen times as many under ``HYPOTHESIS_PROFILE=thorough``,
    as the profile gives the others (400 for 25): a test's own count overrides it."""
    return n * 16 if THOROUGH else n


SAMPLES = ROOT / "sample_graphs"
TEST_GRAPHS = Path(__file__).resolve().parent / "graphs"


def env_without_model_choice() -> dict[str, str]:
    """This process's environment minus any LANGGRAPH_TUI_* model choice, for a child
    process that must pick its model from its own arguments."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LANGGRAPH_TUI_")}


class EventLog:
    """Every event a session emitted, collected by draining its queue."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.events: list[Event] = []

    def pump(self) -> list[Event]:
        fresh = self.session.drain()
        self.events.extend(fresh)
        return fresh

    def wait_for(
        self, predicate: Callable[[Event], bool], timeout: float = 30.0, *, after: int = 0
    ) -> Event:
        """The first event (at list index >= ``after``) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        checked = after
        while True:
            self.pump()
            for event in self.events[checked:]:
                if predicate(event):
                    return event
            checked = max(checked, len(self.events))
            if time.monotonic() > deadline:
                kinds = [e.kind for e in self.events[-15:]]
                raise AssertionError(
                    f"timed out; last events: {kinds}; status {self.session.status}; "
                    f"the engine loop awaits: {_awaiting(self.session)}"
                )
            time.sleep(0.01)

    def wait_kind(self, kind: str, timeout: float = 30.0, *, after: int = 0, **fields) -> Event:
        return self.wait_for(
            lambda e: e.kind == kind and all(getattr(e, k, None) == v for k, v in fields.items()),
            timeout,
            after=after,
        )

    def finish(self, timeout: float = 30.0, *, after: int = 0) -> Event:
        return self.wait_kind("run_finished", timeout, after=after)

    def of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    def mark(self) -> int:
        self.pump()
        return len(self.events)


def _awaiting(session: Any) -> str:
    """Where each task on the session's engine loop waits (what a hung run is stuck on):
    its whole chain of awaits, down to the future it waits on (``Task.print_stack``
    shows only a suspended task's outermost frame)."""
    engine = getattr(session, "_engine", None)
    if engine is None:
        return "no engine loop"
    lines: list[str] = []
    for task in asyncio.all_tasks(engine.loop):
        lines.append(f"task {task.get_name()}:")
        lines.extend(f"  {line}" for line in _await_chain(task.get_coro()))
        lines.append(f"  waits on {getattr(task, '_fut_waiter', None)!r}"[:500])
    threads = ", ".join(t.name for t in threading.enumerate())
    return "\n".join(lines or ["nothing"]) + f"\nthreads: {threads}"


def _await_chain(coro: Any) -> list[str]:
    out: list[str] = []
    while coro is not None and len(out) < 40:
        frame = next(
            (
                getattr(coro, a)
                for a in ("cr_frame", "ag_frame", "gi_frame")
                if getattr(coro, a, None)
            ),
            None,
        )
        if frame is not None:
            where = frame.f_code.co_filename.rsplit("site-packages/", 1)[-1]
            out.append(f"{where}:{frame.f_lineno} {frame.f_code.co_name}")
        coro = next(
            (
                getattr(coro, a)
                for a in ("cr_await", "ag_await", "gi_yieldfrom")
                if getattr(coro, a, None)
            ),
            None,
        )
    return out


def streaming_run(tokens: int, *, step: int = 1, before: Sequence[Event] = ()) -> list[Event]:
    """A recording of a run, 10 ms an event: the events ``before``, then the task
    ``agent`` at ``step`` streaming a reply of ``tokens`` one-word tokens, not done."""
    events: list[Event] = [
        RunStarted(graph="g", thread_id="t", input={}, stream_modes=[]),
        Status(status=RunStatus.RUNNING),
        *before,
        TaskStarted(step=step, node="agent", task_id="a"),
        LlmStarted(node="agent", task_id="a", run_id="r", model="m"),
    ]
    for i in range(tokens):
        events.append(
            Token(node="agent", text=f"word{i} ", message_id="m1", task_id="a", step=step)
        )
    for t, event in enumerate(events):
        event.t = t * 0.01
    return events
