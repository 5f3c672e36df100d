"""What the engine knows of a graph's input: described once per compiled graph."""

from __future__ import annotations

import operator
import types
from typing import Annotated, Any, NotRequired, Required

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AnyMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.message import add_messages
from typing_extensions import TypedDict

from tests.helpers import SAMPLES, TEST_GRAPHS, examples
from tui.engine import graph_info
from tui.loading.modules import import_file


def _graph() -> Any:
    builder = StateGraph(MessagesState)
    builder.add_node("agent", lambda state: {})
    builder.add_edge(START, "agent")
    builder.add_edge("agent", END)
    return builder.compile()


def test_a_graphs_input_schema_is_described_once_and_a_new_graph_afresh(monkeypatch):
    described: list[int] = []
    original = graph_info._typed_dict_keys

    def counting(graph: Any) -> Any:
        described.append(id(graph))
        return original(graph)

    monkeypatch.setattr(graph_info, "_typed_dict_keys", counting)
    graph = _graph()
    assert graph_info.input_keys(graph) == ["messages"]
    assert graph_info.input_problem(graph, {"nope": 1}) is not None
    assert graph_info.input_problem(graph, {"messages": []}) is None
    assert not graph_info.takes_empty_input(graph)
    assert described == [id(graph)]
    reloaded = _graph()  # "Reload graph from disk" compiles a new one
    assert graph_info.input_keys(reloaded) == ["messages"]
    assert described == [id(graph), id(reloaded)]


# -- a TypedDict input is read from pydantic's core schema, not written out as JSON Schema:
# the same properties and required keys, for every shape a state takes.

FIELD_TYPES = [int, str, list, dict, "messages", "added", "optional"]


def _field_type(kind: Any) -> Any:
    if kind == "messages":
        return Annotated[list[AnyMessage], add_messages]
    if kind == "added":
        return Annotated[list[str], operator.add]
    if kind == "optional":
        return int | None
    return kind


def _wrapped(kind: Any, wrap: str) -> Any:
    typ = _field_type(kind)
    return {"plain": typ, "required": Required[typ], "not_required": NotRequired[typ]}[wrap]


names = st.text("abcdefgh", min_size=1, max_size=4)
fields = st.dictionaries(
    names,
    st.tuples(st.sampled_from(FIELD_TYPES), st.sampled_from(["plain", "required", "not_required"])),
    min_size=1,
    max_size=5,
)


@settings(max_examples=examples(40), deadline=None)
@given(base=fields, own=fields, base_total=st.booleans(), own_total=st.booleans())
def test_a_typed_dict_inputs_keys_are_what_its_json_schema_says(base, own, base_total, own_total):
    Base = TypedDict(  # type: ignore[misc]
        "Base", {k: _wrapped(*v) for k, v in base.items()}, total=base_total
    )
    State = types.new_class(
        "State",
        (Base,),
        {"total": own_total},
        lambda ns: ns.update({"__annotations__": {k: _wrapped(*v) for k, v in own.items()}}),
    )
    builder = StateGraph(State)
    builder.add_node("node", lambda state: {})
    builder.add_edge(START, "node")
    graph = builder.compile()
    fast = graph_info._typed_dict_keys(graph)
    assert fast is not None
    full = graph.get_input_jsonschema()
    assert list(fast["properties"]) == list(full["properties"])
    assert sorted(fast["required"]) == sorted(full.get("required", []))


# Test graphs with states of their own (others fail to import, or sleep, on purpose).
OURS = (
    "travel.py",
    "big_state.py",
    "defaults_only.py",
    "handoff.py",
    "loop_agent.py",
    "secret_state.py",
    "two_interrupts.py",
    "hostile.py",
    "edits.py",
)


def test_every_sample_and_test_graph_reads_as_its_json_schema():
    def described(describe: Any, graph: Any) -> Any:
        try:
            return describe(graph)
        except Exception as exc:  # both must refuse the same states (typing.TypedDict)
            return type(exc)

    compared = 0
    for path in sorted([*SAMPLES.glob("*.py"), *(TEST_GRAPHS / name for name in OURS)]):
        graph = getattr(import_file(path), "graph", None)
        fast = described(graph_info._typed_dict_keys, graph) if graph is not None else None
        if fast is None:
            continue
        full = described(type(graph).get_input_jsonschema, graph)
        if isinstance(fast, type):
            assert fast is full, path.name
            continue
        assert list(fast["properties"]) == list(full["properties"]), path.name
        assert sorted(fast["required"]) == sorted(full.get("required", [])), path.name
        compared += 1
    assert compared >= 3  # the rest are typing.TypedDict (both refuse) or not TypedDicts
