"""Driving the app in tests: build it on a session, wait for what the screen shows."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from tui.app.app import DebuggerApp


async def wait_until(
    pilot: Pilot, condition: Callable[[], bool], timeout: float = 30.0, what: str = ""
) -> None:
    """Let the app run (and drain its events) until ``condition`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            app = pilot.app
            status = getattr(getattr(app, "model", None), "status", "?")
            raise AssertionError(f"timed out waiting for {what or condition}; status {status}")
        await pilot.pause(0.02)


async def wait_status(pilot: Pilot, *statuses: str, timeout: float = 30.0) -> None:
    app = pilot.app
    assert isinstance(app, DebuggerApp)
    await wait_until(pilot, lambda: app.model.status in statuses, timeout, f"status in {statuses}")
    await pilot.pause()


async def wait_modal(pilot: Pilot, screen_type: type, timeout: float = 30.0) -> None:
    """Wait until a modal of ``screen_type`` is up and has focused its widget (keys
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


async def settle(pilot: Pilot) -> None:
    """Until everything the session emitted is folded in and handled: its queue
    drained by the app's frame timer, and the messages that caused processed. What
    a snapshot then shows no longer depends on how fast this machine is."""
    app = pilot.app
    assert isinstance(app, DebuggerApp)
    queue = app.source.events  # a live session's queue
    await wait_until(pilot, queue.empty, what="every event drained")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
