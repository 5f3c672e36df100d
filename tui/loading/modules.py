"""Importing the user's code: a file by path, or a module by name.

A failed import becomes one line naming where and why (a syntax error's line, the
missing module), never a traceback; ``--verbose`` shows the chained original.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tui.loading.errors import GraphLoadError


def import_file(path: Path) -> ModuleType:
    if not path.is_file():
        hint = "check the path" if path.suffix == ".py" else "pass a .py file or module:attr"
        raise GraphLoadError(f"graph file not found: {path} ({hint})")
    path = path.resolve()
    module_name = _module_name_for(path)
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module_spec = importlib.util.spec_from_file_location(module_name, path)
    if module_spec is None or module_spec.loader is None:
        raise GraphLoadError(f"cannot import {path}: not a Python source file")
    module = importlib.util.module_from_spec(module_spec)
    # Registered before running so dataclasses and pickling can find the module.
    previous = sys.modules.get(module_name)
    sys.modules[module_name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException as exc:
        # A failed reload must not take the running graph's module away from it.
        if previous is not None:
            sys.modules[module_name] = previous
        else:
            sys.modules.pop(module_name, None)
        raise import_failure(str(path), exc) from exc
    return module


def _module_name_for(path: Path) -> str:
    """The file's stem, as `python file.py` users see in tracebacks and class names;
    a unique name only when the stem is taken by a different module."""
    existing = sys.modules.get(path.stem)
    if path.stem.isidentifier() and (
        existing is None or getattr(existing, "__file__", None) == str(path)
    ):
        return path.stem
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:8]
    return f"_lgtui_{path.stem}_{digest}"


def import_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.split(".")[0] == exc.name.split(".")[0]:
            raise GraphLoadError(
                f"no file or module named {name!r}: pass a path to a .py file, "
                "a langgraph.json, or an importable package.module:attr"
            ) from exc
        raise import_failure(name, exc) from exc
    except BaseException as exc:
        raise import_failure(name, exc) from exc


def import_failure(where: str, exc: BaseException) -> GraphLoadError:
    if isinstance(exc, KeyboardInterrupt):
        raise exc
    if isinstance(exc, SyntaxError):
        location = f"{exc.filename or where}, line {exc.lineno}"
        return GraphLoadError(f"syntax error in {location}: {exc.msg} (fix the file and rerun)")
    if isinstance(exc, ImportError):
        missing = f" {exc.name!r}" if getattr(exc, "name", None) else ""
        return GraphLoadError(
            f"importing {where} failed: {type(exc).__name__}: {exc} "
            f"(install the missing module{missing} or fix the import)"
        )
    line = _user_line(exc, where)
    return GraphLoadError(
        f"{where} raised {type(exc).__name__} while importing{line}: {exc} "
        "(fix the error; --verbose shows the traceback)"
    )


def _user_line(exc: BaseException, where: str) -> str:
    tb = exc.__traceback__
    last = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == where:
            last = tb.tb_lineno
        tb = tb.tb_next
    return f" at line {last}" if last else ""
