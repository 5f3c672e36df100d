"""Every task ends, whatever construct ended it, and several interrupts are answered one
by one or together, each checked against the answer it expects."""

from __future__ import annotations

import json

import pytest

from tests.fakes.cli import run_cli_here
from tests.helpers import TEST_GRAPHS
from tui.app.view.run_view import RunView
from tui.engine.session import SessionError
from tui.engine.status import RunOutcome, TaskStatus

FUNCTIONAL = """
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task
from langgraph.types import interrupt

@task
async def write(topic: str) -> str:
    return f"essay on {topic}"

@task
def score(essay: str) -> int:
    return len(essay)

@task
def review(essay: str) -> str:
    return interrupt({"question": f"ok? {essay}"})

@entrypoint(checkpointer=InMemorySaver())
async def workflow(topic: str) -> dict:
    essay = await write(topic)
    points = await score(essay)
    verdict = await review(essay)
    return {"essay": essay, "score": points, "verdict": verdict}

graph = workflow
default_input = "cats"
"""


def _every_task_ends(events) -> None:
    started = {e.task_id for e in events if e.kind == "task_started"}
    finished = [e.task_id for e in events if e.kind == "task_finished"]
    assert started == set(finished), "a task started and never finished"


def test_a_handoff_to_the_parent_graph_ends_ok_and_says_where_it_went(open_session):
    session, log = open_session("handoff")
    session.start().result(30)
    assert log.finish().status == RunOutcome.DONE
    _every_task_ends(log.events)
    (handoff,) = [e for e in log.of("task_finished") if e.node == "transfer_to_bob"]
    assert handoff.status == TaskStatus.OK
    assert handoff.result["$command"]["goto"] == "bob"
    assert [e.node for e in log.of("task_started") if not e.ns] == ["alice", "bob"]
    view = RunView()
    view.apply(log.events)
    assert "transfer_to_bob → bob" in [row.label for row in view.task_rows()]


def test_functional_api_tasks_end_at_the_interrupt_and_when_replayed(tmp_path, open_session):
    path = tmp_path / "workflow.py"
    path.write_text(FUNCTIONAL)
    session, log = open_session(str(path))
    session.start().result(30)
    assert log.finish().status == RunOutcome.INTERRUPTED
    _every_task_ends(log.events)
    ended = {e.node: e.status for e in log.of("task_finished")}
    assert ended["review"] == TaskStatus.INTERRUPTED and ended["write"] == TaskStatus.OK
    mark = log.mark()
    session.answer("yes").result(30)
    assert log.finish(after=mark).status == RunOutcome.DONE
    _every_task_ends(log.events[mark:])
    assert log.events[-1].values == {"essay": "essay on cats", "score": 13, "verdict": "yes"}
    # Replayed from saved writes, the finished tasks keep their ✓ on screen.
    view = RunView()
    view.apply(log.events)
    assert all(row.status == TaskStatus.OK for row in view.task_rows())


def test_a_subgraph_with_its_own_checkpointer_is_numbered_under_its_parent(open_session):
    session, log = open_session("persistent_subgraph")
    for turn in (1, 2):
        mark = log.mark()
        session.start().result(30)
        assert log.finish(after=mark).values == {"seen": turn}
    view = RunView()
    view.apply(log.events[mark:])
    rows = view.task_rows()
    # The second run: its steps go on from the first's; the subgraph's rows sit under
    # call_notes and are numbered within its step (the subgraph counts its own steps).
    assert [(row.node, row.depth) for row in rows] == [
        ("first", 0),
        ("call_notes", 0),
        ("visit", 1),
        ("tidy", 1),
    ]
    parent = view.step_label(rows[1])
    assert all(view.step_label(row).startswith(f"{parent}.") for row in rows[2:])


def test_two_interrupts_are_shown_with_who_asked_and_what_they_expect(open_session):
    session, log = open_session("two_interrupts")
    session.start().result(30)
    assert log.finish().status == RunOutcome.INTERRUPTED
    (interrupted,) = log.of("interrupted")
    by_node = {i["node"]: i for i in interrupted.interrupts}
    assert set(by_node) == {"legal", "finance"}
    assert by_node["finance"]["response_schema"]["required"] == ["approved"]
    assert by_node["legal"]["response_schema"] is None
    assert {e.node: e.status for e in log.of("task_finished")} == {
        "legal": TaskStatus.INTERRUPTED,
        "finance": TaskStatus.INTERRUPTED,
    }


def test_two_interrupts_answered_differently_one_at_a_time(open_session):
    session, log = open_session("two_interrupts")
    session.start().result(30)
    log.finish()
    ids = {i["node"]: i["id"] for i in log.of("interrupted")[-1].interrupts}
    # An answer that does not fit finance's schema never reaches the graph.
    with pytest.raises(SessionError, match="does not fit: 'approved' is a required property"):
        session.answer({"ok": True}, ids["finance"]).result(30)
    mark = log.mark()
    session.answer("yes, with care", ids["legal"]).result(30)
    assert log.finish(after=mark).status == RunOutcome.INTERRUPTED  # finance still waits
    assert [i["node"] for i in log.of("interrupted")[-1].interrupts] == ["finance"]
    mark = log.mark()
    session.answer({"approved": False}, ids["finance"]).result(30)
    assert log.finish(after=mark).status == RunOutcome.DONE
    assert sorted(log.events[-1].values["answers"]) == [
        "decided",
        "finance: False",
        "legal: yes, with care",
    ]


def test_two_interrupts_answered_from_the_shell_with_a_map(tmp_path):
    db = f"sqlite:{tmp_path / 'i.db'}"
    args = ("run", str(TEST_GRAPHS / "two_interrupts.py"), "--headless", "--checkpointer", db)
    first = run_cli_here(*args, "--thread", "t")
    assert first.returncode == 3
    ids = {i["node"]: i["id"] for i in first.one("interrupted")["interrupts"]}
    refused = run_cli_here(*args, "--thread", "t", "--resume", json.dumps({ids["finance"]: 1}))
    assert refused.returncode == 2 and "does not fit" in refused.stderr
    answers = {ids["legal"]: "fine", ids["finance"]: {"approved": True}}
    done = run_cli_here(*args, "--thread", "t", "--resume", json.dumps(answers))
    assert done.returncode == 0, done.describe()
    assert sorted(done.events[-1]["values"]["answers"]) == [
        "decided",
        "finance: True",
        "legal: fine",
    ]


def test_the_same_answer_for_every_interrupt(open_session):
    session, log = open_session("two_interrupts")
    session.start().result(30)
    log.finish()
    mark = log.mark()
    session.answer({"approved": True}).result(30)  # one answer, for both
    assert log.finish(after=mark).status == RunOutcome.DONE
    assert "finance: True" in log.events[-1].values["answers"]


def test_a_blocked_loop_is_said_once_per_node(open_session):
    session, log = open_session("blocks_twice", block_warning_s=0.2)
    session.start().result(30)
    assert log.finish().status == "done"
    said = [e.text for e in log.events if e.kind == "notice" and "blocked" in e.text]
    assert [text.split(" has blocked")[0] for text in said] == ["first", "second"], said


def test_a_node_that_failed_on_its_answer_says_the_answer_sticks(open_session):
    session, log = open_session("strict_answer")
    session.start().result(30)
    assert log.finish().status == "interrupted"
    mark = log.mark()
    session.answer("approve").result(30)
    failed = log.finish(after=mark)
    assert failed.status == "failed"
    [ended] = [e for e in log.events[mark:] if e.kind == "run_failed"]
    hint = ended.hint
    assert hint.startswith('review failed on the answer "approve"; LangGraph keeps an answer')
    # A second answer would be ignored by LangGraph: refused, with the same reason.
    with pytest.raises(SessionError, match="failed on the answer"):
        session.answer({"decisions": [{"type": "approve"}]}).result(30)
    # Continuing is not "answer it first": it runs the node on its answer again.
    mark = log.mark()
    session.resume().result(30)
    assert log.finish(after=mark).status == "failed"


def test_a_node_asking_twice_is_answered_twice(open_session):
    session, log = open_session("tests.graphs.strict_answer:asks_twice")
    session.start().result(30)
    assert log.finish().status == "interrupted"
    for answer in ("Ann", "green"):
        mark = log.mark()
        session.answer(answer).result(30)
        final = log.finish(after=mark)
    assert final.status == "done" and final.values["answers"] == ["Ann", "green"]


def test_a_reopened_thread_whose_node_failed_on_its_answer_is_failed_not_waiting(tmp_path):
    db = f"sqlite:{tmp_path / 'a.db'}"
    args = ("run", str(TEST_GRAPHS / "strict_answer.py"), "--headless", "--checkpointer", db)
    assert run_cli_here(*args, "--thread", "t").returncode == 3
    bad = run_cli_here(*args, "--thread", "t", "--resume", "approve")
    assert bad.returncode == 1 and "failed on the answer" in bad.stderr
    again = run_cli_here(*args, "--thread", "t", "--resume", '{"decisions": [{"type": "ok"}]}')
    assert again.returncode == 2 and "failed on the answer" in again.stderr, again.describe()
