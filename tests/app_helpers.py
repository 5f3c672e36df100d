"""Driving the app in tests: the public testing kit's Pilot helpers (``tui.testing``),
which our own tests use as a user's would."""

from tui.testing.pilot import settle, wait_modal, wait_status, wait_until

__all__ = ["settle", "wait_modal", "wait_status", "wait_until"]
