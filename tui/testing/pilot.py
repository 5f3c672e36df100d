"""Pilot helpers: wait for what the run does, never for a number of seconds.

Each waits until the app has folded in the events that make its condition true
(the screen shows it), and fails after ``timeout`` seconds with what the run was
doing and its last events, so a hung test says why. ``settle`` then lets every
pending event and message be handled, so what a snapshot shows does not depend on
how fast the machine is.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any, cast

from textual.pilot import Pilot

from tui.app.app import DebuggerApp
from tui.engine.events import Event
from tui.testing.traces import last_events_text, tool_calls_in

DEFAULT_TIMEOUT = 30.0
_TOOL_CALL_KINDS = frozenset({"task_started", "update"})


class RunWatch:
    """A session listener keeping every event, for waits and timeout messages."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    def snapshot(self) -> list[Event]:
        with self._lock:
            return list(self.events)


def watch_of(app: DebuggerApp) -> RunWatch:
    """The app's ``RunWatch`` (``build_app`` adds one; added now for an app built
    otherwise, which then sees only what happens from here on)."""
    for listener in app.source.listeners:
        if isinstance(listener, RunWatch):
            return listener
    watch = RunWatch()
    app.source.add_listener(watch)
    return watch


def _app(pilot: Pilot) -> DebuggerApp:
    app = pilot.app
    if not isinstance(app, DebuggerApp):
        raise TypeError(
            f"these helpers drive langgraph-tui's DebuggerApp, not {type(app).__name__}"
        )
    return app


async def wait_until(
    pilot: Pilot,
    condition: Callable[[], bool],
    timeout: float = DEFAULT_TIMEOUT,
    what: str = "",
) -> None:
    """Let the app run (and drain its events) until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(_timed_out(pilot, what or repr(condition), timeout))
        await pilot.pause(0.02)


def _timed_out(pilot: Pilot, what: str, timeout: float) -> str:
    app = pilot.app
    view = getattr(app, "model", None)
    status = getattr(view, "status", "?")
    detail = getattr(view, "status_detail", "")
    doing = f"{status}" + (f" ({detail})" if detail else "")
    last = "unknown"
    if isinstance(app, DebuggerApp):
        last = last_events_text(watch_of(app).snapshot())
    return (
        f"timed out after {timeout:g}s waiting for {what}; the run is {doing}; last events: {last}"
    )


async def wait_status(pilot: Pilot, *statuses: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Until the status bar shows one of ``statuses`` (``"done"``, ``"paused"``,
    ``"breakpoint"``, ``"interrupted"``, ``"failed"``, ``"cancelled"``, ...)."""
    app = _app(pilot)
    await wait_until(
        pilot, lambda: app.model.status in statuses, timeout, f"status {' or '.join(statuses)}"
    )
    await pilot.pause()


async def wait_done(pilot: Pilot, timeout: float = DEFAULT_TIMEOUT) -> None:
    await wait_status(pilot, "done", timeout=timeout)


async def wait_paused(pilot: Pilot, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Paused by the user or a step, or stopped at a breakpoint."""
    await wait_status(pilot, "paused", "breakpoint", timeout=timeout)


async def wait_interrupted(pilot: Pilot, timeout: float = DEFAULT_TIMEOUT) -> None:
    await wait_status(pilot, "interrupted", timeout=timeout)


async def wait_failed(pilot: Pilot, timeout: float = DEFAULT_TIMEOUT) -> None:
    await wait_status(pilot, "failed", timeout=timeout)


async def wait_node(pilot: Pilot, node: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Until ``node`` has started (the timeline shows its row)."""
    app = _app(pilot)
    await wait_until(
        pilot,
        lambda: any(row.node == node for row in app.model.tasks.values()),
        timeout,
        f"node {node} to start",
    )


async def wait_tool(pilot: Pilot, name: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Until a model has called tool ``name`` (its call is complete in an update)."""
    app = _app(pilot)
    watch = watch_of(app)

    def called() -> bool:
        events = [e.to_dict() for e in watch.snapshot() if e.kind in _TOOL_CALL_KINDS]
        return any(call.name == name for call in tool_calls_in(events))

    await wait_until(pilot, called, timeout, f"a call of tool {name}")
    await settle(pilot)


async def wait_modal(pilot: Pilot, screen_type: type, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Until a modal of ``screen_type`` is up and has focused its widget (keys
    typed before that would go nowhere)."""
    app = pilot.app
    await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, screen_type)
            and app.focused is not None
            and app.focused.screen is app.screen
        ),
        timeout,
        f"{screen_type.__name__} with focus",
    )


async def answer(pilot: Pilot, value: Any, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Answer the pending interrupt as a person would: wait for its dialog, enter
    ``value`` (text as typed; anything else as JSON) and send it. Several pending
    interrupts all get the same answer."""
    from textual.widgets import Input

    from tui.app.screens.interrupt import InterruptScreen

    app = _app(pilot)
    if not isinstance(app.screen, InterruptScreen):
        await wait_status(pilot, "interrupted", timeout=timeout)
        if not isinstance(app.screen, InterruptScreen):
            await pilot.press("i")
    await wait_modal(pilot, InterruptScreen, timeout)
    text = value if isinstance(value, str) else json.dumps(value)
    boxes = list(app.screen.query(Input))
    for box in boxes:
        box.value = text
    await pilot.press("enter")
    await wait_until(
        pilot, lambda: not isinstance(app.screen, InterruptScreen), timeout, "the answer to be sent"
    )


async def settle(pilot: Pilot) -> None:
    """Until everything the session emitted is folded in and handled: its queue
    drained by the app's frame timer, and the messages that caused processed. A
    blinking cursor then stays shown: where it was in its blink would otherwise
    depend on how long all that took."""
    app = _app(pilot)
    queue = cast(Any, app.source).events  # a live session's queue
    await wait_until(pilot, queue.empty, what="every event drained")
    await pilot.pause()
    await app.workers.wait_for_complete()
    for widget in app.screen.query("Input, TextArea"):
        cast(Any, widget).cursor_blink = False
    await pilot.pause()


def until(*statuses: str, timeout: float = DEFAULT_TIMEOUT) -> Callable[[Pilot], Any]:
    """A ``run_before`` for ``snap_compare``: wait for a status, then settle."""

    async def run_before(pilot: Pilot) -> None:
        await wait_status(pilot, *statuses, timeout=timeout)
        await settle(pilot)

    return run_before
