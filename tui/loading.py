"""Resolve a graph spec to a compiled LangGraph graph.

Accepted specs::

    path/file.py              the module's ``graph``, else its only graph
    path/file.py:attr         a named attribute
    package.module:attr       an importable module's attribute
    path/langgraph.json[:name] or a folder holding langgraph.json

The attribute may be a compiled graph, an uncompiled ``StateGraph`` (compiled
here), or a factory: a sync or async callable taking nothing or a RunnableConfig.
Every failure raises ``GraphLoadError`` with one line that names the problem and
the fix; the original exception is chained for ``--verbose``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib
import importlib.util
import inspect
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from langgraph.graph import StateGraph
from langgraph.pregel import Pregel

CONFIG_FILE = "langgraph.json"
DEFAULT_INPUT_NAMES = ("default_input", "DEFAULT_INPUT")


class GraphLoadError(Exception):
    """A graph spec that cannot be loaded; ``str()`` is the one-line message."""


@dataclass
class LoadedGraph:
    name: str
    graph: Pregel
    spec: str
    default_input: Any = None
    has_default_input: bool = False
    source: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def load_graph(spec: str) -> LoadedGraph:
    """Load the graph named by ``spec``; see the module docstring for the forms."""
    spec = spec.strip()
    if not spec:
        raise GraphLoadError("no graph given: pass a path such as sample_graphs/joke.py")
    target, attr = _split_attr(spec)
    path = Path(target)
    if path.is_dir():
        path = path / CONFIG_FILE
        if not path.is_file():
            raise GraphLoadError(
                f"{target} is a folder without {CONFIG_FILE}: "
                "pass a .py file, or a folder that holds langgraph.json"
            )
    if path.suffix == ".json":
        return _load_from_config(path, attr, spec)
    if path.suffix == ".py" or os.sep in target or "/" in target:
        module = _import_file(path)
        name = attr if attr and attr != "graph" else path.stem
        return _from_module(module, attr, spec, name=name, source=path)
    module = _import_module(target)
    return _from_module(module, attr, spec, name=attr or target.rsplit(".", 1)[-1], source=None)


def _split_attr(spec: str) -> tuple[str, str | None]:
    if ":" not in spec:
        return spec, None
    target, attr = spec.rsplit(":", 1)
    if not attr or not target:
        raise GraphLoadError(f"bad graph spec {spec!r}: use file.py:attr or module:attr")
    return target, attr


def _load_from_config(path: Path, name: str | None, spec: str) -> LoadedGraph:
    if not path.is_file():
        raise GraphLoadError(f"{path} not found: check the path to langgraph.json")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise GraphLoadError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}): "
            "fix the file"
        ) from exc
    graphs = config.get("graphs") if isinstance(config, dict) else None
    if not isinstance(graphs, dict) or not graphs:
        raise GraphLoadError(
            f'{path} has no "graphs" map: add one, e.g. {{"graphs": {{"agent": "./agent.py:graph"}}}}'
        )
    names = ", ".join(sorted(graphs))
    if name is None:
        if len(graphs) != 1:
            raise GraphLoadError(
                f"{path} defines several graphs ({names}): pick one with {path}:NAME"
            )
        name = next(iter(graphs))
    if name not in graphs:
        raise GraphLoadError(f"{path} has no graph named {name!r}: choose one of {names}")
    base = path.parent.resolve()
    _apply_config_env(config.get("env"), base, path)
    _apply_dependencies(config.get("dependencies") or [], base)
    entry = graphs[name]
    if isinstance(entry, dict):
        entry = entry.get("path", "")
    if not isinstance(entry, str) or ":" not in entry:
        raise GraphLoadError(
            f'{path}: graph {name!r} must look like "./file.py:attr", got {entry!r}'
        )
    target, attr = entry.rsplit(":", 1)
    if target.endswith(".py") or target.startswith((".", "/")):
        file_path = (base / target).resolve()
        module = _import_file(file_path)
        source: Path | None = file_path
    else:
        module = _import_module(target)
        source = None
    loaded = _from_module(module, attr, spec, name=name, source=source)
    loaded.extra["config_path"] = str(path)
    return loaded


def _apply_config_env(env: Any, base: Path, config_path: Path) -> None:
    # Same as the LangGraph CLI: a path to a .env file, or a map of variables.
    # Variables already set in the shell win, so a user can override the file.
    if env is None:
        return
    if isinstance(env, dict):
        for key, value in env.items():
            os.environ.setdefault(str(key), str(value))
        return
    if isinstance(env, str):
        env_path = (base / env).resolve()
        if not env_path.is_file():
            raise GraphLoadError(f'{config_path}: env file {env} not found: create it or fix "env"')
        from dotenv import load_dotenv

        load_dotenv(env_path, override=False)
        return
    raise GraphLoadError(f'{config_path}: "env" must be a path or a map, got {env!r}')


def _apply_dependencies(dependencies: list[Any], base: Path) -> None:
    # Local paths become importable, as the CLI installs them; package names are
    # requirements the user installs themselves, so there is nothing to do here.
    for dep in dependencies:
        if isinstance(dep, str) and dep.startswith((".", "/")):
            dep_path = (base / dep).resolve()
            if dep_path.is_dir() and str(dep_path) not in sys.path:
                sys.path.insert(0, str(dep_path))


def _import_file(path: Path) -> ModuleType:
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
        raise _import_failure(str(path), exc) from exc
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


def _import_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.split(".")[0] == exc.name.split(".")[0]:
            raise GraphLoadError(
                f"no file or module named {name!r}: pass a path to a .py file, "
                "a langgraph.json, or an importable package.module:attr"
            ) from exc
        raise _import_failure(name, exc) from exc
    except BaseException as exc:
        raise _import_failure(name, exc) from exc


def _import_failure(where: str, exc: BaseException) -> GraphLoadError:
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


def _from_module(
    module: ModuleType, attr: str | None, spec: str, *, name: str, source: Path | None
) -> LoadedGraph:
    where = source or module.__name__
    if attr is not None:
        if not hasattr(module, attr):
            found = ", ".join(_graph_candidates(module)) or "none"
            raise GraphLoadError(f"{where} has no attribute {attr!r} (graphs found there: {found})")
        obj = getattr(module, attr)
        label = f"{where}:{attr}"
    elif hasattr(module, "graph"):
        obj, label = module.graph, f"{where}:graph"
    else:
        candidates = _graph_candidates(module)
        if not candidates:
            raise GraphLoadError(
                f"{where} defines no graph: add `graph = builder.compile()` "
                f"or name one with {where}:ATTR"
            )
        if len(candidates) > 1:
            raise GraphLoadError(
                f"{where} defines several graphs ({', '.join(candidates)}): "
                f"pick one with {where}:{candidates[0]}"
            )
        obj, label = getattr(module, candidates[0]), f"{where}:{candidates[0]}"
    graph = _as_graph(obj, label)
    default, has_default = _default_input(module)
    loaded = LoadedGraph(
        name=name,
        graph=graph,
        spec=spec,
        default_input=default,
        has_default_input=has_default,
        source=source,
    )
    # Graphs that take their model from tui.models (the samples) follow --model and
    # the TUI's "Switch model"; for any other graph those would do nothing.
    loaded.extra["model_switchable"] = any(
        getattr(value, "__module__", None) == "tui.models" for value in vars(module).values()
    )
    return loaded


def _graph_candidates(module: ModuleType) -> list[str]:
    return [
        key
        for key, value in vars(module).items()
        if not key.startswith("_") and isinstance(value, Pregel | StateGraph)
    ]


def _default_input(module: ModuleType) -> tuple[Any, bool]:
    for key in DEFAULT_INPUT_NAMES:
        if hasattr(module, key):
            return getattr(module, key), True
    return None, False


def _as_graph(obj: Any, label: str) -> Pregel:
    if isinstance(obj, Pregel):
        return obj
    if isinstance(obj, StateGraph):
        try:
            return obj.compile()
        except Exception as exc:
            raise GraphLoadError(f"{label}: compiling the StateGraph failed: {exc}") from exc
    if callable(obj) and not isinstance(obj, type):
        return _as_graph(_call_factory(obj, label), f"{label}()")
    raise GraphLoadError(
        f"{label} is {_article(type(obj).__name__)} {type(obj).__name__}, not a LangGraph graph "
        "(point at a compiled graph, a StateGraph, or a factory that returns one)"
    )


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _call_factory(factory: Any, label: str) -> Any:
    try:
        params = [
            p
            for p in inspect.signature(factory).parameters.values()
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        params = []
    args: tuple[Any, ...] = ({"configurable": {}},) if params else ()
    try:
        result = factory(*args)
        if inspect.isawaitable(result):
            result = asyncio.run(_await(result))
        if isinstance(result, contextlib.AbstractContextManager):
            result = result.__enter__()
        elif isinstance(result, contextlib.AbstractAsyncContextManager):
            result = asyncio.run(result.__aenter__())
    except GraphLoadError:
        raise
    except Exception as exc:
        raise GraphLoadError(
            f"the graph factory {label} raised {type(exc).__name__}: {exc} "
            "(fix the factory; --verbose shows the traceback)"
        ) from exc
    return result


async def _await(awaitable: Any) -> Any:
    return await awaitable
