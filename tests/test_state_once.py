"""A recording writes each state once: a checkpoint's values and a task's input that
are the last values event's are written as a reference, and read back whole."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile import hostile_text
from tui.engine.events import (
    Checkpoint,
    Event,
    LlmStarted,
    RunFinished,
    TaskStarted,
    Update,
    Values,
)
from tui.engine.recording import JsonlWriter, RecordingError, read_events
from tui.engine.state_once import same_json

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, -0.0, 1.0, 1.5, float("nan"), float("inf")]),
    hostile_text,
)
json_values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
    ),
    max_leaves=10,
)


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, default=repr)


@given(json_values, json_values)
def test_same_json_says_two_values_are_written_alike_only_when_they_are(a, b):
    if same_json(a, b):
        assert _text(a) == _text(b)
    assert same_json(a, a)
    if _text(a) == _text(copy.deepcopy(a)) and "NaN" not in _text(a):
        assert same_json(a, copy.deepcopy(a))  # an equal copy, not the same objects


@pytest.mark.parametrize(
    ("a", "b"),
    [(1, 1.0), (1, True), (0.0, -0.0), ({"a": 1, "b": 2}, {"b": 2, "a": 1}), ([1], [1, 2])],
)
def test_values_that_compare_equal_but_are_written_apart_are_not_the_same(a, b):
    assert not same_json(a, b)


def _step_events(states: list[Any], same: list[bool]) -> list[Event]:
    """A run's events, step by step: the values, then a checkpoint and the next task
    carrying that state, or (``same`` false) a state of their own."""
    events: list[Event] = []
    for step, (state, shared) in enumerate(zip(states, same, strict=True)):
        own = state if shared else {"other": [state]}
        events += [
            Values(values=state),
            Checkpoint(step=step, checkpoint_id=f"c{step}", parent_id=None, next=["n"], values=own),
            TaskStarted(step=step + 1, node="n", task_id=f"t{step}", input=copy.deepcopy(own)),
            Update(node="n", update={"k": step}),
        ]
    events.append(RunFinished(status="done", values=states[-1] if states else None))
    for seq, event in enumerate(events):
        event.seq, event.t = seq, seq / 10
    return events


@given(st.lists(st.tuples(json_values, st.booleans()), min_size=1, max_size=5), st.booleans())
def test_a_recording_reads_back_every_state_whole(tmp_path_factory, steps, in_subgraph):
    states = [state for state, _ in steps]
    events = _step_events(states, [shared for _, shared in steps])
    if in_subgraph:
        for event in events:
            event.ns = ("sub:1",)
    path = tmp_path_factory.mktemp("rec") / "r.jsonl"
    writer = JsonlWriter.to_path(path)
    for event in events:
        writer(event)
    writer.close()
    back = list(read_events(path))
    assert [_text(e.to_dict()) for e in back] == [_text(e.to_dict()) for e in events]
    for line in path.read_text().splitlines():
        data = json.loads(line)
        if "values_from" in data or "input_from" in data:
            assert data.get("values", data.get("input")) is None


def _write(tmp_path, events: list[Event]) -> list[dict[str, Any]]:
    path = tmp_path / "r.jsonl"
    writer = JsonlWriter.to_path(path)
    for event in events:
        writer(event)
    writer.close()
    assert [_text(e.to_dict()) for e in read_events(path)] == [_text(e.to_dict()) for e in events]
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_growing_state_is_written_as_what_it_adds(tmp_path):
    messages = [{"role": "ai", "content": f"message {i} " * 20} for i in range(30)]
    states = [{"messages": messages[: k + 1], "step": k} for k in range(30)]
    lines = _write(tmp_path, _step_events(states, [True] * 30))
    values = [d for d in lines if d["kind"] == "values"]
    assert values[0]["values"] == states[0]  # the first is whole
    for before, after, k in zip(values, values[1:], range(1, 30), strict=False):
        assert after["values"] is None and after["values_from"] == before["seq"]
        assert after["values_added"] == {"messages": [messages[k]]}
        assert after["values_set"] == {"step": k}
    checkpoints = [d for d in lines if d["kind"] == "checkpoint"]
    tasks = [d for d in lines if d["kind"] == "task_started"]
    assert [d["values_from"] for d in checkpoints] == [d["seq"] for d in values]
    assert [d["input_from"] for d in tasks] == [d["seq"] for d in values]
    # The last line stays whole: it is the one a shell reads.
    assert lines[-1]["kind"] == "run_finished" and lines[-1]["values"] == states[-1]
    # The whole recording is smaller than the states alone written whole.
    assert len(json.dumps(lines)) < sum(len(json.dumps(state)) for state in states) / 2


@st.composite
def growing_states(draw: st.DrawFn) -> list[Any]:
    """States step by step: lists that grow (the same items, or equal copies), keys
    replaced, now and then a list cut, or changed and longer, a key added, or no dict
    at all."""
    state: Any = draw(st.fixed_dictionaries({"messages": st.lists(json_values, max_size=2)}))
    states = [state]
    for _ in range(draw(st.integers(1, 6))):
        change = draw(
            st.sampled_from(["grow", "grow", "copy", "edit", "replace", "cut", "key", "other"])
        )
        if change == "other":
            state = draw(json_values)
        elif not isinstance(state, dict) or not isinstance(state.get("messages"), list):
            state = {"messages": [draw(json_values)]}
        elif change in ("grow", "copy"):
            kept = state["messages"] if change == "grow" else copy.deepcopy(state["messages"])
            state = {
                **state,
                "messages": kept + draw(st.lists(json_values, min_size=1, max_size=2)),
            }
        elif change == "replace":
            state = {**state, "note": draw(json_values)}
        elif change == "edit":  # longer, but not by growing: its first item changed
            state = {**state, "messages": [[], *state["messages"][1:], draw(json_values)]}
        elif change == "cut":
            state = {**state, "messages": [*state["messages"][:-1], draw(json_values)]}
        else:
            state = {draw(st.sampled_from(["a", "messages", "z"])): draw(json_values), **state}
        states.append(state)
    return states


@given(growing_states(), st.lists(st.booleans(), min_size=7, max_size=7))
def test_a_growing_state_reads_back_whole(tmp_path_factory, states, shared):
    _write(tmp_path_factory.mktemp("rec"), _step_events(states, shared[: len(states)]))


def test_a_state_of_another_namespace_is_not_referred_to(tmp_path):
    events: list[Event] = [
        Values(seq=0, values={"a": 1}),
        Checkpoint(
            seq=1,
            ns=("sub:1",),
            step=0,
            checkpoint_id="c",
            parent_id=None,
            next=[],
            values={"a": 1},
        ),
    ]
    path = tmp_path / "r.jsonl"
    writer = JsonlWriter.to_path(path)
    for event in events:
        writer(event)
    writer.close()
    assert "values_from" not in path.read_text()


@pytest.mark.parametrize(
    "tail",
    [
        '"values_from": 5, "values_added": {}, "values_set": {}',
        '"values_from": 0, "values_added": {"b": [1]}, "values_set": {}',
        '"values_from": 0, "values_added": {"a": 1}, "values_set": {}',
        '"values_from": 0, "values_added": [], "values_set": {}',
        '"values_from": 0, "values_added": {}, "values_set": {"new": 1}',
    ],
)
def test_a_growth_that_does_not_fit_its_state_names_its_line(tmp_path, tail):
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"seq": 0, "t": 0, "kind": "values", "ns": [], "values": {"a": [1]}}\n'
        f'{{"seq": 1, "t": 0, "kind": "values", "ns": [], "values": null, {tail}}}\n'
    )
    with pytest.raises(RecordingError, match="line 2"):
        list(read_events(path))


@pytest.mark.parametrize("ref", ["7", '"0"', "1"])
def test_a_reference_to_no_earlier_values_event_names_its_line(tmp_path, ref):
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"seq": 0, "t": 0, "kind": "values", "ns": [], "values": {"a": 1}}\n'
        '{"seq": 1, "t": 0, "kind": "checkpoint", "ns": [], "step": 0, "checkpoint_id": "c",'
        f' "parent_id": null, "next": [], "values": null, "values_from": {ref}}}\n'
    )
    with pytest.raises(RecordingError, match=r"line 2.*values_from"):
        list(read_events(path))


def _calls(prompts: list[tuple[tuple[str, ...], str, Any]]) -> list[Event]:
    """Model calls, each (namespace, node, messages), numbered in order."""
    events: list[Event] = [
        LlmStarted(
            seq=seq, t=seq / 10, ns=ns, node=node, task_id=None, run_id=f"r{seq}", messages=m
        )
        for seq, (ns, node, m) in enumerate(prompts)
    ]
    return events


def test_an_agents_calls_are_written_as_the_messages_each_adds(tmp_path):
    # A ReAct loop: each call is sent the conversation so far (rebuilt per call:
    # equal dicts, not the same ones), and a call of another node between them.
    said = [{"role": "user", "content": "hi " * 50}] + [
        {"role": "assistant" if i % 2 else "tool", "content": f"turn {i} " * 50} for i in range(40)
    ]
    prompts = [((), "agent", copy.deepcopy(said[: 2 * k + 1])) for k in range(20)]
    prompts.insert(5, ((), "judge", [{"role": "user", "content": "judge this"}]))
    lines = _write(tmp_path, _calls(prompts))
    agent = [d for d in lines if d["node"] == "agent"]
    assert agent[0]["messages"] == said[:1]  # the first is whole
    for before, after, k in zip(agent, agent[1:], range(1, 20), strict=False):
        assert after["messages"] is None and after["messages_from"] == before["seq"]
        assert after["messages_added"] == said[2 * k - 1 : 2 * k + 1]
    # Linear: the recording is about the conversation's size, not calls x conversation.
    assert len(json.dumps(lines)) < 2 * len(json.dumps(said))


@st.composite
def model_calls(draw: st.DrawFn) -> list[tuple[tuple[str, ...], str, Any]]:
    """Calls of two nodes in two namespaces, each sent its node's last messages and
    more (the same dicts or equal copies), or those cut, edited, emptied, or none."""
    last: dict[tuple[tuple[str, ...], str], list[Any]] = {}
    calls = []
    for _ in range(draw(st.integers(1, 8))):
        key = (draw(st.sampled_from([(), ("sub:1",)])), draw(st.sampled_from(["a", "b"])))
        before = last.get(key, [])
        change = draw(st.sampled_from(["grow", "grow", "copy", "same", "cut", "edit", "new"]))
        message = st.dictionaries(st.sampled_from(["role", "content"]), json_values, max_size=2)
        more = draw(st.lists(message, max_size=2))
        if change == "grow":
            messages = before + more
        elif change == "copy":
            messages = copy.deepcopy(before) + more
        elif change == "same":
            messages = list(before)
        elif change == "cut":
            messages = before[:-1] + more
        elif change == "edit":
            messages = [{"edited": True}, *before[1:], *more]
        else:
            messages = more
        last[key] = messages
        calls.append((*key, messages))
    return calls


@given(model_calls())
def test_model_calls_read_back_whole(tmp_path_factory, calls):
    lines = _write(tmp_path_factory.mktemp("rec"), _calls(calls))
    for line in lines:
        if "messages_from" in line:
            assert line["messages"] is None and isinstance(line["messages_added"], list)


@pytest.mark.parametrize(
    ("tail", "names"),
    [
        ('"messages_from": 5, "messages_added": []', "messages_from"),
        ('"messages_from": "0", "messages_added": []', "messages_from"),
        ('"messages_from": 0, "messages_added": {"a": 1}', "messages_added"),
        ('"messages_from": 0', "messages_added"),
    ],
)
def test_a_call_that_refers_to_no_earlier_call_names_its_line(tmp_path, tail, names):
    head = '"t": 0, "kind": "llm_started", "ns": [], "node": "a", "task_id": null'
    path = tmp_path / "r.jsonl"
    path.write_text(
        f'{{"seq": 0, {head}, "run_id": "r0", "messages": [{{"role": "user"}}]}}\n'
        f'{{"seq": 1, {head}, "run_id": "r1", "messages": null, {tail}}}\n'
    )
    with pytest.raises(RecordingError, match=f"line 2.*{names}"):
        list(read_events(path))
