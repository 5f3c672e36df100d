"""Pause, step, resume, cancel, breakpoints: each round trip, and nothing stuck."""

from __future__ import annotations

import pytest

from tui import providers
from tui.engine.session import SessionError


def _root_tasks(events, kind="task_started"):
    return [e.node for e in events if e.kind == kind and not e.ns]


def test_pause_waits_for_the_step_boundary_then_continue_finishes(open_session):
    session, log = open_session("slow_steps")
    session.start().result(30)
    log.wait_kind("task_started", node="one")
    session.pause()
    assert session.status == "pausing"
    paused = log.wait_kind("paused")
    # The running node finished; the next one did not start.
    assert _root_tasks(log.events, "task_finished") == ["one"]
    assert paused.next == ["two"] and paused.reason == "pause"
    assert log.finish().status == "paused"
    assert session.status == "paused"
    mark = log.mark()
    session.resume().result(30)
    assert log.finish(after=mark).status == "done"
    assert _root_tasks(log.events[mark:]) == ["two", "three"]
    assert log.events[-1].values["visited"] == ["one", "two", "three"]


def test_step_runs_exactly_one_superstep_each_time(open_session):
    session, log = open_session("slow_steps")
    seen = []
    for expected in (["one"], ["two"], ["three"]):
        mark = log.mark()
        session.step_once().result(30)
        final = log.finish(after=mark)
        ran = _root_tasks(log.events[mark:])
        seen.append(ran)
        assert ran == expected
        if expected != ["three"]:
            assert final.status == "paused"
            assert log.of("paused")[-1].reason == "step"
    assert log.events[-1].status == "done"
    assert seen == [["one"], ["two"], ["three"]]


def test_step_while_running_stops_after_the_current_step(open_session):
    session, log = open_session("slow_steps")
    session.start().result(30)
    log.wait_kind("task_started", node="one")
    session.step_once().result(30)
    assert log.wait_kind("paused").next == ["two"]
    assert _root_tasks(log.events) == ["one"]


def test_step_over_parallel_workers_runs_the_whole_step(open_session):
    session, log = open_session("map_reduce")
    session.step_once().result(30)  # plan
    log.finish()
    mark = log.mark()
    session.step_once().result(30)  # the three workers, together
    log.finish(after=mark)
    assert _root_tasks(log.events[mark:]) == ["write_joke"] * 3
    assert _root_tasks(log.events[mark:], "task_finished") == ["write_joke"] * 3
    assert session.next == ["pick_best"]


def test_cancel_mid_stream_keeps_the_last_checkpoint_and_resumes(open_session):
    providers.set_active_model(providers.parse_model_spec("scripted:50"))
    session, log = open_session("joke")
    session.start().result(30)
    log.wait_for(lambda e: e.kind == "token" and e.text)
    session.cancel()
    final = log.finish()
    assert final.status == "cancelled"
    assert session.status == "cancelled"
    cancelled_task = log.of("task_finished")[-1]
    assert cancelled_task.node == "call_model" and cancelled_task.status == "cancelled"
    (cancelled,) = log.of("cancelled")
    assert cancelled.next == ["call_model"]
    assert log.of("llm_finished")[-1].status == "cancelled"
    partial = "".join(e.text for e in log.of("token"))
    assert 0 < len(partial) < 100
    # The checkpoint before the cut node is kept; resume re-runs just that node.
    mark = log.mark()
    session.resume().result(30)
    assert log.finish(after=mark).status == "done"
    assert _root_tasks(log.events[mark:]) == ["call_model"]
    assert log.events[-1].values["joke"].startswith("I tried to write a joke about ice cream")


def test_cancel_when_nothing_runs_is_a_clear_error(open_session):
    session, _ = open_session("joke")
    with pytest.raises(SessionError, match="nothing is running"):
        session.cancel()
    with pytest.raises(SessionError, match="nothing is running"):
        session.pause()


def test_resume_without_a_run_is_a_clear_error(open_session):
    session, _ = open_session("joke")
    with pytest.raises(SessionError, match="nothing to resume: start a run first"):
        session.resume().result(30)


def test_start_while_running_is_refused(open_session):
    session, log = open_session("slow_steps")
    session.start().result(30)
    with pytest.raises(SessionError, match="already going"):
        session.start().result(30)
    log.finish()


def test_breakpoint_stops_before_the_node_and_can_be_changed_while_paused(open_session):
    session, log = open_session("react_agent", interrupt_before=["tools"])
    session.start().result(30)
    final = log.finish()
    assert final.status == "paused"
    stop = log.of("paused")[-1]
    assert stop.reason == "breakpoint" and stop.next == ["tools"]
    assert session.status == "breakpoint"
    assert _root_tasks(log.events) == ["agent"]
    # Continue: the breakpoint fires again at the next visit to `tools`.
    mark = log.mark()
    session.resume().result(30)
    log.finish(after=mark)
    assert _root_tasks(log.events[mark:]) == ["tools", "agent"]
    assert session.status == "breakpoint"
    # Clear it while paused; the rest of the run goes through.
    assert session.toggle_breakpoint("tools") is False
    mark = log.mark()
    session.resume().result(30)
    assert log.finish(after=mark).status == "done"
    assert _root_tasks(log.events[mark:]) == ["tools", "agent"]


def test_breakpoint_after_a_node(open_session):
    session, log = open_session("slow_steps", interrupt_after=["one"])
    session.start().result(30)
    log.finish()
    assert _root_tasks(log.events, "task_finished") == ["one"]
    assert session.status == "breakpoint" and session.next == ["two"]


def test_pause_inside_a_subgraph_then_resume(open_session):
    providers.set_active_model(providers.parse_model_spec("scripted:100"))
    session, log = open_session("research_subgraph")
    session.start().result(30)
    log.wait_for(lambda e: e.kind == "task_started" and e.node == "search")
    session.pause()
    assert log.finish().status == "paused"
    mark = log.mark()
    session.resume().result(30)
    assert log.finish(after=mark, timeout=30).status == "done"
    assert log.events[-1].values["report"]


def test_blocked_event_loop_warns_and_cancel_still_works(open_session, blocking):
    session, log = open_session(blocking, cancel_grace_s=0.5, block_warning_s=0.4)
    session.start().result(30)
    log.wait_kind("task_started", node="stuck")
    notice = log.wait_kind("notice", timeout=30)
    assert "stuck has blocked the graph's event loop" in notice.text
    session.cancel()
    final = log.finish(timeout=30)
    # The run ended while the node still blocked: cancel did not wait for it.
    assert not blocking.LEFT.is_set()
    assert final.status == "cancelled"
    assert session.status == "cancelled"
    assert any(e.kind == "task_finished" and e.status == "cancelled" for e in log.events)
    # The session carries on, on a fresh loop: a new run works at once.
    mark = log.mark()
    session.rerun().result(30)
    log.wait_kind("task_started", node="prepare", after=mark)


def test_the_ui_thread_is_never_blocked_by_a_blocked_engine(open_session, blocking):
    session, log = open_session(blocking)
    session.start().result(30)
    log.wait_kind("task_started", node="stuck")
    # Each of these returns while the engine's loop is still blocked by the node.
    session.pause()
    session.drain()
    _ = session.status, session.now()
    assert session.status == "pausing"
    assert not blocking.LEFT.is_set()


def test_a_breakpoint_set_mid_run_applies_to_that_run(open_session):
    # Guards what the session relies on: LangGraph reads the breakpoint list it
    # was given at every tick (true on 1.2); if it ever copies it, this fails.
    session, log = open_session("slow_steps")
    session.start().result(30)
    log.wait_kind("task_started", node="one")
    assert session.toggle_breakpoint("three") is True
    final = log.finish()
    assert final.status == "paused"
    assert _root_tasks(log.events) == ["one", "two"]
    assert session.status == "breakpoint" and session.next == ["three"]
    assert session.interrupt_before == ["three"]
