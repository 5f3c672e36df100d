"""Mistakes on the command line: one line on stderr naming the problem and the fix."""

from __future__ import annotations

import sys

from tui.engine.redaction import Redactor


class UsageError(Exception):
    """Bad arguments; ``str()`` is the one-line message."""


def print_error(message: str) -> None:
    # An error can quote what a graph or a server said, secrets included.
    text = Redactor.from_env().scrub(message)
    print(f"langgraph-tui: error: {text}", file=sys.stderr)
