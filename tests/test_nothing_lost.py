"""Nothing is lost: a thread reopened after a kill, a breakpoint, a cancel or an
interrupt continues where it stopped; a cancelled blocked step is never half applied;
a checkpoint is announced only once saved; a broken output is said at once."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.app_helpers import wait_status
from tests.fakes.cli import cli_env, run_cli_here
from tests.helpers import ROOT, TEST_GRAPHS
from tui.app.app import DebuggerApp
from tui.engine.events import Checkpoint, Notice, RunFinished
from tui.engine.recording import JsonlWriter
from tui.engine.session import Session
from tui.engine.status import NoticeLevel, RunOutcome, RunStatus

SLOW = str(TEST_GRAPHS / "slow_steps.py")


def _root_nodes(events: list[dict]) -> list[str]:
    return [e["node"] for e in events if e["kind"] == "task_started" and not e["ns"]]


def test_a_thread_killed_mid_run_continues_where_it_stopped(tmp_path):
    graph = tmp_path / "steps.py"
    graph.write_text(
        "import asyncio, operator, os\n"
        "from typing import Annotated, TypedDict\n"
        "from langgraph.graph import StateGraph, START, END\n"
        "class S(TypedDict, total=False):\n"
        "    visited: Annotated[list[str], operator.add]\n"
        "def step(name):\n"
        "    async def run(state):\n"
        "        if name == 'two' and os.environ.get('HANG_IN_TWO'):\n"
        "            await asyncio.sleep(3600)\n"
        "        return {'visited': [name]}\n"
        "    return run\n"
        "b = StateGraph(S)\n"
        "for n in ('one', 'two', 'three'):\n"
        "    b.add_node(n, step(n))\n"
        "b.add_edge(START, 'one'); b.add_edge('one', 'two'); b.add_edge('two', 'three')\n"
        "b.add_edge('three', END)\n"
        "graph = b.compile()\n"
        "default_input = {'visited': []}\n"
    )
    db, out = tmp_path / "t.db", tmp_path / "first.jsonl"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "run",
            str(graph),
            "--headless",
            "--jsonl",
            str(out),
            "--checkpointer",
            f"sqlite:{db}",
            "--thread",
            "k1",
        ],
        cwd=ROOT,
        env=cli_env(HANG_IN_TWO="1"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with child:
        # Killed once step "one" is saved (a checkpoint event comes only after the
        # save) and "two" has started.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = out.read_text() if out.exists() else ""
            if '"next": ["two"]' in text and '"node": "two"' in text:
                break
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    first = [json.loads(line) for line in out.read_text().splitlines() if line.endswith("}")]
    assert _root_nodes(first) == ["one", "two"]
    again = run_cli_here(
        "run", str(graph), "--headless", "--checkpointer", f"sqlite:{db}", "--thread", "k1"
    )
    assert again.returncode == 0, again.describe()
    assert again.events[0]["kind"] == "resumed" and again.events[0]["next"] == ["two"]
    assert _root_nodes(again.events) == ["two", "three"]  # "one" is not run again
    assert again.events[-1]["values"]["visited"] == ["one", "two", "three"]


@pytest.mark.parametrize("how", ["breakpoint", "cancel"])
def test_a_stopped_thread_reopens_stopped_and_continues(tmp_path, how, open_session):
    db = f"sqlite:{tmp_path / 's.db'}"
    options = {"interrupt_before": ["two"]} if how == "breakpoint" else {}
    first, log = open_session(SLOW, checkpointer=db, thread_id="s1", **options)
    first.start().result(30)
    if how == "cancel":
        log.wait_kind("task_started", node="two")
        first.cancel()
    log.finish()
    first.close()
    # A new process would do the same: a new session on the same file and thread.
    second, log2 = open_session(SLOW, checkpointer=db, thread_id="s1")
    second.open_thread().result(30)
    log2.wait_kind("status", status=RunStatus.PAUSED)
    assert second.next == ["two"]
    # Starting it over with new input is refused; continuing picks up at "two".
    with pytest.raises(Exception, match="stopped before two"):
        second.start({"visited": []}).result(30)
    second.go().result(30)
    assert log2.finish().status == RunOutcome.DONE
    assert log2.events[-1].values["visited"] == ["one", "two", "three"]


async def test_a_reopened_thread_in_the_tui_waits_for_c(tmp_path, open_session):
    db = f"sqlite:{tmp_path / 'r.db'}"
    first, log = open_session(SLOW, checkpointer=db, thread_id="r1", interrupt_before=["three"])
    first.start().result(30)
    log.finish()
    first.close()
    session, _ = open_session(SLOW, checkpointer=db, thread_id="r1")
    session.open_thread().result(30)
    app = DebuggerApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_status(pilot, "paused")
        assert app.model.next == ["three"] and app.model.values["visited"] == ["one", "two"]
        await pilot.press("c")
        await wait_status(pilot, "done")
        assert [r.node for r in app.model.task_rows()] == ["three"]
        assert app.model.values["visited"] == ["one", "two", "three"]


async def test_a_pending_interrupt_is_shown_again_and_answered(tmp_path, open_session):
    from tui.app.screens.interrupt import InterruptScreen

    db = f"sqlite:{tmp_path / 'i.db'}"
    first, log = open_session("human_review", checkpointer=db, thread_id="i1")
    first.start().result(30)
    assert log.finish().status == RunOutcome.INTERRUPTED
    first.close()
    session, _ = open_session("human_review", checkpointer=db, thread_id="i1")
    session.open_thread().result(30)
    app = DebuggerApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_status(pilot, "interrupted")
        await pilot.pause(0.1)
        assert isinstance(app.screen, InterruptScreen)
        await pilot.press(*"approve", "enter")
        await wait_status(pilot, "done")
        assert app.model.values["approved"] is True


def test_no_second_input_on_top_of_unanswered_tool_calls(tmp_path):
    db = f"sqlite:{tmp_path / 'a.db'}"
    args = ("run", "sample_graphs/react_agent.py", "--headless", "--checkpointer", db)
    stopped = run_cli_here(*args, "--thread", "a1", "--break-before", "tools")
    assert stopped.returncode == 3
    again = run_cli_here(*args, "--thread", "a1", "--message", "And in Rome?")
    assert again.returncode == 2
    assert "thread a1 stopped before tools" in again.stderr
    assert not again.events or all(e["kind"] != "run_started" for e in again.events)


def test_a_finished_thread_is_not_restarted_from_the_default_input(tmp_path):
    db = f"sqlite:{tmp_path / 'f.db'}"
    args = ("run", "sample_graphs/joke.py", "--headless", "--checkpointer", db, "--thread", "f1")
    assert run_cli_here(*args).returncode == 0
    again = run_cli_here(*args)
    assert again.returncode == 2 and "thread f1 has finished" in again.stderr


def test_a_cancelled_blocked_step_is_not_half_applied(tmp_path, open_session, blocking):
    db = f"sqlite:{tmp_path / 'b.db'}"
    session, log = open_session(
        blocking, checkpointer=db, thread_id="b1", cancel_grace_s=0.3, block_warning_s=30
    )
    session.start().result(30)
    log.wait_kind("task_started", node="stuck")
    session.cancel()
    assert log.finish().status == RunOutcome.CANCELLED
    # The abandoned loop wakes up and tries to save the node's result: refused.
    blocking.RELEASE.set()
    assert blocking.LEFT.wait(10)
    time.sleep(0.2)  # give the woken loop the chance to write, if it could
    reopened, log2 = open_session(blocking, checkpointer=db, thread_id="b1")
    reopened.open_thread().result(30)
    log2.wait_kind("status")
    # The thread is where the last saved step left it (how far the background save
    # got before the loop blocked varies); never "finished", never half a step.
    assert reopened.next, "the thread lost its place"
    assert reopened.status == RunStatus.PAUSED
    reopened.go().result(30)
    assert log2.finish().status == RunOutcome.DONE
    assert log2.events[-1].values == {"done": True}
    assert any(e.node == "stuck" and e.status == "ok" for e in log2.of("task_finished"))
    started = {e.task_id for e in log2.of("task_started")}
    assert started == {e.task_id for e in log2.of("task_finished")}


def test_a_checkpoint_event_comes_after_its_checkpoint_is_saved(open_session):
    session, log = open_session("react_agent")
    unsaved: list[str] = []

    def check(event) -> None:
        if isinstance(event, Checkpoint) and not event.ns and event.checkpoint_id:
            config = {
                "configurable": {
                    "thread_id": session.thread_id,
                    "checkpoint_ns": "",
                    "checkpoint_id": event.checkpoint_id,
                }
            }
            if session._saver is None or session._saver.inner.get_tuple(config) is None:
                unsaved.append(event.checkpoint_id)

    session.add_listener(check)
    session.start().result(30)
    assert log.finish().status == RunOutcome.DONE
    assert len(log.of("checkpoint")) >= 5
    assert unsaved == []


def test_a_locked_database_fails_the_step_with_the_reason(tmp_path, open_session):
    db = tmp_path / "locked.db"
    session, log = open_session("slow_steps", checkpointer=f"sqlite:{db}", thread_id="l1")
    session.start().result(30)
    log.wait_kind("task_started", node="one")
    # Another process takes the database in the middle of the run.
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        final = log.finish(timeout=30)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert final.status == RunOutcome.FAILED
    (failed,) = log.of("run_failed")
    assert "locked" in failed.error
    assert failed.hint is not None and "checkpoint database is locked" in failed.hint
    assert str(db) in failed.hint


def test_a_full_disk_under_the_recording_is_said_at_once_and_the_run_goes_on():
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    result = run_cli_here("run", "sample_graphs/joke.py", "--headless", "--jsonl", "/dev/full")
    assert result.returncode == 0  # the run's outcome, not the recording's
    assert "writing events to /dev/full failed" in result.stderr
    assert "No space left on device" in result.stderr


async def test_a_full_disk_under_the_tui_recording_shows_on_screen(open_session):
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    session, _ = open_session("joke")
    recorder = JsonlWriter.to_path("/dev/full")
    session.add_listener(recorder)
    app = DebuggerApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_status(pilot, "done")
        errors = [e.title for e in app.model.log if e.kind == "error"]
        assert any("writing events to /dev/full failed" in t for t in errors), errors
        assert any("/dev/full" in n.message for n in app._notifications)
    recorder.close()


def test_stdout_closed_under_a_headless_run_is_not_ctrl_c():
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", "run", SLOW, "--headless"],
        cwd=ROOT,
        env=cli_env(LGTUI_TEST_STEP_DELAY="0.5"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.readline()  # the reader takes one line, then goes away (`| head -1`)
    child.stdout.close()
    code = child.wait(timeout=60)
    err = child.stderr.read().decode()
    child.stderr.close()
    assert code == 1, err
    assert "stdout was closed" in err


def test_the_exit_status_is_this_runs_even_when_another_process_moved_the_thread(
    tmp_path, open_session, monkeypatch
):
    db = f"sqlite:{tmp_path / 'two.db'}"
    ours, log = open_session(SLOW, checkpointer=db, thread_id="t2", interrupt_after=["one"])
    # Between our run's end and our look at the thread, another process runs the
    # same thread to the end (as if it had raced us there).
    original = Session._end

    async def racing_end(self: Session, graph, run, ending) -> None:
        other, _ = open_session(SLOW, checkpointer=db, thread_id="t2")
        other_events: list = []
        other.add_listener(other_events.append)
        await asyncio.wrap_future(other.go())
        while not any(isinstance(e, RunFinished) for e in other_events):
            await asyncio.sleep(0.02)
        other.close()
        await original(self, graph, run, ending)

    monkeypatch.setattr(Session, "_end", racing_end)
    ours.start().result(30)
    final = log.finish(timeout=30)
    monkeypatch.undo()
    assert final.status == RunOutcome.PAUSED  # ours stopped after "one"
    assert log.of("paused")[-1].next == ["two"]
    assert final.values == {"visited": ["one"]}


def test_no_notice_is_lost_when_the_recording_breaks(open_session):
    session, log = open_session("joke")
    seen: list = []

    class Full:
        closed = False

        def write(self, _):
            raise OSError(28, "No space left on device")

        def flush(self):
            pass

    session.add_listener(JsonlWriter(Full(), name="rec.jsonl"))
    session.add_listener(seen.append)
    session.start().result(30)
    assert log.finish().status == RunOutcome.DONE
    notices = [e for e in seen if isinstance(e, Notice) and e.level == NoticeLevel.ERROR]
    assert [n.text for n in notices] == [
        "writing events to rec.jsonl failed (No space left on device): 0 events were "
        "written, the rest are not"
    ]
