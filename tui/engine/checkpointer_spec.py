"""What ``--checkpointer`` may name, checked before anything runs (no LangGraph needed)."""

from __future__ import annotations

import os
from pathlib import Path

SQLITE_PREFIX = "sqlite:"


class CheckpointerError(RuntimeError):
    """The checkpointer cannot be opened; ``str()`` names the file and the fix."""


def sqlite_path(spec: str) -> Path | None:
    return Path(spec.removeprefix(SQLITE_PREFIX)) if spec.startswith(SQLITE_PREFIX) else None


def check_spec(spec: str) -> None:
    """Refuse a checkpointer that cannot work: a bad form, a folder that does not
    exist, a file that cannot be written."""
    path = sqlite_path(spec)
    if spec != "memory" and (path is None or not str(path) or spec == SQLITE_PREFIX):
        raise CheckpointerError(f"bad --checkpointer {spec!r}: use memory or sqlite:PATH")
    if path is None:
        return
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CheckpointerError(
            f"--checkpointer {spec}: folder {folder} does not exist (create it or pick another path)"
        )
    if path.exists() and not path.is_file():
        raise CheckpointerError(f"--checkpointer {spec}: {path} is not a file")
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        raise CheckpointerError(f"--checkpointer {spec}: {target} is not writable")
