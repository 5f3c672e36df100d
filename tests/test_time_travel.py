"""Time travel in the engine and headless: history, replay, fork, threads.

The graph ``tests/graphs/travel.py`` counts how often each node runs, so a test can
say that a replay or a fork ran only the steps after its checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.cli import run_cli_here
from tests.graphs import travel
from tests.helpers import SAMPLES, examples
from tui.cli import main
from tui.engine.history import CheckpointSource, created_at
from tui.engine.session import SessionError

TRAVEL = Path(__file__).parent / "graphs" / "travel.py"


def _finished(session, log):
    session.start().result(30)
    log.finish()
    return session.history().result(30)


def _after(history, node):
    """The root checkpoint on the current branch that runs ``node`` next."""
    return next(e for e in history if e.on_branch and e.next == [node])


def test_history_lists_every_checkpoint_with_what_ran_and_what_is_next(open_session):
    session, log = open_session(travel)
    history = _finished(session, log)
    assert [(e.step, e.source) for e in history] == [
        (-1, CheckpointSource.INPUT),
        (0, CheckpointSource.LOOP),
        (1, CheckpointSource.LOOP),
        (2, CheckpointSource.LOOP),
        (3, CheckpointSource.LOOP),
    ]
    assert [e.ran for e in history[1:]] == [["__start__"], ["plan"], ["act"], ["report"]]
    assert [e.next for e in history] == [["__start__"], ["plan"], ["act"], ["report"], []]
    assert all(e.on_branch and not e.forked and e.created_at for e in history)
    assert history[0].created_at <= history[-1].created_at


def test_replay_runs_only_the_steps_after_the_checkpoint_as_a_new_branch(open_session):
    session, log = open_session(travel)
    travel.RUNS.clear()
    history = _finished(session, log)
    old_branch = [(e.checkpoint_id, e.step) for e in history]
    at_act = _after(history, "act")
    before = session.checkpoint_state(at_act.checkpoint_id).result(30)
    mark = len(log.events)
    session.replay_from(at_act.checkpoint_id).result(30)
    log.wait_kind("run_finished", after=mark)
    assert dict(travel.RUNS) == {"plan": 1, "act": 2, "report": 2}
    resumed = log.wait_kind("resumed", after=mark)
    assert resumed.how == "replay" and resumed.from_checkpoint == at_act.checkpoint_id
    after = session.history().result(30)
    # The old branch is all there, unchanged, and off the current branch now.
    by_id = {e.checkpoint_id: e for e in after}
    assert all(cid in by_id and by_id[cid].step == step for cid, step in old_branch)
    assert by_id[at_act.checkpoint_id].forked
    assert not by_id[old_branch[-1][0]].on_branch
    assert session.checkpoint_state(at_act.checkpoint_id).result(30) == before
    assert [e.source for e in after if e.on_branch][-3:] == [
        CheckpointSource.FORK,
        CheckpointSource.LOOP,
        CheckpointSource.LOOP,
    ]


def test_fork_runs_on_from_the_edited_state_and_keeps_the_original(open_session):
    session, log = open_session(travel)
    travel.RUNS.clear()
    history = _finished(session, log)
    original_end = session.values
    at_act = _after(history, "act")
    state = session.checkpoint_state(at_act.checkpoint_id).result(30)
    messages = state["values"]["messages"]
    messages[1]["content"] = "an edited plan"
    mark = len(log.events)
    session.fork(at_act.checkpoint_id, {"messages": messages, "n": 7}).result(30)
    final = log.wait_kind("run_finished", after=mark)
    assert dict(travel.RUNS) == {"plan": 1, "act": 2, "report": 2}
    # act ran on the edit: the edited message, and n = 7 (not 2) times ten.
    assert final.values["note"] == "acted on an edited plan"
    assert final.values["n"] == 70
    # The edit replaced the list (past add_messages): no duplicate, nothing lost.
    contents = [m["content"] for m in final.values["messages"]]
    assert contents == ["hi", "an edited plan", "done: acted on an edited plan"]
    forked = log.wait_kind("resumed", after=mark)
    assert forked.how == "fork" and forked.value["n"] == 7
    after = session.history().result(30)
    edit = next(e for e in after if e.source == CheckpointSource.UPDATE)
    assert edit.parent_id == at_act.checkpoint_id and edit.on_branch
    old_end = next(e for e in after if not e.on_branch and e.next == [])
    assert session.checkpoint_state(old_end.checkpoint_id).result(30)["values"] == original_end


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        ({"nope": 1}, "the state has no 'nope'"),
        ({"n": "seven"}, "n: Input should be a valid integer"),
        ({"messages": [{"type": "robot", "content": "x"}]}, "not a message type"),
        ({}, "changes nothing"),
        ([1, 2], "a JSON object"),
    ],
)
def test_an_edit_that_does_not_fit_is_refused_and_nothing_is_written(open_session, edit, reason):
    session, log = open_session(travel)
    history = _finished(session, log)
    at_act = _after(history, "act")
    with pytest.raises(SessionError, match=r"nothing written|JSON object") as refused:
        session.fork(at_act.checkpoint_id, edit).result(30)
    assert reason in str(refused.value)
    assert len(session.history().result(30)) == len(history)
    assert session.status == "done"


def test_a_checkpoint_the_thread_does_not_have_is_named_with_where_to_find_ids(open_session):
    session, log = open_session(travel)
    _finished(session, log)
    for attempt in (
        lambda: session.replay_from("abc"),
        lambda: session.fork("abc", {"n": 1}),
        lambda: session.checkpoint_state("abc"),
    ):
        with pytest.raises(SessionError, match="has no checkpoint 'abc'"):
            attempt().result(30)


def test_a_fork_that_does_not_run_stops_before_the_next_node(open_session):
    session, log = open_session(travel)
    history = _finished(session, log)
    at_act = _after(history, "act")
    session.fork(at_act.checkpoint_id, {"note": "fine"}, run=False).result(30)
    log.wait_kind("status", status="paused")
    tip = session.history().result(30)[-1]
    assert tip.source == CheckpointSource.UPDATE and tip.next == ["act"]


def test_fork_as_node_decides_what_runs_next(open_session):
    session, log = open_session(travel)
    travel.RUNS.clear()
    history = _finished(session, log)
    at_act = _after(history, "act")
    mark = len(log.events)
    session.fork(at_act.checkpoint_id, {"note": "skip"}, as_node="act").result(30)
    log.wait_kind("run_finished", after=mark)
    # Made as act, the edit is act's result: report runs next, act does not run again.
    assert dict(travel.RUNS) == {"plan": 1, "act": 1, "report": 2}
    with pytest.raises(SessionError, match="no node 'ghost'"):
        session.fork(at_act.checkpoint_id, {"note": "x"}, as_node="ghost").result(30)


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(note=st.text(max_size=40), log_items=st.lists(st.text(max_size=10), max_size=4))
def test_any_edit_is_either_refused_or_exactly_what_the_state_holds(open_session, note, log_items):
    """Generated edits of a text and of a list with a reducer: a fork is refused only
    when it changes nothing, and its checkpoint then holds exactly the edit."""
    session, log = open_session(travel)
    history = _finished(session, log)
    at_act = _after(history, "act")
    shown = session.checkpoint_state(at_act.checkpoint_id).result(30)["values"]
    edit = {"note": note, "log": log_items}
    try:
        session.fork(at_act.checkpoint_id, edit, run=False).result(30)
    except SessionError as exc:
        assert "changes nothing" in str(exc)
        assert all(shown.get(key) == value for key, value in edit.items())
        return
    tip = session.history().result(30)[-1]
    held = session.checkpoint_state(tip.checkpoint_id).result(30)["values"]
    for key, value in edit.items():
        if shown.get(key) != value:
            assert held[key] == value


def test_an_edit_keeps_untouched_objects_and_builds_new_messages_among_messages():
    from langchain_core.messages import AIMessage, HumanMessage

    from tui.engine.jsonify import Jsonifier
    from tui.engine.state_edit import EditRefused, changed_values

    secret = HumanMessage("key sk-abc", id="1")
    values = {"messages": [secret], "n": 1}
    shown = Jsonifier()(values)
    edited = {
        "messages": [*shown["messages"], {"type": "ai", "content": "new", "id": "2"}],
        "n": 1,
    }
    update = changed_values(values, shown, edited)
    assert list(update) == ["messages"]  # n did not change
    first, added = update["messages"]
    assert first is secret  # untouched: the very object, not rebuilt from its JSON
    assert isinstance(added, AIMessage) and added.content == "new"
    with pytest.raises(EditRefused, match="not a message type"):
        changed_values(values, shown, {"messages": [*shown["messages"], {"type": "robot"}]})
    # A field deleted from a message is gone from it, not kept behind the user's back.
    called = AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": "c1"}], id="3")
    shown = Jsonifier()({"messages": [called]})
    bare = {k: v for k, v in shown["messages"][0].items() if k != "tool_calls"}
    (message,) = changed_values({"messages": [called]}, shown, {"messages": [bare]})["messages"]
    assert message.tool_calls == [] and message.id == "3"


def test_created_at_reads_the_uuid6_time():
    assert created_at("1f1e5cac-3376-690d-bfff-d3473ba14a72").year == 2026
    assert created_at("not an id") is None
    assert created_at("b3bd41c7-ea48-4f6f-ae6b-63268ad63f29") is None  # a v4 id


# -- headless and the threads listing ---------------------------------------------------


def _main(capsys, *args):
    """A command run in this process (no LangGraph import to wait for)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _ran(open_session, spec, db, thread, **options):
    session, log = open_session(spec, checkpointer=db, thread_id=thread, **options)
    session.start().result(30)
    log.finish()
    return session, log


def test_headless_from_and_update_on_a_sqlite_thread(open_session, tmp_path, capsys):
    db = f"sqlite:{tmp_path / 'db.sqlite'}"
    session, log = _ran(open_session, travel, db, "t1")
    at_act = next(e.checkpoint_id for e in log.of("checkpoint") if e.next == ["act"])
    session.close()
    base = ["run", str(TRAVEL), "--headless", "--checkpointer", db, "--thread", "t1"]
    forked = run_cli_here(*base, "--from", at_act, "--update", '{"n": 5}', cwd=tmp_path)
    assert forked.returncode == 0, forked.describe()
    events = forked.events
    assert [e["node"] for e in events if e["kind"] == "task_started"] == ["act", "report"]
    assert events[-1]["values"]["n"] == 50
    refused = run_cli_here(*base, "--from", at_act, "--update", '{"nope": 5}', cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "langgraph-tui: error: edit refused, nothing written: the state has no 'nope': "
        "its keys are messages, log, n, note"
    ]
    code, out, _ = _main(capsys, "threads", "--checkpointer", db, "--thread", "t1", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["source"] for r in rows].count("update") == 1
    # Off the branch now: what the first run did after the fork point (2 checkpoints).
    assert sum(1 for r in rows if not r["on_branch"]) == 2
    assert next(r for r in rows if r["checkpoint_id"] == at_act)["forked"]
    assert [r["next"] for r in rows if r["on_branch"]][-3:] == [["act"], ["report"], []]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "x"], "--from needs --thread"),
        (["--update", "{}"], "give it with --from"),
        (["--thread", "t", "--from", "x", "--message", "hi"], "drop --input/--message"),
        (["--thread", "t", "--from", "x", "--as-node", "act"], "give the edit with --update"),
        (["--thread", "t", "--from", "x", "--update", "[1]"], "--update must be a JSON object"),
    ],
)
def test_time_travel_flags_misused_get_one_line_and_exit_2(capsys, args, says):
    code, _, err = _main(capsys, "run", str(TRAVEL), "--headless", *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and says in err


@pytest.mark.parametrize(
    ("spec", "how", "extra", "says"),
    [
        ("human_review", {}, [], "is waiting at an interrupt: answer it with --resume VALUE"),
        (
            "travel",
            {"interrupt_before": ["act"]},
            ["--input", '{"n": 1}'],
            "stopped before act: continue it by running without --input/--message",
        ),
        ("travel", {}, [], "has finished: send the next turn with --message or --input"),
    ],
)
def test_a_reopened_thread_that_the_run_does_not_fit_gets_one_line(
    open_session, tmp_path, spec, how, extra, says
):
    db = f"sqlite:{tmp_path / 'db.sqlite'}"
    session, _ = _ran(open_session, travel if spec == "travel" else spec, db, "t1", **how)
    session.close()
    graph = TRAVEL if spec == "travel" else SAMPLES / f"{spec}.py"
    result = run_cli_here(
        "run", str(graph), "--headless", "--checkpointer", db, "--thread", "t1", *extra
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"langgraph-tui: error: thread t1 {says}")


def test_threads_lists_status_next_and_the_pending_interrupt(open_session, tmp_path, capsys):
    db = f"sqlite:{tmp_path / 'db.sqlite'}"
    _ran(open_session, travel, db, "done-1")
    _ran(open_session, travel, db, "stop-1", interrupt_before=["act"])
    _ran(open_session, "human_review", db, "ask-1")
    code, out, _ = _main(capsys, "threads", "--checkpointer", db, "--json")
    rows = {r["thread_id"]: r for r in map(json.loads, out.splitlines())}
    assert code == 0 and list(rows) == ["ask-1", "stop-1", "done-1"]  # most recent first
    assert (rows["done-1"]["status"], rows["done-1"]["next"]) == ("done", [])
    assert (rows["stop-1"]["status"], rows["stop-1"]["next"]) == ("stopped", ["act"])
    assert rows["ask-1"]["status"] == "interrupted" and rows["ask-1"]["interrupt"]
    assert rows["done-1"]["graph"].endswith("travel") and rows["done-1"]["step"] == 3
    _, table, _ = _main(capsys, "threads", "--checkpointer", db)
    lines = table.splitlines()
    assert lines[0].split() == ["THREAD", "GRAPH", "STEP", "STATUS", "NEXT", "UPDATED", "INTERRUPT"]
    assert len(lines) == 4


def test_threads_on_a_missing_database_says_so(tmp_path, capsys):
    code, _, err = _main(capsys, "threads", "--checkpointer", f"sqlite:{tmp_path / 'none.db'}")
    assert code == 2 and "no checkpoint database at" in err
    assert not (tmp_path / "none.db").exists()


# -- the sample graphs and other state schemas -----------------------------------------


def test_subgraph_checkpoints_sit_under_the_step_they_ran_in(open_session):
    session, log = open_session("research_subgraph")
    history = _finished(session, log)
    assert [e.ns for e in history] == [()] * len(history)  # only root steps at the top
    host = next(e for e in history if e.inner)
    assert host.next == ["research"]
    assert [(i.ran, i.next) for i in host.inner] == [
        ([], ["__start__"]),
        (["__start__"], ["search"]),
        (["search"], ["summarize"]),
        (["summarize"], []),
    ]
    assert all(i.ns[0].startswith("research:") for i in host.inner)
    inner = host.inner[2]
    state = session.checkpoint_state(inner.checkpoint_id, inner.ns).result(30)
    assert len(state["values"]["sources"]) == 3 and "notes" not in state["values"]


def test_fork_the_react_sample_with_an_edited_tool_result(open_session):
    session, log = open_session("react_agent")
    history = _finished(session, log)
    before_answer = [e for e in history if e.next == ["agent"]][-1]
    state = session.checkpoint_state(before_answer.checkpoint_id).result(30)
    messages = state["values"]["messages"]
    assert messages[-1]["type"] == "tool"
    messages[-1]["content"] = "an edited tool result"
    agents = len([e for e in log.of("task_started") if e.node == "agent"])
    mark = len(log.events)
    session.fork(before_answer.checkpoint_id, {"messages": messages}).result(30)
    final = log.wait_kind("run_finished", after=mark)
    assert "an edited tool result" in final.values["messages"][-1]["content"]
    again = [e.node for e in log.events[mark:] if e.kind == "task_started"]
    assert again == ["agent"]  # only the step after the fork ran
    assert len([e for e in log.of("task_started") if e.node == "agent"]) == agents + 1


@pytest.mark.parametrize("schema", ["pydantic_state", "dataclass_state"])
def test_pydantic_and_dataclass_states_fork_and_refuse_what_their_types_refuse(
    open_session, schema
):
    import importlib

    session, log = open_session(importlib.import_module(f"tests.graphs.{schema}"))
    history = _finished(session, log)
    at_second = _after(history, "second")
    with pytest.raises(SessionError, match="count"):
        session.fork(at_second.checkpoint_id, {"count": "many"}).result(30)
    mark = len(log.events)
    session.fork(at_second.checkpoint_id, {"count": 4, "items": ["edited"]}).result(30)
    final = log.wait_kind("run_finished", after=mark)
    assert final.values == {"items": ["edited", "second saw 4"], "count": 40}


# -- found in review: each a class of its own -------------------------------------------


def test_a_fork_with_nothing_to_run_ends_its_action(open_session):
    """Headless waits for run_finished: a fork that runs nothing still sends one."""
    session, log = open_session(travel)
    history = _finished(session, log)
    mark = len(log.events)
    session.fork(history[-1].checkpoint_id, {"n": 99}).result(30)
    assert log.wait_kind("run_finished", after=mark).status == "done"
    mark = len(log.events)
    session.fork(_after(history, "act").checkpoint_id, {"n": 5}, run=False).result(30)
    assert log.wait_kind("run_finished", after=mark).status == "paused"


def _stored_messages(session, checkpoint_id):
    """What the checkpointer holds, unredacted (read on the engine's loop)."""
    config = {
        "configurable": {
            "thread_id": session.thread_id,
            "checkpoint_ns": "",
            "checkpoint_id": checkpoint_id,
        }
    }
    found = session._submit(session._saver.inner.aget_tuple(config)).result(30)
    return found.checkpoint["channel_values"]["messages"]


def test_two_quick_actions_start_one_run(open_session):
    session, log = open_session(travel)
    history = _finished(session, log)
    at_act = _after(history, "act").checkpoint_id
    first = session.fork(at_act, {"n": 5})
    second = session.replay_from(at_act)
    first.result(30)
    with pytest.raises(SessionError, match=r"another action is starting|a run is already going"):
        second.result(30)
    log.wait_kind("run_finished", after=len(log.events) - 1)
    assert sum(1 for e in session.history().result(30) if e.source == CheckpointSource.UPDATE) == 1


def test_a_secret_the_inspector_hides_is_never_written_back(open_session):
    from tests.graphs import secret_state

    session, log = open_session(secret_state)
    history = _finished(session, log)
    at_echo = _after(history, "echo").checkpoint_id
    shown = session.checkpoint_state(at_echo).result(30)["values"]
    assert "[redacted]" in shown["messages"][1]["content"]
    # Deleting the first message keeps the second (matched by id, secret and all).
    edited = {"messages": shown["messages"][1:]}
    session.fork(at_echo, edited, run=False).result(30)
    tip = session.history().result(30)[-1]
    shown_now = session.checkpoint_state(tip.checkpoint_id).result(30)["values"]["messages"]
    assert len(shown_now) == 1 and "[redacted]" in shown_now[0]["content"]  # shown redacted
    assert [m.content for m in _stored_messages(session, tip.checkpoint_id)] == [
        f"use {secret_state.SECRET} now"  # ... and kept whole
    ]
    # Typing over the placeholder would lose the secret: refused.
    changed = shown["messages"][1] | {"content": shown["messages"][1]["content"] + "!"}
    with pytest.raises(SessionError, match=r"it contains \[redacted\]"):
        session.fork(at_echo, {"messages": [shown["messages"][0], changed]}).result(30)


def test_a_thread_another_graph_ran_is_refused_and_not_listed(open_session, tmp_path):
    db = f"sqlite:{tmp_path / 'db.sqlite'}"
    _ran(open_session, travel, db, "travel-1")
    session, _ = open_session("human_review", checkpointer=db, thread_id="travel-1")
    with pytest.raises(SessionError, match=r"belongs to graph .*travel, not human_review"):
        session.open_thread().result(30)
    assert session.thread_ids().result(30) == []
    with pytest.raises(SessionError, match="is not a thread of human_review"):
        session.switch_thread("travel-1").result(30)


def test_threads_refuses_a_file_that_is_not_a_checkpoint_database(tmp_path, capsys):
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE foo (x)")
    before = other.read_bytes()
    code, _, err = _main(capsys, "threads", "--checkpointer", f"sqlite:{other}")
    assert code == 2 and "not a LangGraph checkpoint database" in err
    assert other.read_bytes() == before  # opened read-only: nothing created in it
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not sqlite at all" * 100)
    code, _, err = _main(capsys, "threads", "--checkpointer", f"sqlite:{garbage}")
    assert code == 2 and len(err.strip().splitlines()) == 1
