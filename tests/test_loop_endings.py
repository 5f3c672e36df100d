"""A run never outlives its event loop, and its coroutine never acts on another one.

The rare hang of the full suite: a blocked run's loop was stopped under it (the
session closed while a node blocked the loop, before the session gave up on that
loop), so when the node let go the loop closed with the run still ending on it. The
garbage collector later finalized that run's coroutine in whatever thread it ran in
next, often another session's engine thread: the abandoned run's ending stopped
*that* thread's loop, and that session's run stopped right after it started, for
good (in a Pilot test it was the app's loop: "Event loop stopped before Future
completed"). Both halves are forced here, in the order they happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable
from typing import Any, TypedDict

import pytest
from langgraph.graph import END, START, StateGraph

from tests.helpers import EventLog
from tui.engine.loop_thread import LoopThread
from tui.engine.session import Session, SessionOptions


def _block_then_lose_the_loop(open_session: Callable[..., Any], blocking: Any) -> tuple[Any, Any]:
    session, log = open_session(blocking, cancel_grace_s=0.1)
    return _lose_the_loop(session, log, blocking)


def _lose_the_loop(session: Session, log: EventLog, blocking: Any) -> tuple[Any, Any]:
    """A run whose loop a node blocks; the loop is stopped, then the run cancelled and
    given up on (as ``close`` does when it comes first), then the node lets go."""
    session.start().result(30)
    log.wait_kind("task_started", node="stuck")
    blocked, run = session._engine, session._run
    blocked.stop(timeout=0)
    session.cancel()
    assert log.finish().status == "cancelled"  # said at once, from a fresh loop
    blocking.RELEASE.set()
    blocked.thread.join(30)
    assert not blocked.thread.is_alive()
    return run, blocked


def test_a_loop_stopped_under_a_run_lets_the_run_end_on_it_before_it_closes(open_session, blocking):
    run, _ = _block_then_lose_the_loop(open_session, blocking)
    assert run.task.done(), "the run was left pending on a closed loop"


# LangGraph's own cleanup in the closed coroutine finds its loop closed, and says so.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_run_closed_away_from_its_loop_leaves_that_threads_loop_alone(
    open_session, blocking, monkeypatch
):
    # A run that did not end in the time its stopped loop gives it (FINISH_S).
    monkeypatch.setattr(LoopThread, "_finish_tasks", lambda self: None)
    run, blocked = _block_then_lose_the_loop(open_session, blocking)
    assert not run.task.done()
    bystander = LoopThread(name="bystander")
    try:

        async def collect() -> None:
            # What the garbage collector does to it, in this (another session's) thread.
            run.task.get_coro().close()

        bystander.submit(collect()).result(10)
        assert bystander.submit(asyncio.sleep(0, "still running")).result(10) == "still running"
    finally:
        bystander.stop()
        # Nothing of this run is left for a later test's garbage collection to finalize
        # (which is the hazard itself): every coroutine still pending on the dead loop
        # is closed here, in a thread with no loop to run.
        for task in asyncio.all_tasks(blocked.loop):
            task._log_destroy_pending = False  # type: ignore[attr-defined]
            with contextlib.suppress(RuntimeError):  # its cleanup finds the loop closed
                task.get_coro().close()


def test_another_sessions_run_goes_on_when_the_collector_finds_a_lost_run_in_its_thread(
    blocking,
):
    """The symptom, end to end: the lost run is collected inside another session's run
    (by its node, at a moment of its choosing), which used to stop that session's loop
    for good: "run_started, status, checkpoint", then nothing."""
    gc.disable()  # the collector runs where this test says, not at some allocation
    try:
        lost = Session(blocking.graph, default_input={}, options=SessionOptions(cancel_grace_s=0.1))
        try:
            _lose_the_loop(lost, EventLog(lost), blocking)
        finally:
            lost.close()
        del lost  # nothing holds its run now but the garbage itself

        async def collect(state: dict) -> dict:
            gc.collect()
            return {"count": 1}

        builder = StateGraph(_Count)
        builder.add_node("collect", collect)
        builder.add_edge(START, "collect")
        builder.add_edge("collect", END)
        session = Session(builder.compile(), default_input={})
        try:
            log = EventLog(session)
            session.start().result(30)
            assert log.finish(timeout=30).status == "done"
        finally:
            session.close()
    finally:
        gc.enable()


class _Count(TypedDict, total=False):
    count: int


def test_work_given_to_a_closed_loop_is_refused_and_never_left_unawaited():
    engine = LoopThread()
    engine.stop()

    async def work() -> None:
        pass

    coro = work()
    with pytest.raises(RuntimeError):
        engine.submit(coro)
    assert coro.cr_frame is None  # closed: no "never awaited" from the collector later
