"""From a module attribute to a compiled graph: a graph, a StateGraph, or a factory.

A factory may be sync or async, take nothing or a ``RunnableConfig``, and return a
graph, a ``StateGraph``, or a context manager that yields one (as LangGraph's docs
show for a graph that opens a checkpointer or a client). What is async is opened on
the engine's loop, not here: objects an async factory creates (clients, connections)
belong to the loop they were made on, and that loop is the one that runs the graph.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from langgraph.graph import StateGraph
from langgraph.pregel import Pregel

from tui.loading.errors import GraphLoadError

Closer = Callable[[], Awaitable[None]]
Opener = Callable[[], Awaitable[tuple[Pregel, Closer]]]


@dataclass
class GraphSource:
    """A graph ready now, or how to open one on the engine loop (and close it)."""

    graph: Pregel | None = None
    opener: Opener | None = None


async def _nothing() -> None:
    return None


def resolve(obj: Any, label: str) -> GraphSource:
    if isinstance(obj, Pregel):
        return GraphSource(graph=obj)
    if isinstance(obj, StateGraph):
        return GraphSource(graph=_compile(obj, label))
    if callable(obj) and not isinstance(obj, type):
        return _from_result(_call_factory(obj, label), f"{label}()")
    raise GraphLoadError(
        f"{label} is {_article(type(obj).__name__)} {type(obj).__name__}, not a LangGraph graph "
        "(point at a compiled graph, a StateGraph, or a factory that returns one)"
    )


def _from_result(result: Any, label: str) -> GraphSource:
    # A context manager of either kind is entered (and exited when the session ends)
    # by the session, on its loop; so is whatever an async factory awaits.
    if inspect.isawaitable(result) or isinstance(
        result, contextlib.AbstractAsyncContextManager | contextlib.AbstractContextManager
    ):
        return GraphSource(opener=_opener(result, label))
    return resolve_ready(result, label)


def resolve_ready(result: Any, label: str) -> GraphSource:
    """What a factory gave, which must now be a graph (factories do not nest)."""
    if isinstance(result, Pregel):
        return GraphSource(graph=result)
    if isinstance(result, StateGraph):
        return GraphSource(graph=_compile(result, label))
    raise GraphLoadError(
        f"{label} is {_article(type(result).__name__)} {type(result).__name__}, not a LangGraph "
        "graph (point at a compiled graph, a StateGraph, or a factory that returns one)"
    )


def _opener(result: Any, label: str) -> Opener:
    async def open_graph() -> tuple[Pregel, Closer]:
        closer: Closer = _nothing
        value = result
        try:
            if inspect.isawaitable(value):
                value = await value
            if isinstance(value, contextlib.AbstractAsyncContextManager):
                context = value
                value = await context.__aenter__()

                async def closer() -> None:
                    await context.__aexit__(None, None, None)

            elif isinstance(value, contextlib.AbstractContextManager):
                sync_context = value
                value = sync_context.__enter__()

                async def closer() -> None:
                    sync_context.__exit__(None, None, None)

        except GraphLoadError:
            raise
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            raise _factory_failed(label, exc) from exc
        graph = resolve_ready(value, label).graph
        assert graph is not None
        return graph, closer

    return open_graph


def is_graph_like(value: Any) -> bool:
    return isinstance(value, Pregel | StateGraph)


def _compile(builder: StateGraph, label: str) -> Pregel:
    try:
        return builder.compile()
    except Exception as exc:
        raise GraphLoadError(f"{label}: compiling the StateGraph failed: {exc}") from exc


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
        return factory(*args)
    except GraphLoadError:
        raise
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit too: a factory cannot end the debugger
        raise _factory_failed(label.removesuffix("()"), exc) from exc


def _factory_failed(label: str, exc: BaseException) -> GraphLoadError:
    return GraphLoadError(
        f"the graph factory {label} raised {type(exc).__name__}: {exc} "
        "(fix the factory; --verbose shows the traceback)"
    )
