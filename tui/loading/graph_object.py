"""From a module attribute to a compiled graph: a graph, a StateGraph, or a factory."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from typing import Any

from langgraph.graph import StateGraph
from langgraph.pregel import Pregel

from tui.loading.errors import GraphLoadError


def as_graph(obj: Any, label: str) -> Pregel:
    if isinstance(obj, Pregel):
        return obj
    if isinstance(obj, StateGraph):
        try:
            return obj.compile()
        except Exception as exc:
            raise GraphLoadError(f"{label}: compiling the StateGraph failed: {exc}") from exc
    if callable(obj) and not isinstance(obj, type):
        return as_graph(_call_factory(obj, label), f"{label}()")
    raise GraphLoadError(
        f"{label} is {_article(type(obj).__name__)} {type(obj).__name__}, not a LangGraph graph "
        "(point at a compiled graph, a StateGraph, or a factory that returns one)"
    )


def is_graph_like(value: Any) -> bool:
    return isinstance(value, Pregel | StateGraph)


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
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit too: a factory cannot end the debugger
        raise GraphLoadError(
            f"the graph factory {label} raised {type(exc).__name__}: {exc} "
            "(fix the factory; --verbose shows the traceback)"
        ) from exc
    return result


async def _await(awaitable: Any) -> Any:
    return await awaitable
