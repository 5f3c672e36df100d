"""Golden files: a trace (or any text) compared with the file that pins it.

A mismatch fails with a unified diff, the golden file's lines as ``-`` and this
run's as ``+``, which is the diff a reviewer reads. ``pytest --update-golden`` (or
the snapshot plugin's ``--snapshot-update``) rewrites the files instead: look at
``git diff`` before committing them.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

UPDATE_FLAG = "--update-golden"
_updating = False


def set_updating(on: bool) -> None:
    """Rewrite golden files instead of comparing (the pytest plugin sets this from
    ``--update-golden`` and ``--snapshot-update``)."""
    global _updating
    _updating = on


def updating() -> bool:
    return _updating


class GoldenMismatch(AssertionError):
    """The text differs from its golden file; ``str()`` is the diff."""


def assert_golden(actual: Any, path: str | Path, *, update: bool | None = None) -> None:
    """Compare ``actual`` (a ``Trace``, or text) with the golden file at ``path``;
    with ``update`` (default: the pytest flag) write it instead."""
    text = actual if isinstance(actual, str) else actual.text
    path = Path(path)
    if update if update is not None else _updating:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        raise GoldenMismatch(
            f"no golden file {path} yet: run pytest with {UPDATE_FLAG} to write it, "
            "then review it before committing"
        )
    expected = path.read_text(encoding="utf-8")
    if expected == text:
        return
    diff = difflib.unified_diff(
        expected.splitlines(keepends=True),
        text.splitlines(keepends=True),
        fromfile=f"{path} (golden)",
        tofile="this run",
    )
    raise GoldenMismatch(
        f"the run differs from {path} (run pytest with {UPDATE_FLAG} to accept it):\n"
        + "".join(diff)
    )
