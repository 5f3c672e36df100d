"""A state's messages are converted and encoded once, and what comes out is the same
as converting and encoding everything afresh."""

from __future__ import annotations

import json
from typing import Annotated, Any, TypedDict

from hypothesis import given
from hypothesis import strategies as st
from langchain_core.callbacks import AsyncCallbackManager
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.errors import ParentCommand
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.types import Command

from tests.hostile import hostile_text
from tui.engine.events import Checkpoint, TaskStarted, Values
from tui.engine.identity_cache import IdentityCache
from tui.engine.jsonify import Jsonifier
from tui.engine.llm_stats import LlmStatsHandler
from tui.engine.normalize import STREAM_MODES, Normalizer
from tui.engine.recording import dumps
from tui.engine.redaction import REDACTED, Redactor
from tui.engine.run_callbacks import RunCallbacks
from tui.engine.shared_json import SharedJson, SharedList, TextCache, encode
from tui.engine.task_watcher import TaskWatcher

SECRET = "sk-planted-0123456789"

messages = st.lists(
    st.one_of(
        st.builds(lambda t, i: HumanMessage(content=t, id=i), hostile_text, st.text(max_size=8)),
        st.builds(
            lambda t, n: AIMessage(
                content=t,
                tool_calls=[{"name": n or "tool", "args": {"q": t, "api_key": t}, "id": "c1"}],
            ),
            hostile_text,
            st.text(max_size=6),
        ),
        st.builds(lambda t: ToolMessage(content=t, tool_call_id="c1"), hostile_text),
    ),
    max_size=4,
)
json_leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), hostile_text
)


def _states(draw_messages: list[Any], extra: Any) -> list[dict[str, Any]]:
    """The states of a run: each step adds one message to the same objects."""
    return [
        {"messages": draw_messages[:k], "extra": extra, "nested": [{"inner": draw_messages[:k]}]}
        for k in range(len(draw_messages) + 1)
    ]


@given(messages, st.recursive(json_leaves, lambda c: st.lists(c, max_size=3), max_leaves=8))
def test_a_growing_state_converts_and_encodes_as_if_afresh(msgs, extra):
    kept = Jsonifier(Redactor([SECRET]))
    cache = TextCache()
    for state in _states(msgs, extra):
        for _ in range(2):  # values, then the checkpoint: the same objects again
            converted = kept(state)
            fresh = Jsonifier(Redactor([SECRET]))(state)
            assert converted == fresh
            plain = json.dumps(fresh, ensure_ascii=True, default=repr)
            assert encode(converted, cache) == plain
            shared = Checkpoint(
                step=1, checkpoint_id="c", parent_id=None, next=[], values=converted
            )
            afresh = Checkpoint(step=1, checkpoint_id="c", parent_id=None, next=[], values=fresh)
            assert dumps(shared, cache) == json.dumps(afresh.to_dict(), default=repr)
            cache.end_turn()


def test_an_unchanged_message_is_converted_once_and_shared_by_identity():
    history = [HumanMessage(content="hi", id="h1"), AIMessage(content="x" * 400, id="a1")]
    jsonify = Jsonifier()
    first = jsonify({"messages": history})
    grown = jsonify({"messages": [*history, AIMessage(content="next", id="a2")]})
    assert isinstance(first["messages"][1], SharedJson)
    assert grown["messages"][1] is first["messages"][1]
    # The same list again (the values, then the checkpoint, of one step): one JSON list.
    assert isinstance(first["messages"], SharedList)
    assert jsonify({"messages": history})["messages"] is first["messages"]


def test_a_message_changed_in_place_is_converted_again():
    message = AIMessage(content="before", id="a1")
    state = {"messages": [message]}
    jsonify = Jsonifier()
    assert jsonify(state)["messages"][0]["content"] == "before"
    message.content = "after"  # a node that edits the message it got
    jsonify.nodes_ran()  # as the normalizer says once a node has streamed anything
    assert jsonify(state)["messages"][0]["content"] == "after"
    state["messages"].append(HumanMessage(content="more"))  # the same list, grown
    assert [m["content"] for m in jsonify(state)["messages"]] == ["after", "more"]
    message.content = "again"  # and then the next step's list, which extends this one
    grown = {"messages": [*state["messages"], AIMessage(content="new")]}
    assert [m["content"] for m in jsonify(grown)["messages"]] == ["again", "more", "new"]


async def test_a_node_that_edits_a_message_in_place_is_seen_in_the_next_values():
    class State(TypedDict):
        messages: Annotated[list[AnyMessage], add_messages]
        n: int

    def first(state: State) -> dict[str, Any]:
        return {"messages": [AIMessage(content="before", id="a1")], "n": 1}

    def second(state: State) -> dict[str, Any]:
        state["messages"][0].content = "after"  # in place: no update to the messages
        return {"n": 2}

    builder = StateGraph(State)
    builder.add_node("first", first)
    builder.add_node("second", second)
    builder.add_edge(START, "first")
    builder.add_edge("first", "second")
    builder.add_edge("second", END)
    graph = builder.compile(checkpointer=InMemorySaver())
    normalizer = Normalizer(Jsonifier())
    shown, truth = [], []
    config = {"configurable": {"thread_id": "t"}}
    async for part in graph.astream(
        {"messages": []}, config, stream_mode=STREAM_MODES, subgraphs=True, version="v2"
    ):
        for event in normalizer.events_for(part, 0.0):
            if isinstance(event, Values | Checkpoint):
                shown.append(event.values)
                truth.append(
                    Jsonifier()(
                        part["data"]["payload"]["values"]
                        if part["type"] == "debug"
                        else part["data"]
                    )
                )
    assert shown == truth
    assert shown[-1]["messages"][0]["content"] == "after"


def test_a_secret_learnt_later_is_redacted_from_messages_converted_before():
    redactor = Redactor()
    jsonify = Jsonifier(redactor)
    state = {"messages": [AIMessage(content=f"key {SECRET}", id="a1")]}
    assert SECRET in jsonify(state)["messages"][0]["content"]
    redactor.learn([SECRET])
    assert jsonify(state)["messages"][0]["content"] == f"key {REDACTED}"


def test_what_no_turn_uses_any_more_is_forgotten():
    cache: IdentityCache[str] = IdentityCache(keep_turns=4)
    kept, dropped = ["kept"], ["dropped"]
    cache.put(kept, "k")
    cache.put(dropped, "d")
    for _ in range(12):
        assert cache.get(kept) == "k"
        cache.end_turn()
    assert cache.get(dropped) is None and len(cache) == 1
    for _ in range(12):
        cache.end_turn()  # turns that use nothing do not count
    assert cache.get(kept) == "k"


def test_the_events_of_a_step_share_the_state_they_carry():
    history = [AIMessage(content=f"m{i}", id=f"a{i}") for i in range(3)]
    jsonify = Jsonifier()
    values = Values(values=jsonify({"messages": history}))
    task = TaskStarted(step=2, node="n", task_id="t", input=jsonify({"messages": history}))
    assert task.input["messages"] is values.values["messages"]


async def test_one_handler_carries_both_listeners_of_a_run():
    emitted: list[Any] = []
    handoffs: list[tuple[str, Any]] = []
    stats = LlmStatsHandler(emitted.append, lambda: 0.0)
    watcher = TaskWatcher(lambda task_id, command: handoffs.append((task_id, command)))
    handler = RunCallbacks(stats, watcher)
    manager = AsyncCallbackManager(handlers=[handler])
    [call] = await manager.on_chat_model_start({}, [[HumanMessage(content="hi")]])
    await call.on_llm_new_token("a")
    await call.on_llm_new_token("b")
    await call.on_llm_end(LLMResult(generations=[[ChatGeneration(message=AIMessage("ab"))]]))
    assert [e.kind for e in emitted] == ["llm_started", "llm_finished"]
    assert emitted[-1].chunks == 2
    command = Command(graph=Command.PARENT, goto="other")
    in_task = AsyncCallbackManager(
        handlers=[handler],
        tags=["graph:step:1"],
        metadata={"langgraph_checkpoint_ns": "node:task-1"},
    )
    task = await in_task.on_chain_start({}, {})
    await task.on_chain_error(ParentCommand(command))
    assert handoffs == [("task-1", command)]
