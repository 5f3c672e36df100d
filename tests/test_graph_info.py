"""What the engine knows of a graph's input: described once per compiled graph."""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, MessagesState, StateGraph

from tui.engine import graph_info


def _graph() -> Any:
    builder = StateGraph(MessagesState)
    builder.add_node("agent", lambda state: {})
    builder.add_edge(START, "agent")
    builder.add_edge("agent", END)
    return builder.compile()


def test_a_graphs_input_schema_is_described_once_and_a_new_graph_afresh(monkeypatch):
    described: list[int] = []
    original = type(_graph()).get_input_jsonschema

    def counting(self: Any, config: Any = None) -> Any:
        described.append(id(self))
        return original(self, config)

    monkeypatch.setattr(type(_graph()), "get_input_jsonschema", counting)
    graph = _graph()
    assert graph_info.input_keys(graph) == ["messages"]
    assert graph_info.input_problem(graph, {"nope": 1}) is not None
    assert graph_info.input_problem(graph, {"messages": []}) is None
    assert not graph_info.takes_empty_input(graph)
    assert described == [id(graph)]
    reloaded = _graph()  # "Reload graph from disk" compiles a new one
    assert graph_info.input_keys(reloaded) == ["messages"]
    assert described == [id(graph), id(reloaded)]
