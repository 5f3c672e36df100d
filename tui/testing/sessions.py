"""A session on the graph a test names: a spec, a module, or the graph object itself.

The same loading and run options the command line uses (``launcher.session_for``),
so a test exercises the graph exactly as ``langgraph-tui run`` would, plus what a
test needs: the model to use, and a clock that only moves when told.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

from langchain_core.language_models import BaseChatModel

from tui.engine.clock import Clock, FrozenClock
from tui.engine.no_input import NO_INPUT
from tui.engine.session import Session
from tui.launcher import session_for
from tui.loading import LoadedGraph, follows_model, load_graph
from tui.loading.graph_object import resolve
from tui.providers import parse_model_spec, set_active_model
from tui.providers.registry import give_chat_model
from tui.run_spec import RunSpec

DEFAULT_MODEL = "scripted:fast"
"""Offline, deterministic, and as fast as the machine allows."""

GraphLike = Any
"""A spec (``"agent.py:graph"``, ``"pkg.mod:graph"``, ``"langgraph.json:name"``), a
module with a ``graph`` (and ``default_input``), a compiled graph, a ``StateGraph``, or
a factory returning one of them."""

ModelLike = str | BaseChatModel | None


def use_model(model: ModelLike) -> str | None:
    """Make ``model`` the one ``tui.providers.chat_model()`` returns: a spec such as
    ``"scripted:fast"`` or ``"openai:gpt-4o-mini"``, or a chat model object. Returns
    the spec's label (``None`` for an object: its calls say which model it is).
    A graph that builds its own model is not affected."""
    global _chosen
    _chosen = True
    if isinstance(model, BaseChatModel):
        give_chat_model(model)
        return None
    give_chat_model(None)
    spec = parse_model_spec(model or DEFAULT_MODEL)
    set_active_model(spec)
    return spec.label


_chosen = False


def reset_model() -> None:
    """Forget what ``use_model`` chose (the plugin does this after every test that
    chose one)."""
    global _chosen
    if _chosen:
        _chosen = False
        give_chat_model(None)
        set_active_model(None)


def fresh_thread_id() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


_per_test: dict[str, int] = {}


def thread_id_for_test() -> str:
    """A thread id of the running test's own, the same on every run of it (the
    screen shows it): each test gets its own threads, so a graph compiled with its
    own checkpointer never continues another test's conversation; a second app or
    trace in one test gets the next id. Outside pytest, ``"snapshot"``."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    if not test:
        return "snapshot"
    count = _per_test[test] = _per_test.get(test, 0) + 1
    base = "t" + hashlib.sha1(test.encode()).hexdigest()[:6]
    return base if count == 1 else f"{base}-{count}"


def open_graph_session(
    graph: GraphLike,
    *,
    model: ModelLike = DEFAULT_MODEL,
    context: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
    thread_id: str | None = None,
    clock: Clock | None = None,
    checkpointer: str = "memory",
    break_before: Iterable[str] = (),
    break_after: Iterable[str] = (),
    recursion_limit: int | None = None,
) -> Session:
    """A session on ``graph`` with a frozen clock (unless ``clock`` is given) and a
    thread of its own (``thread_id``, else a new one). Raises ``GraphLoadError`` with
    the loader's one line when the graph cannot load."""
    label = use_model(model)
    loaded = _loaded(graph)
    spec = RunSpec(
        graph=loaded.name,
        model=parse_model_spec(label or DEFAULT_MODEL),
        thread_id=thread_id or fresh_thread_id(),
        checkpointer=checkpointer,
        interrupt_before=list(break_before),
        interrupt_after=list(break_after),
        recursion_limit=recursion_limit,
        config=dict(config or {}),
        context=dict(context or {}),
    )
    if label is None:
        loaded.follows_model = False  # an object model: its calls name it
    return session_for(loaded, spec, clock=clock if clock is not None else FrozenClock())


def _loaded(graph: GraphLike) -> LoadedGraph:
    if isinstance(graph, str):
        return load_graph(graph)
    if isinstance(graph, ModuleType):
        module = graph
        if not hasattr(module, "graph"):
            raise TypeError(f"module {module.__name__} has no `graph` to test")
        has_input = hasattr(module, "default_input")
        loaded = LoadedGraph(
            module.__name__.rsplit(".", 1)[-1],
            resolve(module.graph, f"{module.__name__}.graph"),
            getattr(module, "default_input", None),
            has_input,
        )
        loaded.follows_model = follows_model(module)
        return loaded
    source = resolve(graph, _label(graph))
    name = getattr(source.graph, "name", None)
    return LoadedGraph(name if name and name != "LangGraph" else "graph", source, None, False)


def _label(graph: Any) -> str:
    return getattr(graph, "__qualname__", None) or type(graph).__name__


__all__ = [
    "DEFAULT_MODEL",
    "NO_INPUT",
    "GraphLike",
    "ModelLike",
    "fresh_thread_id",
    "open_graph_session",
    "reset_model",
    "thread_id_for_test",
    "use_model",
]
