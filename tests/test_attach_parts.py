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


# -- time travel on a server: its history and edits ---------------------------------


def _server_states(steps: int, fork_at: int | None) -> list[dict]:
    """A server thread's history as ``/threads/{id}/history`` sends it (newest first):
    one run of ``steps`` steps, and a second branch from ``fork_at``."""
    import uuid

    def state(parent, step, source, next_nodes):
        # UUIDv6-like ids that sort in the order they were made, as the server's do.
        checkpoint_id = str(uuid.UUID(int=(len(made) + 1) << 80 | 6 << 76))
        made.append(
            {
                "checkpoint": {"checkpoint_id": checkpoint_id, "checkpoint_ns": ""},
                "parent_checkpoint": {"checkpoint_id": parent} if parent else None,
                "metadata": {"step": step, "source": source, "parents": {}},
                "next": next_nodes,
            }
        )
        return checkpoint_id

    made: list[dict] = []
    ids = [state(None, -1, "input", ["__start__"])]
    for step in range(steps):
        ids.append(state(ids[-1], step, "loop", [f"n{step + 1}"] if step + 1 < steps else []))
    if fork_at is not None:
        tip = state(ids[fork_at], fork_at - 1, "fork", [f"n{fork_at}"])
        state(tip, fork_at, "loop", [])
    return list(reversed(made))


@given(st.integers(1, 6), st.data())
def test_a_server_history_is_the_engines_history_whatever_its_shape(steps, data):
    from tui.engine.history import build_history
    from tui.server.time_travel import history_refs

    fork_at = data.draw(st.none() | st.integers(0, steps - 1))
    states = _server_states(steps, fork_at)
    shuffled = data.draw(st.permutations(states))
    refs, known_next = history_refs(shuffled)
    entries = build_history(refs, known_next)
    assert [e.checkpoint_id for e in entries] == [
        s["checkpoint"]["checkpoint_id"] for s in reversed(states)
    ]
    by_id = {s["checkpoint"]["checkpoint_id"]: s for s in states}
    assert all(e.next == by_id[e.checkpoint_id]["next"] for e in entries)
    on_branch = [e for e in entries if e.on_branch]
    assert on_branch[-1].checkpoint_id == max(by_id)  # the newest is where the thread is
    assert sum(e.forked for e in entries) == (fork_at is not None)


KEYS = st.sampled_from(["a", "b", "c"])


@given(st.dictionaries(KEYS, JSON, max_size=3), st.dictionaries(KEYS, JSON, max_size=3))
def test_an_edit_is_the_keys_it_changes_and_held_by_a_state_that_has_them(shown, edited):
    from tui.server.time_travel import EditProblem, edit_update, missing_from

    changed = {k: v for k, v in edited.items() if k not in shown or shown[k] != v}
    schema = {"properties": {key: {} for key in "abc"}}
    if not changed:
        with pytest.raises(EditProblem, match="changes nothing"):
            edit_update(shown, edited, schema)
        return
    update = edit_update(shown, edited, schema)
    assert update == changed
    assert missing_from({**shown, **update}, update) is None
    assert missing_from(shown, update) is not None  # the old state does not hold it


@given(st.dictionaries(KEYS, JSON, min_size=1, max_size=3), st.text(min_size=1, max_size=5))
def test_an_edit_of_a_key_the_state_lacks_is_refused(edited, extra):
    from tui.server.time_travel import EditProblem, edit_update

    with pytest.raises(EditProblem, match="the state has no"):
        edit_update({}, {**edited, f"zz{extra}": 1}, {"properties": {key: {} for key in "abc"}})


def test_an_edit_held_means_what_was_typed_is_there_and_reducers_are_written_past():
    from tui.server.time_travel import OVERWRITE, kept_as_written, missing_from

    typed = {"messages": [{"type": "human", "content": "hi"}]}
    read = {"messages": [{"type": "human", "content": "hi", "id": "m1", "name": None}]}
    assert missing_from(read, typed) is None
    assert "messages" in (missing_from({"messages": []}, typed) or "")
    # Only a message may read back with more than was typed: a dict key left in is not held.
    assert missing_from({"d": {"x": 1, "gone": 2}}, {"d": {"x": 1}}) is not None
    # A plain key stored the wrapper itself; a reducer key took the value as is.
    raw = {"note": {OVERWRITE: "x"}, "items": [1, 2]}
    assert kept_as_written(raw, {"note": "x", "items": [1, 2]}) == {
        "note": "x",
        "items": {OVERWRITE: [1, 2]},
    }


@given(st.text(min_size=1, max_size=5000))
def test_a_server_error_is_one_short_line_whatever_it_quotes(detail):
    import httpx

    from tui.server.connection import explain

    request = httpx.Request("POST", "http://127.0.0.1:9/threads/x/runs")
    for status, body in ((409, {"detail": detail}), (500, None)):
        response = (
            httpx.Response(status, json=body, request=request)
            if body is not None
            else httpx.Response(status, text=detail, request=request)
        )
        error = httpx.HTTPStatusError("failed", request=request, response=response)
        line = explain(error, "http://127.0.0.1:9")
        assert "\n" not in line and len(line) < 400
        if status == 409:
            assert "cancel it" in line
