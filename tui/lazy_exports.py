"""A package that exports names from its modules without importing them up front.

Used where importing everything at once costs start-up nobody asked for: the testing
kit (pytest loads its plugin in every session) and the app's dialogs (none shows in
the first frame). A name is imported on first use (PEP 562) and then kept on the
package. No exported name may equal one of the package's submodules: importing that
submodule would set the package attribute to the module.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The ``__getattr__`` for ``package``: ``where`` maps each exported name to the
    submodule (its name within the package) that defines it."""
    module = sys.modules[package]

    def __getattr__(name: str) -> Any:
        try:
            submodule = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        setattr(module, name, value)
        return value

    return __getattr__
