"""Graphs behind each kind of factory the loader accepts."""

import contextlib
from typing import TypedDict

from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    n: int


def _builder() -> StateGraph:
    builder = StateGraph(State)
    builder.add_node("inc", lambda s: {"n": s.get("n", 0) + 1})
    builder.add_edge(START, "inc")
    builder.add_edge("inc", END)
    return builder


uncompiled = _builder()


def make_graph():
    return _builder().compile()


def make_graph_with_config(config):
    assert "configurable" in config
    return _builder().compile()


async def make_graph_async():
    return _builder().compile()


def make_nothing():
    return "not a graph"


def make_failing():
    raise ValueError("no database URL")


EVENTS: list[str] = []
"""What the context-manager factories did, in order (tests read it)."""


@contextlib.asynccontextmanager
async def make_graph_in_context(config):
    EVENTS.append("entered")
    try:
        yield _builder().compile()
    finally:
        EVENTS.append("exited")


@contextlib.contextmanager
def make_graph_sync_context():
    EVENTS.append("entered")
    try:
        yield _builder().compile()
    finally:
        EVENTS.append("exited")
