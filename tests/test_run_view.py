"""RunView folds events into what the screen shows, whatever order the sources race in."""

from __future__ import annotations

import json

import pytest

from tui.app.view.records import LogKind, Part
from tui.app.view.run_view import RunView
from tui.engine.events import (
    Cancelled,
    Checkpoint,
    Custom,
    Interrupted,
    LlmFinished,
    LlmStarted,
    Notice,
    Paused,
    Resumed,
    RunFailed,
    RunFinished,
    RunStarted,
    Status,
    TaskFinished,
    TaskStarted,
    Token,
    Update,
)
from tui.engine.status import (
    NoticeLevel,
    PauseReason,
    ResumeHow,
    RunOutcome,
    RunStatus,
    TaskStatus,
)


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


def test_a_chunk_the_stream_delivers_after_its_calls_usage_is_counted_once():
    # The callback's end overtakes the stream's last chunk under load: the usage
    # already counts that chunk, so the total is the usage either way.
    for late in (False, True):
        model = RunView()
        first = Token(node="agent", text="a", message_id="m", task_id="T")
        last = Token(node="agent", text="b", message_id="m", task_id="T")
        finished = LlmFinished(node="agent", task_id="T", run_id="R", output_tokens=7, chunks=2)
        ordered = [last, finished] if not late else [finished, last]
        _run(
            model,
            TaskStarted(step=1, node="agent", task_id="T"),
            LlmStarted(node="agent", task_id="T", run_id="R"),
            first,
            *ordered,
        )
        assert (model.tokens_out, model.tasks["T"].tokens) == (7, 7), late
        assert [b.text for b in model.blocks] == ["ab"]


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


# -- statuses, timing and the dirty parts ------------------------------------------------------


def test_every_event_class_has_a_fold():
    from tui.app.view import run_view
    from tui.engine.events import EVENT_TYPES

    assert set(run_view._HANDLERS) == set(EVENT_TYPES)


def test_status_marks_status_and_graph_dirty_and_ends_the_clock():
    model = RunView()
    _run(model)
    model.take_dirty()
    model.apply([Status(status=RunStatus.RUNNING, t=1.0)])
    assert model.take_dirty() == Part.STATUS | Part.GRAPH
    assert model.take_dirty() == Part.NONE
    assert model.elapsed(now=3.5) == 3.5
    model.apply([RunFinished(status=RunOutcome.DONE, values={"x": 1}, t=4.0)])
    model.apply([Status(status=RunStatus.DONE, t=4.0)])
    assert model.elapsed(now=99.0) == 4.0  # the clock stops when the run does
    assert model.values == {"x": 1}
    wanted = Part.STATUS | Part.STATE
    assert model.take_dirty() & wanted == wanted


def test_a_status_read_back_from_a_recording_is_the_enum():
    model = RunView()
    model.apply([Status(status="paused")])  # type: ignore[arg-type]
    assert model.status is RunStatus.PAUSED and model.status.stopped


def test_run_started_resets_everything_but_keeps_the_status():
    model = RunView()
    _run(model, TaskStarted(step=1, node="a", task_id="A"), Status(status=RunStatus.DONE))
    assert model.tasks
    model.apply([RunStarted(graph="g2", thread_id="t2", input={"q": 1}, stream_modes=[], t=5.0)])
    assert model.tasks == {} and model.blocks == [] and model.checkpoints == {}
    assert (model.graph, model.thread_id, model.input, model.started_t) == (
        "g2",
        "t2",
        {"q": 1},
        5.0,
    )
    assert model.status == RunStatus.DONE
    assert model.log[-1].title == "run started on thread t2"


# -- tasks ---------------------------------------------------------------------------------------


def test_a_resumed_task_restarts_its_own_row():
    model = RunView()
    _run(
        model,
        TaskStarted(step=1, node="fetch", task_id="T", t=1.0),
        TaskFinished(
            step=1,
            node="fetch",
            task_id="T",
            status=TaskStatus.ERROR,
            duration_s=1.0,
            t=2.0,
            error="boom",
            traceback="Traceback ...",
        ),
        TaskStarted(step=1, node="fetch", task_id="T", t=3.0),
    )
    (row,) = model.task_rows()
    assert row.status == TaskStatus.RUNNING and row.started_t == 3.0 and row.duration_s is None
    assert model.running_nodes() == {"fetch"}
    errors = [e for e in model.log if e.kind == LogKind.ERROR]
    assert errors[0].title == "fetch failed: boom" and errors[0].detail == "Traceback ..."


def test_a_finish_without_a_start_still_gets_a_row():
    model = RunView()
    _run(model, TaskFinished(step=2, node="x", task_id="X", status=TaskStatus.OK, duration_s=0.5))
    assert [(r.node, r.status) for r in model.task_rows()] == [("x", TaskStatus.OK)]


def test_send_workers_are_labelled_with_what_they_were_sent():
    model = RunView()
    _run(
        model,
        TaskStarted(
            step=2, node="w", task_id="A", input={"topic": "cats"}, triggers=["__pregel_push"]
        ),
        TaskStarted(step=2, node="w", task_id="B", input={"n": 1}, triggers=["__pregel_push"]),
        TaskStarted(step=3, node="r", task_id="C", input={"topic": "x"}, triggers=["w"]),
    )
    assert [r.label for r in model.task_rows()] == ["w · cats", "w · n=1", "r"]


def test_step_labels_nest_under_the_parent_step():
    model = RunView()
    _run(
        model,
        TaskStarted(step=2, node="research", task_id="B"),
        TaskStarted(step=1, node="search", task_id="D", ns=("research:B",)),
        TaskStarted(step=1, node="deep", task_id="E", ns=("research:B", "search:D")),
    )
    assert [model.step_label(r) for r in model.task_rows()] == ["2", "2.1", "2.1.1"]
    assert model.current_step() == 2


# -- tokens and LLM calls ------------------------------------------------------------------------


def test_reasoning_text_and_streamed_tool_calls_build_one_block():
    model = RunView()
    _run(
        model,
        TaskStarted(step=1, node="agent", task_id="T"),
        Token(node="agent", text="", reasoning="Think. ", message_id="m", task_id="T", t=1.0),
        Token(node="agent", text="Hi", message_id="m", task_id="T", t=1.5),
        Token(
            node="agent",
            text="",
            message_id="m",
            task_id="T",
            t=2.0,
            tool_call_chunks=[{"name": "get", "args": '{"a"', "id": "c1", "index": 0}],
        ),
        Token(
            node="agent",
            text="",
            message_id="m",
            task_id="T",
            t=2.5,
            last=True,
            tool_call_chunks=[{"name": None, "args": ": 1}", "id": None, "index": 0}],
        ),
    )
    (block,) = model.blocks
    assert (block.reasoning, block.text, block.finished) == ("Think. ", "Hi", True)
    (draft,) = block.tool_calls.values()
    assert (draft.name, draft.args, draft.call_id) == ("get", '{"a": 1}', "c1")
    assert model.tokens_out == 4 and model.tasks["T"].tokens == 4
    # Four tokens over the 1.5 s since the first one, while running.
    model.apply([Status(status=RunStatus.RUNNING)])
    assert model.tokens_per_second(now=2.5) == 4 / 1.5


def test_tool_results_are_blocks_of_their_own():
    model = RunView()
    _run(
        model,
        Token(
            node="tools",
            text="Paris: sunny",
            message_id="t1",
            role="tool",
            tool_call_id="c1",
            name="get_weather",
        ),
        Token(
            node="tools",
            text="14:05",
            message_id="t2",
            role="tool",
            tool_call_id="c2",
            name="local_time",
        ),
    )
    assert [(b.role, b.tool_name, b.text, b.finished) for b in model.blocks] == [
        ("tool", "get_weather", "Paris: sunny", True),
        ("tool", "local_time", "14:05", True),
    ]
    assert model.tokens_out == 0  # a tool's output is not model output


def test_a_call_that_never_streamed_ends_waiting_and_counts_its_usage():
    model = RunView()
    _run(
        model,
        TaskStarted(step=1, node="agent", task_id="T"),
        LlmStarted(node="agent", task_id="T", run_id="R", model="m", t=1.0),
    )
    (block,) = model.blocks
    assert block.waiting and block.call is not None and block.call.status == TaskStatus.RUNNING
    model.apply(
        [
            LlmFinished(
                node="agent",
                task_id="T",
                run_id="R",
                model="m",
                input_tokens=30,
                output_tokens=12,
                chunks=0,
                duration_s=2.0,
                t=3.0,
            )
        ]
    )
    assert not block.waiting and block.finished and block.call.status == TaskStatus.OK
    assert (model.tokens_in, model.tokens_out, model.tasks["T"].tokens) == (30, 12, 12)
    # After the run, the rate is tokens over the time a model was generating.
    model.apply([Status(status=RunStatus.DONE)])
    assert model.tokens_per_second(now=10.0) == 12 / 2.0


def test_parallel_calls_count_their_overlap_once():
    model = RunView()
    _run(
        model,
        Token(node="w", text="a", message_id="1", t=0.5),
        LlmFinished(node="w", task_id=None, run_id="R1", duration_s=2.0, t=2.0, output_tokens=None),
        LlmFinished(node="w", task_id=None, run_id="R2", duration_s=2.0, t=3.0, output_tokens=None),
        Status(status=RunStatus.DONE),
    )
    assert model.llm_spans == [(0.0, 2.0), (1.0, 3.0)]
    assert model.tokens_per_second(now=9.0) == 1 / 3.0


# -- checkpoints, interrupts, the log ------------------------------------------------------------


def _checkpoint(step: int, cid: str, parent: str | None, ns=(), values=None, next=()):
    return Checkpoint(
        step=step, checkpoint_id=cid, parent_id=parent, next=list(next), ns=ns, values=values
    )


def test_root_checkpoints_drive_the_live_state_and_subgraph_ones_do_not():
    model = RunView()
    _run(
        model,
        TaskStarted(step=1, node="a", task_id="A"),
        _checkpoint(0, "c0", None, values={"n": 0}, next=["a"]),
        _checkpoint(1, "c1", "c0", values={"n": 1}, next=["b"]),
        _checkpoint(1, "s1", None, ns=("b:B",), values={"inner": True}),
        Checkpoint(step=9, checkpoint_id=None, parent_id=None, next=[]),  # ignored
    )
    assert model.root_checkpoints == ["c0", "c1"]
    assert (model.step, model.next, model.values) == (1, ["b"], {"n": 1})
    latest = model.latest_checkpoint()
    assert latest is not None and latest.checkpoint_id == "c1"
    assert model.parent_values(latest) == {"n": 0}
    assert model.checkpoint_after(model.tasks["A"]).checkpoint_id == "c1"
    assert model.stopped_next() == []  # not stopped: nothing is "next"
    model.apply([Status(status=RunStatus.BREAKPOINT)])
    assert model.stopped_next() == ["b"]


def test_interrupts_are_kept_until_answered():
    model = RunView()
    _run(
        model,
        Interrupted(interrupts=[{"id": "i1", "value": {"q": "ok?"}}, {"id": "i2", "value": 2}]),
    )
    assert [i["id"] for i in model.interrupts] == ["i1", "i2"]
    assert [e.body for e in model.log if e.kind == LogKind.INTERRUPT] == [{"q": "ok?"}, 2]
    model.apply([Resumed(step=3, next=["review"], how=ResumeHow.ANSWER, value="yes")])
    assert model.interrupts == []
    assert model.log[-1].title == "answered the interrupt" and model.log[-1].body == "yes"


def test_control_events_read_as_sentences():
    model = RunView()
    _run(
        model,
        Paused(step=2, next=["tools"], reason=PauseReason.BREAKPOINT),
        Paused(step=3, next=[], reason=PauseReason.STEP),
        Resumed(step=3, next=["agent", "tools"], how=ResumeHow.STEP),
        Cancelled(step=4, next=["agent"]),
        Notice(level=NoticeLevel.WARNING, text="agent blocked"),
        Notice(level=NoticeLevel.ERROR, text="a consumer failed"),
        Update(node="tools", update={"messages": []}),
        Custom(data={"progress": 1}),
    )
    assert [(e.kind, e.title) for e in model.log[1:]] == [
        (LogKind.CONTROL, "breakpoint hit before tools (step 2)"),
        (LogKind.CONTROL, "stepped at the end (step 3)"),
        (LogKind.CONTROL, "step: agent, tools"),
        (LogKind.CONTROL, "cancelled; the checkpoint at step 4 is kept"),
        (LogKind.CONTROL, "agent blocked"),
        (LogKind.ERROR, "a consumer failed"),
        (LogKind.UPDATE, "update from tools"),
        (LogKind.CUSTOM, "custom event"),
    ]


def test_a_run_failure_shows_its_traceback_once():
    model = RunView()
    _run(
        model,
        TaskFinished(
            step=1,
            node="f",
            task_id="F",
            status=TaskStatus.ERROR,
            duration_s=0.1,
            error="E: x",
            traceback="TB",
        ),
        RunFailed(error="x", type="E", traceback="TB", hint="fix x"),
    )
    assert model.last_error is not None
    assert (model.last_error.title, model.last_error.detail) == ("fix x", None)
    other = RunView()
    _run(other, RunFailed(error="x", type="E", traceback="TB"))
    assert other.last_error is not None
    assert (other.last_error.title, other.last_error.detail) == ("run failed: E: x", "TB")


def test_a_recording_folds_into_the_same_view_as_the_live_events():
    from tui.engine.events import event_from_dict
    from tui.engine.recording import dumps

    events = [
        RunStarted(graph="g", thread_id="t", input={}, stream_modes=[]),
        Status(status=RunStatus.RUNNING),
        TaskStarted(step=1, node="a", task_id="A"),
        Token(node="a", text="hello", message_id="m", task_id="A"),
        TaskFinished(step=1, node="a", task_id="A", status=TaskStatus.OK, duration_s=0.2),
        _checkpoint(1, "c1", None, values={"x": [1, 2]}),
        Status(status=RunStatus.DONE),
        RunFinished(status=RunOutcome.DONE, values={"x": [1, 2]}),
    ]
    live, replayed = RunView(), RunView()
    live.apply(events)
    replayed.apply([event_from_dict(json.loads(dumps(e))) for e in events])
    assert live.status == replayed.status == RunStatus.DONE
    assert [(r.node, r.status) for r in live.task_rows()] == [
        (r.node, r.status) for r in replayed.task_rows()
    ]
    assert [b.text for b in live.blocks] == [b.text for b in replayed.blocks]
    assert live.values == replayed.values


def test_the_rate_keeps_showing_while_pausing_and_paused():
    model = RunView()
    _run(
        model,
        Status(status=RunStatus.RUNNING, t=0.0),
        TaskStarted(step=1, node="agent", task_id="T", t=0.0),
        LlmStarted(node="agent", task_id="T", run_id="R", t=0.0),
        *[Token(node="agent", text="x", message_id="m", task_id="T", t=i / 10) for i in range(10)],
        Status(status=RunStatus.PAUSING, t=1.0),
    )
    assert model.tokens_per_second(now=1.0) == pytest.approx(10.0)  # live: the last second
    model.apply(
        [
            LlmFinished(node="agent", task_id="T", run_id="R", output_tokens=10, duration_s=1.0),
            TaskFinished(step=1, node="agent", task_id="T", status="ok", duration_s=1.0),
            Status(status=RunStatus.PAUSED, t=1.1),
        ]
    )
    assert model.tokens_per_second(now=30.0) == pytest.approx(10 / 1.0)
