"""Every sample graph through the engine: the kinds and the order of its events."""

from __future__ import annotations

import itertools
import json

import pytest

from tui.engine.events import EVENT_KINDS

SAMPLES_THAT_FINISH = [
    "joke",
    "streaming_node",
    "ollama_generate",
    "react_agent",
    "custom_progress",
    "research_subgraph",
    "map_reduce",
]


def _assert_task_order(events):
    """task_started precedes the task's tokens; task_finished follows them."""
    started: dict[str, int] = {}
    finished: dict[str, int] = {}
    for index, event in enumerate(events):
        if event.kind == "task_started":
            started[event.task_id] = index
        elif event.kind == "task_finished":
            finished[event.task_id] = index
    for index, event in enumerate(events):
        if event.kind == "token" and event.task_id in started:
            assert started[event.task_id] < index, "token before its task started"
            if event.task_id in finished:
                assert index < finished[event.task_id], "token after its task finished"
    for task_id, index in finished.items():
        assert task_id in started and started[task_id] < index


@pytest.mark.parametrize("sample", SAMPLES_THAT_FINISH)
def test_sample_runs_to_done_with_ordered_events(open_session, sample):
    session, log = open_session(sample)
    session.start().result(30)
    final = log.finish()
    assert final.status == "done", [e.to_dict() for e in log.of("run_failed")]
    events = log.events
    kinds = [e.kind for e in events]
    assert kinds[0] == "run_started"
    assert set(kinds) <= set(EVENT_KINDS)
    assert [e.seq for e in events] == list(range(len(events)))
    _assert_task_order(events)
    # One root checkpoint per step: steps -1 (input), 0, then one per superstep.
    root_steps = [e.step for e in log.of("checkpoint") if not e.ns]
    task_steps = {e.step for e in log.of("task_started") if not e.ns}
    assert root_steps[:2] == [-1, 0]
    assert set(root_steps) >= task_steps
    for event in events:
        json.dumps(event.to_dict())  # every event is JSON as it stands


@pytest.mark.parametrize("sample", ["joke", "streaming_node", "ollama_generate"])
def test_llm_samples_stream_many_tokens_and_report_usage(open_session, sample):
    session, log = open_session(sample)
    session.start().result(30)
    log.finish()
    tokens = [e for e in log.of("token") if e.text]
    assert len(tokens) > 10
    assert all(t.message_id for t in tokens)
    calls = log.of("llm_finished")
    assert len(calls) == 1
    call = calls[0]
    assert call.status == "ok"
    assert call.input_tokens and call.output_tokens
    assert call.ttft_s is not None
    assert call.model == "scripted"


def test_reasoning_arrives_apart_from_text(open_session):
    session, log = open_session("joke")
    session.start().result(30)
    log.finish()
    reasoning = "".join(e.reasoning for e in log.of("token"))
    text = "".join(e.text for e in log.of("token"))
    assert reasoning.startswith("Let me think about ice cream")
    assert "Let me think" not in text
    values = log.of("run_finished")[0].values
    assert values["joke"] == text


def test_react_agent_streams_tool_calls_and_loops_until_done(open_session):
    session, log = open_session("react_agent")
    session.start().result(30)
    log.finish()
    nodes = [e.node for e in log.of("task_started")]
    assert nodes == ["agent", "tools", "agent", "tools", "agent"]
    chunks = [c for e in log.of("token") for c in e.tool_call_chunks]
    names = [c["name"] for c in chunks if c["name"]]
    assert names == ["get_weather", "local_time", "convert_temperature"]
    # Arguments arrive in pieces, as a real model streams them.
    weather_args = "".join(c["args"] for c in chunks if c["index"] == 0)[: len('{"city": "Paris"}')]
    assert weather_args == '{"city": "Paris"}'
    tool_results = [e for e in log.of("token") if e.role == "tool"]
    assert {e.name for e in tool_results} == {"get_weather", "local_time", "convert_temperature"}
    final = log.of("run_finished")[0].values["messages"][-1]
    assert final["type"] == "ai" and final["content"].startswith("Here is what I found")


def test_subgraph_events_carry_their_namespace(open_session):
    session, log = open_session("research_subgraph")
    session.start().result(30)
    log.finish()
    inner = [e for e in log.of("task_started") if e.ns]
    assert {e.node for e in inner} == {"search", "summarize"}
    parent = next(e for e in log.of("task_started") if e.node == "research")
    assert all(e.ns == (f"research:{parent.task_id}",) for e in inner)
    sub_tokens = [e for e in log.of("token") if e.node == "summarize"]
    assert sub_tokens and all(e.ns == inner[0].ns for e in sub_tokens)
    assert log.of("custom")[0].data == {"found": "tide pools — overview"}
    assert all(e.ns for e in log.of("custom"))


def test_parallel_workers_share_one_step(open_session):
    session, log = open_session("map_reduce")
    session.start().result(30)
    log.finish()
    workers = [e for e in log.of("task_started") if e.node == "write_joke"]
    assert len(workers) == 3
    assert len({e.step for e in workers}) == 1
    # Their tokens interleave: the three LLM calls really run at the same time.
    owners = [e.task_id for e in log.of("token") if e.node == "write_joke" and e.text]
    switches = sum(1 for a, b in itertools.pairwise(owners) if a != b)
    assert switches > 3
    assert len(log.of("run_finished")[0].values["jokes"]) == 3


def test_custom_progress_events(open_session):
    session, log = open_session("custom_progress")
    session.start().result(30)
    log.finish()
    progress = [e.data["progress"] for e in log.of("custom")]
    assert progress == [pytest.approx(i / 10) for i in range(1, 11)]


def test_failing_node_reports_error_and_session_stays_usable(open_session):
    session, log = open_session("flaky")
    session.start().result(30)
    final = log.finish()
    assert final.status == "failed"
    failed_task = next(e for e in log.of("task_finished") if e.status == "error")
    assert failed_task.node == "fetch"
    assert failed_task.error.startswith("UpstreamUnavailable: ")
    assert "raise UpstreamUnavailable" in failed_task.traceback
    run_failed = log.of("run_failed")[0]
    assert run_failed.type == "UpstreamUnavailable"
    assert "503" in run_failed.error and "Traceback" in run_failed.traceback
    assert session.status == "failed"
    # Resume retries from the checkpoint: only `fetch` runs again.
    mark = log.mark()
    session.resume().result(30)
    assert log.finish(after=mark).status == "failed"
    assert [e.node for e in log.events[mark:] if e.kind == "task_started"] == ["fetch"]
    # And a rerun starts over on a new thread.
    old_thread = session.thread_id
    mark = log.mark()
    session.rerun().result(30)
    assert log.finish(after=mark).status == "failed"
    assert session.thread_id != old_thread
    assert [e.node for e in log.events[mark:] if e.kind == "task_started"] == ["prepare", "fetch"]


def test_interrupt_surfaces_and_answer_resumes(open_session):
    session, log = open_session("human_review")
    session.start().result(30)
    final = log.finish()
    assert final.status == "interrupted"
    (interrupted,) = log.of("interrupted")
    (pending,) = interrupted.interrupts
    assert pending["value"]["question"].startswith("Approve this draft?")
    assert session.status == "interrupted"
    review = next(e for e in log.of("task_finished") if e.node == "review")
    assert review.status == "interrupted"
    mark = log.mark()
    session.answer("approve").result(30)
    assert log.finish(after=mark).status == "done"
    resumed = next(e for e in log.events[mark:] if e.kind == "resumed")
    assert resumed.how == "answer" and resumed.value == "approve"
    values = log.events[-1].values
    assert values["final"] == values["draft"] and values["approved"] is True


def test_interrupt_answered_with_edits_takes_the_revise_path(open_session):
    session, log = open_session("human_review")
    session.start().result(30)
    log.finish()
    mark = log.mark()
    session.answer("A shorter draft, please.").result(30)
    log.finish(after=mark)
    nodes = [e.node for e in log.events[mark:] if e.kind == "task_started"]
    assert nodes == ["review", "revise", "publish"]
