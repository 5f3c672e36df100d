"""The pieces of attach that need no server: server stream parts and state read back
as a local run's, the graph named on the command line found among the server's."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage

from tui.engine.jsonify import Jsonifier
from tui.engine.normalize import Normalizer
from tui.server.connection import Assistant, ServerError, check_thread_id, pick_assistant
from tui.server.stream_parts import as_objects, local_part
from tui.server.thread_state import thread_state

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
TEXT = st.text(max_size=30)
MESSAGES = st.one_of(
    st.builds(HumanMessage, content=TEXT, id=st.uuids().map(str)),
    st.builds(
        AIMessage,
        content=TEXT,
        id=st.uuids().map(str),
        tool_calls=st.lists(
            st.builds(
                lambda name, n, i: {"name": name, "args": {"n": n}, "id": f"call_{i}"},
                st.sampled_from(["search", "add"]),
                st.integers(),
                st.integers(0, 99),
            ),
            max_size=2,
        ),
    ),
    st.builds(ToolMessage, content=TEXT, tool_call_id=st.text(min_size=1, max_size=8)),
)


@given(JSON)
def test_values_without_messages_come_through_unchanged(value):
    assert as_objects(value) == value


@given(st.lists(MESSAGES, max_size=4), JSON)
def test_messages_the_server_sends_read_back_as_the_local_run_shows_them(messages, other):
    jsonify = Jsonifier()
    local = {"messages": messages, "other": other}
    sent = {"messages": [m.model_dump() for m in messages], "other": other}
    assert jsonify(as_objects(sent)) == jsonify(local)


@given(
    st.sampled_from(["messages", "debug", "updates", "values", "custom", "metadata", "error", "x"]),
    JSON,
    st.lists(st.text(max_size=6), max_size=2),
)
def test_any_server_part_becomes_a_local_part_or_nothing_and_never_fails(kind, data, ns):
    part = local_part({"type": kind, "ns": ns, "data": data})
    if part is not None:
        assert part["type"] == kind and part["ns"] == tuple(ns)
    else:
        # Not graph output, a debug part that is no debug payload, or a messages part
        # that is no (message, metadata) pair.
        assert kind in ("metadata", "error", "x", "messages") or not isinstance(data, dict)


@pytest.mark.parametrize("text", ["Hello ", "", "[bold]x[/]"])
def test_a_token_chunk_from_the_server_is_the_same_token_as_locally(text):
    chunk = AIMessageChunk(content=text, id="m1")
    metadata = {
        "langgraph_node": "agent",
        "langgraph_step": 2,
        "langgraph_checkpoint_ns": "agent:t1",
    }
    here = Normalizer(Jsonifier()).events_for(
        {"type": "messages", "ns": (), "data": (chunk, metadata)}, 0.0
    )
    there = Normalizer(Jsonifier()).events_for(
        local_part({"type": "messages", "ns": [], "data": [chunk.model_dump(), metadata]}), 0.0
    )
    assert [e.to_dict() for e in there] == [e.to_dict() for e in here]


def test_a_failed_task_on_the_server_fails_the_same_way():
    part = {
        "type": "debug",
        "ns": [],
        "data": {
            "step": 1,
            "type": "task_result",
            "payload": {
                "id": "t",
                "name": "draft",
                "error": {"error": "KeyError", "message": "'request'"},
                "result": {},
                "interrupts": [],
            },
        },
    }
    (finished,) = Normalizer(Jsonifier()).events_for(local_part(part), 0.0)
    assert finished.status == "error" and finished.error == "KeyError: 'request'"


def test_thread_state_names_who_asked_each_interrupt():
    state = thread_state(
        {
            "values": {"draft": "d"},
            "next": ["review"],
            "tasks": [
                {"id": "t1", "name": "review", "interrupts": [{"id": "i1", "value": {"q": "?"}}]}
            ],
            "interrupts": [
                {"id": "i1", "value": {"q": "?"}, "response_schema": {"type": "string"}}
            ],
            "metadata": {"step": 2},
            "checkpoint": {"checkpoint_id": "c2"},
        }
    )
    assert state.interrupts == [
        {
            "id": "i1",
            "value": {"q": "?"},
            "node": "review",
            "task_id": "t1",
            "response_schema": {"type": "string"},
        }
    ]
    assert state.step == 2 and state.ahead == ["review"] and not state.is_new
    assert thread_state(None).is_new


NAMES = st.sampled_from(["agent", "joke", "review", "chat"])


@given(st.lists(st.tuples(NAMES, NAMES, st.uuids().map(str)), max_size=5), NAMES)
def test_the_graph_asked_for_is_found_by_graph_name_assistant_name_or_id(rows, wanted):
    assistants = [Assistant(assistant_id=i, graph_id=g, name=n) for g, n, i in rows]
    graphs = sorted({a.graph_id for a in assistants})
    try:
        chosen = pick_assistant(assistants, wanted, "http://x")
    except ServerError as exc:
        assert wanted not in graphs and all(a.name != wanted for a in assistants)
        assert (", ".join(graphs) if graphs else "serves no graphs") in str(exc)
        return
    assert wanted in (chosen.graph_id, chosen.name)
    if wanted in graphs:
        assert chosen.graph_id == wanted
    for a in assistants:
        assert pick_assistant(assistants, a.assistant_id, "http://x").assistant_id == a.assistant_id


def test_thread_ids_are_uuids():
    assert (
        check_thread_id("6BA7B810-9DAD-11D1-80B4-00C04FD430C8")
        == "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
    )
    with pytest.raises(ServerError, match="UUID"):
        check_thread_id("t1")


def test_without_the_server_extra_attach_says_how_to_install_it(monkeypatch, capsys):
    from tui import cli

    monkeypatch.setitem(sys.modules, "langgraph_sdk", None)  # as if not installed
    assert cli.main(["attach", "http://127.0.0.1:9", "--graph", "joke"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and 'pip install "langgraph-tui[server]"' in err
