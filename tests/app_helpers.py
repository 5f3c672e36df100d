"""Driving the app in tests: build it on a session, wait for what the screen shows."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from tui.app.app import DebuggerApp


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 15.0, what: str = "") -> None:
    """Let the app run (and drain its events) until ``condition`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            app = pilot.app
            status = getattr(getattr(app, "model", None), "status", "?")
            raise AssertionError(f"timed out waiting for {what or condition}; status {status}")
        await pilot.pause(0.02)


async def wait_status(pilot: Pilot, *statuses: str, timeout: float = 15.0) -> None:
    app = pilot.app
    assert isinstance(app, DebuggerApp)
    await wait_until(pilot, lambda: app.model.status in statuses, timeout, f"status in {statuses}")
    await pilot.pause()
