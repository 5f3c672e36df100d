"""RunView folds events into what the screen shows, whatever order the sources race in."""

from __future__ import annotations

from tui.app.run_view import RunView
from tui.engine.events import LlmFinished, LlmStarted, RunStarted, TaskFinished, TaskStarted, Token


def _run(model: RunView, *events) -> None:
    model.apply([RunStarted(graph="g", thread_id="t", input={}, stream_modes=[]), *events])


def test_llm_call_is_attached_even_when_it_beats_its_task_started():
    model = RunView()
    _run(
        model,
        LlmStarted(node="summarize", task_id="T", run_id="R", model="m", ns=("research:P",)),
        TaskStarted(step=2, node="summarize", task_id="T", ns=("research:P",)),
        Token(
            node="summarize", text="hi ", message_id="lc_run--R", task_id="T", ns=("research:P",)
        ),
        LlmFinished(
            node="summarize",
            task_id="T",
            run_id="R",
            model="m",
            output_tokens=5,
            chunks=1,
            ttft_s=0.2,
            tokens_per_s=10.0,
            ns=("research:P",),
        ),
        TaskFinished(
            step=2, node="summarize", task_id="T", status="ok", duration_s=1.0, ns=("research:P",)
        ),
    )
    row = model.tasks["T"]
    assert row.ttft_s() == 0.2 and row.tokens_per_s() == 10.0
    assert row.tokens == 5 and model.tokens_out == 5  # provider usage replaced the chunk count
    (block,) = model.blocks
    assert block.text == "hi " and block.call is not None and block.call.output_tokens == 5


def test_provider_message_ids_still_group_under_the_announced_call():
    model = RunView()
    _run(
        model,
        TaskStarted(step=1, node="agent", task_id="T"),
        LlmStarted(node="agent", task_id="T", run_id="R1"),
        Token(node="agent", text="a", message_id="chatcmpl-1", task_id="T"),
        Token(node="agent", text="b", message_id="chatcmpl-1", task_id="T"),
        LlmFinished(node="agent", task_id="T", run_id="R1"),
        LlmStarted(node="agent", task_id="T", run_id="R2"),
        Token(node="agent", text="c", message_id="chatcmpl-2", task_id="T"),
    )
    assert [b.text for b in model.blocks] == ["ab", "c"]


def test_subgraph_rows_sit_under_their_parent():
    model = RunView()
    _run(
        model,
        TaskStarted(step=1, node="plan", task_id="A"),
        TaskStarted(step=2, node="research", task_id="B"),
        TaskStarted(step=3, node="write", task_id="C"),
        TaskStarted(step=1, node="search", task_id="D", ns=("research:B",)),
    )
    assert [(r.node, r.depth) for r in model.task_rows()] == [
        ("plan", 0),
        ("research", 0),
        ("search", 1),
        ("write", 0),
    ]


def test_whole_tool_calls_without_an_index_stay_apart():
    """Ollama sends whole tool calls with no index; parallel calls must not fuse."""
    from langchain_core.messages import AIMessageChunk

    from tui.engine.jsonify import Jsonifier
    from tui.engine.normalize import Normalizer

    normalizer = Normalizer(Jsonifier())
    meta = {"langgraph_node": "agent", "langgraph_checkpoint_ns": "agent:T", "langgraph_step": 1}
    chunks = [
        AIMessageChunk(
            content="",
            id="m1",
            tool_call_chunks=[
                {"name": "get_weather", "args": '{"city": "Paris"}', "id": "a", "index": None}
            ],
        ),
        AIMessageChunk(
            content="",
            id="m1",
            tool_call_chunks=[
                {"name": "local_time", "args": '{"city": "Paris"}', "id": "b", "index": None}
            ],
        ),
    ]
    events = [
        e
        for c in chunks
        for e in normalizer.events_for({"type": "messages", "ns": (), "data": (c, meta)}, 0.0)
    ]
    model = RunView()
    _run(model, TaskStarted(step=1, node="agent", task_id="T"), *events)
    (block,) = model.blocks
    assert [(d.name, d.args) for d in block.tool_calls.values()] == [
        ("get_weather", '{"city": "Paris"}'),
        ("local_time", '{"city": "Paris"}'),
    ]
