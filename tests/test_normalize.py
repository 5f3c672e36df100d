"""The normalizer turns LangGraph's v2 stream parts into events, one part at a time."""

from __future__ import annotations

from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langgraph.errors import GraphInterrupt
from langgraph.types import Interrupt

from tui.engine.events import (
    Checkpoint,
    Custom,
    TaskFinished,
    TaskStarted,
    Token,
    Update,
    Values,
)
from tui.engine.jsonify import Jsonifier
from tui.engine.normalize import (
    Normalizer,
    ns_from_checkpoint_ns,
    task_id_from_checkpoint_ns,
)
from tui.engine.status import TaskStatus

SECRET = "sk-live-0123456789abcdef"
META = {"langgraph_node": "agent", "langgraph_checkpoint_ns": "agent:T1", "langgraph_step": 3}


def _normalizer() -> Normalizer:
    return Normalizer(Jsonifier([SECRET]))


def _messages(message, meta=META, ns=()):
    return {"type": "messages", "ns": ns, "data": (message, meta)}


def _debug(kind: str, payload: dict, step: int = 1, ns=()):
    return {"type": "debug", "ns": ns, "data": {"step": step, "type": kind, "payload": payload}}


def test_checkpoint_namespaces_name_the_task_and_its_graph():
    assert task_id_from_checkpoint_ns("research:P1|search:T2") == "T2"
    assert ns_from_checkpoint_ns("research:P1|search:T2") == ("research:P1",)
    assert task_id_from_checkpoint_ns(None) is None and ns_from_checkpoint_ns("") == ()


def test_a_streamed_chunk_is_a_token_with_its_task_and_step():
    [token] = _normalizer().events_for(_messages(AIMessageChunk(content="Hi", id="m1")), 1.0)
    assert isinstance(token, Token)
    assert (token.node, token.text, token.message_id, token.task_id, token.step) == (
        "agent",
        "Hi",
        "m1",
        "T1",
        3,
    )
    assert token.role == "ai" and not token.last


def test_reasoning_arrives_apart_from_the_text():
    chunk = AIMessageChunk(content="", additional_kwargs={"reasoning_content": "Hmm. "}, id="m")
    [token] = _normalizer().events_for(_messages(chunk), 0.0)
    assert (token.text, token.reasoning) == ("", "Hmm. ")
    blocks = AIMessageChunk(content=[{"type": "thinking", "thinking": "Deep."}], id="m")
    [token] = _normalizer().events_for(_messages(blocks), 0.0)
    assert token.reasoning == "Deep."


def test_an_empty_chunk_that_is_not_the_last_is_dropped_and_the_last_is_kept():
    normalizer = _normalizer()
    assert normalizer.events_for(_messages(AIMessageChunk(content="", id="m")), 0.0) == []
    last = AIMessageChunk(content="", id="m", chunk_position="last")
    [token] = normalizer.events_for(_messages(last), 0.0)
    assert token.last


def test_a_whole_message_is_one_last_token_with_its_tool_calls():
    message = AIMessage(
        content="",
        id="m",
        tool_calls=[{"name": "get", "args": {"city": "Oslo"}, "id": "c1", "type": "tool_call"}],
    )
    [token] = _normalizer().events_for(_messages(message), 0.0)
    assert token.last
    assert token.tool_call_chunks == [
        {"name": "get", "args": '{"city": "Oslo"}', "id": "c1", "index": 0}
    ]


def test_tool_results_and_other_roles():
    normalizer = _normalizer()
    tool = ToolMessage(content="sunny", tool_call_id="c1", name="get", id="t1")
    [token] = normalizer.events_for(_messages(tool), 0.0)
    assert (token.role, token.text, token.tool_call_id, token.name, token.last) == (
        "tool",
        "sunny",
        "c1",
        "get",
        True,
    )
    [human] = normalizer.events_for(_messages(HumanMessage("hi", id="h")), 0.0)
    assert (human.role, human.text) == ("user", "hi")


def test_secrets_in_tokens_are_scrubbed():
    chunk = AIMessageChunk(content=f"key={SECRET}", id="m")
    [token] = _normalizer().events_for(_messages(chunk), 0.0)
    assert SECRET not in token.text and "[redacted]" in token.text


def test_tasks_start_and_finish_with_their_duration():
    normalizer = _normalizer()
    payload = {"id": "T1", "name": "agent", "input": {"q": 1}, "triggers": ["start:agent"]}
    [started] = normalizer.events_for(_debug("task", payload, step=2), 1.0)
    assert isinstance(started, TaskStarted)
    assert (started.step, started.node, started.task_id, started.input, started.triggers) == (
        2,
        "agent",
        "T1",
        {"q": 1},
        ["start:agent"],
    )
    assert normalizer.running_nodes() == ["agent"]
    result = {"id": "T1", "name": "agent", "error": None, "result": {"a": 1}, "interrupts": []}
    [finished] = normalizer.events_for(_debug("task_result", result, step=2), 3.5)
    assert isinstance(finished, TaskFinished)
    assert (finished.status, finished.duration_s, finished.result) == (TaskStatus.OK, 2.5, {"a": 1})
    assert normalizer.running_nodes() == []


def test_a_failed_task_carries_its_error_and_traceback_scrubbed():
    normalizer = _normalizer()
    normalizer.events_for(_debug("task", {"id": "T", "name": "fetch"}), 0.0)
    try:
        raise RuntimeError(f"bad key {SECRET}")
    except RuntimeError as exc:
        error = exc
    payload = {"id": "T", "name": "fetch", "error": error, "result": None, "interrupts": []}
    [finished] = normalizer.events_for(_debug("task_result", payload), 1.0)
    assert finished.status == TaskStatus.ERROR
    assert finished.error == "RuntimeError: bad key [redacted]"
    assert finished.traceback is not None and "Traceback" in finished.traceback
    assert SECRET not in finished.traceback


def test_an_interrupted_task_is_interrupted_not_failed():
    normalizer = _normalizer()
    interrupts = [Interrupt(value="ok?", id="i1")]
    payload = {"id": "T", "name": "review", "error": None, "result": None, "interrupts": interrupts}
    [finished] = normalizer.events_for(_debug("task_result", payload), 0.0)
    assert finished.status == TaskStatus.INTERRUPTED
    bubbled = {"id": "U", "name": "review", "error": GraphInterrupt(), "interrupts": []}
    [finished] = normalizer.events_for(_debug("task_result", bubbled), 0.0)
    assert finished.status == TaskStatus.INTERRUPTED and finished.traceback is None


def test_start_and_end_nodes_are_hidden():
    normalizer = _normalizer()
    assert normalizer.events_for(_debug("task", {"id": "S", "name": "__start__"}), 0.0) == []


def test_checkpoints_carry_ids_parent_next_and_values():
    payload = {
        "config": {"configurable": {"checkpoint_id": "c2"}},
        "parent_config": {"configurable": {"checkpoint_id": "c1"}},
        "values": {"messages": [HumanMessage("hi", id="h")]},
        "next": ["tools"],
    }
    [checkpoint] = _normalizer().events_for(_debug("checkpoint", payload, step=4), 0.0)
    assert isinstance(checkpoint, Checkpoint)
    assert (checkpoint.step, checkpoint.checkpoint_id, checkpoint.parent_id, checkpoint.next) == (
        4,
        "c2",
        "c1",
        ["tools"],
    )
    assert checkpoint.values == {"messages": [{"type": "human", "content": "hi", "id": "h"}]}


def test_updates_values_and_custom_events_keep_their_namespace():
    normalizer = _normalizer()
    ns = ("research:P",)
    updates = normalizer.events_for(
        {"type": "updates", "ns": ns, "data": {"search": {"hits": 2}, "__interrupt__": ()}}, 0.0
    )
    assert [(type(e), e.node, e.update, e.ns) for e in updates] == [
        (Update, "search", {"hits": 2}, ns)
    ]
    [values] = normalizer.events_for({"type": "values", "ns": (), "data": {"x": {1}}}, 0.0)
    assert isinstance(values, Values) and values.values == {"x": [1]}
    [custom] = normalizer.events_for({"type": "custom", "ns": ns, "data": {"p": 0.5}}, 0.0)
    assert isinstance(custom, Custom) and custom.data == {"p": 0.5} and custom.ns == ns
    assert normalizer.events_for({"type": "tasks", "ns": (), "data": {}}, 0.0) == []


def test_cancel_closes_every_running_task():
    normalizer = _normalizer()
    normalizer.events_for(_debug("task", {"id": "A", "name": "a"}), 1.0)
    normalizer.events_for(_debug("task", {"id": "B", "name": "b"}, ns=("p:P",)), 2.0)
    closed = normalizer.cancel_running(5.0)
    assert [(e.node, e.status, e.duration_s, e.ns) for e in closed] == [
        ("a", TaskStatus.CANCELLED, 4.0, ()),
        ("b", TaskStatus.CANCELLED, 3.0, ("p:P",)),
    ]
    assert normalizer.cancel_running(6.0) == []
