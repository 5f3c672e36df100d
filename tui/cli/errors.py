"""Mistakes on the command line: one line on stderr naming the problem and the fix."""

from __future__ import annotations

import sys


class UsageError(Exception):
    """Bad arguments; ``str()`` is the one-line message."""


def print_error(message: str) -> None:
    print(f"langgraph-tui: error: {message}", file=sys.stderr)
