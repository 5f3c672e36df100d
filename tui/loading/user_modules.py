"""The user's own modules a graph load imported, so that a reload imports them afresh.

Re-running the graph's file alone would keep its siblings (``prompts.py``, a
``tools`` package) as they were first imported, and a ``package.module:attr`` graph
would not be re-read at all. Installed libraries are left alone: re-importing them
is slow, and a user does not edit them between reloads.
"""

from __future__ import annotations

import sys
import sysconfig
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TypeVar

T = TypeVar("T")

_OURS = str(Path(__file__).resolve().parents[1])
_INSTALLED = tuple(
    {
        str(Path(p).resolve())
        for p in (
            sys.prefix,
            sys.base_prefix,
            sys.exec_prefix,
            sysconfig.get_paths()["purelib"],
            sysconfig.get_paths()["platlib"],
            sysconfig.get_paths()["stdlib"],
        )
    }
)


def is_users(module: ModuleType | None) -> bool:
    """A module loaded from a source file outside the interpreter, its installed
    packages and this package."""
    file = getattr(module, "__file__", None)
    if not file:
        return False
    where = str(Path(file).resolve())
    return not where.startswith(_INSTALLED) and not where.startswith(_OURS)


def imported_by(load: Callable[[], T]) -> tuple[T, set[str]]:
    """Run ``load``; return its result and the user's modules it imported."""
    before = set(sys.modules)
    result = load()
    return result, {n for n in set(sys.modules) - before if is_users(sys.modules.get(n))}


class Forgotten:
    """Modules taken out of ``sys.modules`` for a fresh import; ``restore()`` puts them
    all back over whatever the failed fresh import left (the old code stays whole)."""

    def __init__(self, names: Iterable[str]) -> None:
        self._modules = {name: sys.modules.pop(name) for name in names if name in sys.modules}

    def restore(self) -> None:
        sys.modules.update(self._modules)
