"""Resolve a graph spec to a compiled LangGraph graph.

Accepted specs::

    path/file.py              the module's ``graph``, else its only graph
    path/file.py:attr         a named attribute
    package.module:attr       an importable module's attribute
    path/langgraph.json[:name] or a folder holding langgraph.json

The attribute may be a compiled graph, an uncompiled ``StateGraph`` (compiled
here), or a factory: a sync or async callable taking nothing or a RunnableConfig,
that may return a context manager (see ``graph_object``). The working directory is
importable (``module:attr`` works however the debugger was started), as it is for
``langgraph dev``. Every failure raises ``GraphLoadError`` with one line that names
the problem and the fix; the original exception is chained for ``--verbose``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from langgraph.pregel import Pregel

from tui.loading.config_file import (
    CONFIG_FILE,
    add_to_path,
    apply_dependencies,
    apply_env,
    graph_file,
    pick_graph,
    read_config,
)
from tui.loading.errors import GraphLoadError
from tui.loading.graph_object import GraphSource, Opener, is_graph_like, resolve
from tui.loading.modules import import_file, import_module
from tui.loading.store_config import store_index
from tui.loading.user_modules import Forgotten, imported_by, is_users

__all__ = ["GraphLoadError", "LoadedGraph", "load_graph"]

DEFAULT_INPUT_NAMES = ("default_input", "DEFAULT_INPUT")
# Where chat_model() and active_model() are defined: a module holding either follows --model.
_MODEL_CHOOSERS = frozenset({"tui.providers.registry", "tui.providers.active"})


@dataclass
class LoadedGraph:
    name: str
    source: GraphSource
    default_input: Any = None
    has_default_input: bool = False
    follows_model: bool = False
    """The module builds its model with ``tui.providers`` (the samples do), so
    ``--model`` and "Switch model" apply; for any other graph they would do nothing."""
    notices: list[str] = field(default_factory=list)
    """What the user should hear once (a missing ``.env``, an index not built)."""
    store_index: dict[str, Any] | None = None
    module: str | None = None
    """The module that defines the graph."""
    user_modules: frozenset[str] = frozenset()
    """The user's modules this load imported: a reload (``fresh=``) imports them anew."""

    @property
    def graph(self) -> Pregel:
        """The graph, for one that is ready now (not opened by an async factory)."""
        if self.source.graph is None:
            raise GraphLoadError(f"{self.name} is opened by an async factory: open it in a session")
        return self.source.graph

    @property
    def opener(self) -> Opener | None:
        return self.source.opener


def load_graph(spec: str, *, fresh: Iterable[str] = ()) -> LoadedGraph:
    """Load the graph named by ``spec``; see the module docstring for the forms.
    ``fresh``: modules to import anew (an earlier load's ``user_modules``); if this
    load fails they stay as they were."""
    forgotten = Forgotten(fresh)
    try:
        loaded, imported = imported_by(lambda: _load(spec))
    except BaseException:
        forgotten.restore()
        raise
    if loaded.module is not None and is_users(sys.modules.get(loaded.module)):
        imported.add(loaded.module)  # a module spec's module imported before this load
    loaded.user_modules = frozenset(imported)
    return loaded


def _load(spec: str) -> LoadedGraph:
    spec = spec.strip()
    if not spec:
        raise GraphLoadError("no graph given: pass a path such as sample_graphs/joke.py")
    add_to_path(Path.cwd())
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
        return _load_from_config(path, attr)
    if path.suffix == ".py" or os.sep in target or "/" in target:
        module = import_file(path)
        name = attr if attr and attr != "graph" else path.stem
        return _named_by_itself(_from_module(module, attr, name=name, where=str(path)))
    module = import_module(target)
    name = attr if attr and attr != "graph" else target.rsplit(".", 1)[-1]
    return _named_by_itself(_from_module(module, attr, name=name, where=target))


def _named_by_itself(loaded: LoadedGraph) -> LoadedGraph:
    """A graph compiled with a ``name`` goes by it (a langgraph.json entry goes by its
    key instead, as ``langgraph dev`` names it)."""
    own = getattr(loaded.source.graph, "name", None)
    if isinstance(own, str) and own.strip() and own != "LangGraph":
        loaded.name = own
    return loaded


def _split_attr(spec: str) -> tuple[str, str | None]:
    if ":" not in spec:
        return spec, None
    target, attr = spec.rsplit(":", 1)
    if not attr or not target:
        raise GraphLoadError(f"bad graph spec {spec!r}: use file.py:attr or module:attr")
    return target, attr


def _load_from_config(path: Path, name: str | None) -> LoadedGraph:
    config = read_config(path)
    name, target, attr = pick_graph(config, path, name)
    file_path = graph_file(target, path) if "/" in target or target.endswith(".py") else None
    notices = apply_env(config.get("env"), path)
    apply_dependencies(config.get("dependencies"))
    index, index_notices = store_index(config, path)
    if file_path is not None:
        loaded = _from_module(import_file(file_path), attr, name=name, where=str(file_path))
    else:
        loaded = _from_module(import_module(target), attr, name=name, where=target)
    loaded.notices = notices + index_notices
    loaded.store_index = index
    return loaded


def _from_module(module: ModuleType, attr: str | None, *, name: str, where: str) -> LoadedGraph:
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
    default, has_default = _default_input(module)
    return LoadedGraph(
        name=name,
        module=module.__name__,
        source=resolve(obj, label),
        default_input=default,
        has_default_input=has_default,
        follows_model=follows_model(module),
    )


def follows_model(module: ModuleType) -> bool:
    """Whether the module builds its model with ``tui.providers`` (``chat_model()``)."""
    return any(
        callable(value) and getattr(value, "__module__", None) in _MODEL_CHOOSERS
        for value in vars(module).values()
    )


def _graph_candidates(module: ModuleType) -> list[str]:
    return [
        key
        for key, value in vars(module).items()
        if not key.startswith("_") and is_graph_like(value)
    ]


def _default_input(module: ModuleType) -> tuple[Any, bool]:
    for key in DEFAULT_INPUT_NAMES:
        if hasattr(module, key):
            return getattr(module, key), True
    return None, False
