"""The debugger does not change the graph: what ``graph.invoke`` handles, it handles.

Without a checkpointer LangGraph never serializes state; the debugger supplies one
(in memory, or SQLite), so its serializer must take whatever the state holds.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, TypedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langgraph.graph import END, START, StateGraph

from tests.helpers import examples
from tui.engine.session import Session, SessionOptions
from tui.engine.status import RunOutcome


class Opaque:
    """No msgpack form, and a lock inside so it cannot be pickled either."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def __repr__(self) -> str:
        return "<Opaque with a lock>"


class Plain:
    """No msgpack form, but picklable."""

    def __init__(self, n: int) -> None:
        self.n = n


def _deep(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def _cyclic() -> dict:
    loop: dict = {"name": "loop"}
    loop["self"] = loop
    return loop


VALUES = {
    "an object with a lock": Opaque,
    "a plain object": lambda: Plain(3),
    "a 500-deep list": lambda: _deep(500),
    "a cyclic dict": _cyclic,
    "a lone surrogate": lambda: "half \ud800 a character",
    "a set of tuples": lambda: {(1, 2), (3, 4)},
    "bytes that are not UTF-8": lambda: b"\xff\xfe\x00",
}


class State(TypedDict, total=False):
    value: Any
    count: int


def _graph(make: Any) -> Any:
    def put(state: State) -> State:
        return {"value": make(), "count": 1}

    def after(state: State) -> State:
        return {"count": state["count"] + 1}

    builder = StateGraph(State)
    builder.add_node("put", put)
    builder.add_node("after", after)
    builder.add_edge(START, "put")
    builder.add_edge("put", "after")
    builder.add_edge("after", END)
    return builder.compile()


def _run_in_session(graph: Any, checkpointer: str) -> tuple[RunOutcome, Any]:
    session = Session(
        graph, default_input={"count": 0}, options=SessionOptions(checkpointer=checkpointer)
    )
    finished = threading.Event()
    outcome: list = []

    def watch(event: Any) -> None:
        if event.kind == "run_finished":
            outcome.append((event.status, event.values))
            finished.set()

    session.add_listener(watch)
    try:
        session.start().result(30)
        assert finished.wait(30)
    finally:
        session.close()
    return outcome[0]


@pytest.mark.parametrize("what", list(VALUES))
@pytest.mark.parametrize("checkpointer", ["memory", "sqlite"])
def test_state_the_graph_handles_the_debugger_handles(what, checkpointer, tmp_path):
    graph = _graph(VALUES[what])
    plain = asyncio.run(graph.ainvoke({"count": 0}))  # the graph on its own
    assert plain["count"] == 2
    spec = "memory" if checkpointer == "memory" else f"sqlite:{tmp_path / 'g.db'}"
    status, values = _run_in_session(graph, spec)
    assert status == RunOutcome.DONE, values
    assert values["count"] == 2 and values["value"] is not None


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=30,
)
odd = st.sampled_from([Plain(1), Opaque(), b"\x00\xff", {1, 2}, (1, "a"), "\udfff"])


@settings(max_examples=examples(10))
@given(st.lists(json_like | odd, max_size=6))
def test_generated_state_never_fails_because_of_the_debugger(values):
    graph = _graph(lambda: list(values))
    status, shown = _run_in_session(graph, "memory")
    assert status == RunOutcome.DONE
    assert shown["count"] == 2
