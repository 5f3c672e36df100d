"""``langgraph-tui attach`` against a real LangGraph Server (``langgraph dev``, one for
the whole run, shared by the xdist workers: other tests' threads come and go on it
meanwhile): the same events, state and exit codes as a local ``run``, and
the TUI attached, driven with Textual's Pilot: the same panes and keys."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from tests.app_helpers import put_cursor_on, settle, wait_modal, wait_status, wait_until
from tests.fakes.cli import CliResult, run_cli_here
from tests.fakes.langgraph_server import free_port
from tests.helpers import SAMPLES, EventLog
from tui.app.app import DebuggerApp
from tui.app.panes.graph import GraphPane
from tui.app.panes.history import HistoryPane
from tui.app.panes.state import StatePane
from tui.app.panes.status_bar import StatusBar
from tui.app.panes.tokens import TokenView
from tui.app.screens.interrupt import InterruptScreen
from tui.engine import graph_info
from tui.engine.session import SessionError
from tui.engine.status import RunStatus
from tui.loading import load_graph

INPUTS = {
    "joke": '{"topic": "ice cream"}',
    "react_agent": '{"messages": [{"role": "user", "content": "Weather in Paris, and the time there?"}]}',
    "research_subgraph": '{"topic": "tide pools"}',
    "human_review": '{"request": "the launch"}',
}


def attach(url: str, *args: str) -> CliResult:
    return run_cli_here("attach", url, *args)


def local(sample: str, *args: str) -> CliResult:
    return run_cli_here("run", f"sample_graphs/{sample}.py", "--model", "scripted:fast", *args)


def node_order(result: CliResult) -> list[tuple[int, str]]:
    return [(len(e["ns"]), e["node"]) for e in result.of("task_started")]


def texts(result: CliResult) -> dict[tuple[int, str], list[str]]:
    """Each model reply's text, by (subgraph depth, node)."""
    replies: dict[tuple[int, str], dict[str, str]] = {}
    for e in result.tokens():
        by_message = replies.setdefault((len(e["ns"]), e["node"]), {})
        by_message[e["message_id"]] = by_message.get(e["message_id"], "") + e["text"]
    return {key: [t for t in found.values() if t] for key, found in replies.items()}


def without_ids(value):
    """Values with message ids dropped: each run (and server) makes its own."""
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k != "id"}
    return value


@pytest.mark.parametrize("sample", ["joke", "react_agent", "research_subgraph", "human_review"])
def test_attached_run_streams_what_a_local_run_streams(langgraph_server, sample):
    there = attach(langgraph_server, "--graph", sample, "--headless", "--input", INPUTS[sample])
    here = local(sample, "--headless", "--input", INPUTS[sample])
    assert there.returncode == here.returncode, there.describe()
    assert node_order(there) == node_order(here)
    assert texts(there) == texts(here)
    finished = [r.one("run_finished") for r in (there, here)]
    assert finished[0]["status"] == finished[1]["status"]
    assert without_ids(finished[0]["values"]) == without_ids(finished[1]["values"])
    checkpoints = [[c["step"] for c in r.of("checkpoint") if not c["ns"]] for r in (there, here)]
    assert checkpoints[0] == checkpoints[1]


def test_a_failing_graph_fails_attached_as_it_does_locally(langgraph_server):
    given = '{"url": "http://upstream.invalid/report"}'
    there = attach(langgraph_server, "--graph", "flaky", "--headless", "--input", given)
    here = local("flaky", "--headless", "--input", given)
    assert there.returncode == here.returncode == 1, there.describe()
    assert node_order(there) == node_order(here)
    failed = there.one("run_failed")
    assert failed["type"] == here.one("run_failed")["type"]
    assert "langgraph-tui: run failed:" in there.stderr
    looped = '{"messages": [{"role": "user", "content": "Weather in Paris?"}]}'
    there = attach(
        langgraph_server,
        "--graph",
        "react_agent",
        "--headless",
        "--input",
        looped,
        "--recursion-limit",
        "2",
    )
    here = local("react_agent", "--headless", "--input", looped, "--recursion-limit", "2")
    assert there.returncode == here.returncode == 1, there.describe()
    for key in ("type", "hint"):
        assert there.one("run_failed")[key] == here.one("run_failed")[key]


def test_an_interrupt_is_answered_on_the_server_thread(langgraph_server):
    asked = attach(
        langgraph_server, "--graph", "human_review", "--headless", "--input", INPUTS["human_review"]
    )
    assert asked.returncode == 3, asked.describe()
    thread = asked.one("run_started")["thread_id"]
    (interrupt,) = asked.one("interrupted")["interrupts"]
    assert interrupt["node"] == "review" and "Approve" in interrupt["value"]["question"]
    answered = attach(
        langgraph_server,
        "--graph",
        "human_review",
        "--headless",
        "--thread",
        thread,
        "--resume",
        "approve",
    )
    assert answered.returncode == 0, answered.describe()
    assert answered.one("resumed")["how"] == "answer"
    assert [n for _, n in node_order(answered)] == ["review", "publish"][
        : len(node_order(answered))
    ]
    assert (
        answered.one("run_finished")["values"]["draft"]
        == asked.one("run_finished")["values"]["draft"]
    )


def test_a_second_turn_runs_on_the_server_thread_as_on_a_local_thread(langgraph_server, tmp_path):
    first = INPUTS["react_agent"]
    there = attach(langgraph_server, "--graph", "react_agent", "--headless", "--input", first)
    thread = there.one("run_started")["thread_id"]
    there2 = attach(
        langgraph_server,
        "--graph",
        "react_agent",
        "--headless",
        "--thread",
        thread,
        "--message",
        "And in Oslo?",
    )
    db = f"sqlite:{tmp_path / 'chat.db'}"
    local("react_agent", "--headless", "--checkpointer", db, "--thread", "t1", "--input", first)
    here2 = local(
        "react_agent",
        "--headless",
        "--checkpointer",
        db,
        "--thread",
        "t1",
        "--message",
        "And in Oslo?",
    )
    assert there2.returncode == here2.returncode == 0, there2.describe()
    assert node_order(there2) == node_order(here2)
    assert texts(there2) == texts(here2)
    values = there2.one("run_finished")["values"]
    assert without_ids(values) == without_ids(here2.one("run_finished")["values"])
    assert len(values["messages"]) > len(there.one("run_finished")["values"]["messages"])


def test_a_breakpoint_stops_the_server_run_and_continue_goes_on(langgraph_server):
    stopped = attach(
        langgraph_server,
        "--graph",
        "react_agent",
        "--headless",
        "--input",
        INPUTS["react_agent"],
        "--break-before",
        "tools",
    )
    assert stopped.returncode == 3, stopped.describe()
    paused = stopped.one("paused")
    assert paused["reason"] == "breakpoint" and paused["next"] == ["tools"]
    assert [n for _, n in node_order(stopped)] == ["agent"]
    thread = stopped.one("run_started")["thread_id"]
    went_on = attach(langgraph_server, "--graph", "react_agent", "--headless", "--thread", thread)
    assert went_on.returncode == 0, went_on.describe()
    assert went_on.one("resumed")["how"] == "continue"
    assert node_order(went_on)[0] == (0, "tools")


def test_mistakes_get_one_line_and_exit_2(langgraph_server):
    wrong = attach(langgraph_server, "--graph", "jokes", "--headless")
    assert wrong.returncode == 2
    assert wrong.stderr.count("\n") == 1 and "no graph or assistant named 'jokes'" in wrong.stderr
    assert "joke" in wrong.stderr.split("choose one of")[1]
    thread = attach(langgraph_server, "--graph", "joke", "--headless", "--thread", "t1")
    assert thread.returncode == 2 and "UUID" in thread.stderr
    both = attach(
        langgraph_server,
        "--graph",
        "joke",
        "--headless",
        "--config",
        '{"configurable": {"a": 1}}',
        "--context",
        '{"a": 1}',
    )
    assert both.returncode == 2 and "one of them" in both.stderr
    node = attach(langgraph_server, "--graph", "joke", "--headless", "--break-before", "nope")
    assert node.returncode == 2 and "choose from call_model" in node.stderr
    down = attach(f"http://127.0.0.1:{free_port()}", "--graph", "joke", "--headless")
    assert down.returncode == 2 and down.stderr.count("\n") == 1
    assert "no LangGraph Server answers" in down.stderr and "langgraph dev" in down.stderr


def test_attach_without_graph_lists_the_servers_graphs(langgraph_server, capsys):
    from tui import cli

    assert cli.main(["attach", langgraph_server]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["GRAPH", "ASSISTANT", "ASSISTANT", "ID"]
    graphs = {line.split()[0] for line in lines[1:-1]}
    assert {"joke", "react_agent", "research_subgraph", "human_review"} <= graphs


@pytest.fixture
def attached(langgraph_server):
    """Open a session attached to a graph on this module's server; closed after. (Its
    EventLog drains the session only when a test waits on it: an app test leaves it.)"""
    from tui.server.attach import AttachSpec, open_server_session

    opened = []

    def open_(graph: str, **spec):
        session = open_server_session(AttachSpec(url=langgraph_server, graph=graph, **spec))
        opened.append(session)
        return session, EventLog(session)

    yield open_
    for session in opened:
        session.close()


def run_statuses(url: str, thread_id: str) -> list[str]:
    """What the server says of each run on the thread (``interrupted``: cancelled)."""
    import asyncio

    from tui.server.connection import make_client

    async def statuses() -> list[str]:
        client = make_client(url, None, 10.0)
        try:
            return [run["status"] for run in await client.runs.list(thread_id)]
        finally:
            await client.aclose()

    return asyncio.run(statuses())


def test_cancel_mid_stream_cancels_the_server_run(attached, langgraph_server):
    session, log = attached("paced_stream")
    session.start({"topic": "the sea"}).result(10)
    log.wait_kind("token")
    session.cancel()
    assert log.finish().status == "cancelled"
    (chatter,) = log.of("task_finished")
    assert chatter.node == "chatter" and chatter.status == "cancelled"
    assert log.of("cancelled")[0].next == ["chatter"]
    assert run_statuses(langgraph_server, session.thread_id) == ["interrupted"]
    # The server agrees: nothing runs on the thread any more, and it can go on.
    session.resume().result(10)
    log.wait_kind("token", after=log.mark())
    session.cancel()
    assert log.finish(after=log.mark()).status == "cancelled"
    assert run_statuses(langgraph_server, session.thread_id) == ["interrupted", "interrupted"]


def test_pause_stops_at_the_next_step_boundary_and_step_runs_one_superstep(attached):
    session, log = attached("slow_steps")
    session.start({"visited": []}).result(10)
    log.wait_kind("task_started", node="one")
    session.pause()
    assert session.status == "pausing"
    finished = log.finish()
    assert finished.status == "paused" and finished.values == {"visited": ["one"]}
    paused = log.of("paused")[-1]
    assert paused.reason == "pause" and paused.next == ["two"]
    mark = log.mark()
    session.step_once().result(10)
    finished = log.finish(after=mark)
    assert finished.status == "paused" and finished.values == {"visited": ["one", "two"]}
    assert log.of("paused")[-1].reason == "step"
    mark = log.mark()
    session.resume().result(10)
    assert log.finish(after=mark).values == {"visited": ["one", "two", "three"]}
    assert session.status == "done"


def test_a_breakpoint_set_mid_run_applies_from_the_next_run(attached):
    session, log = attached("slow_steps")
    session.start({"visited": []}).result(10)
    log.wait_kind("task_started", node="one")
    assert session.toggle_breakpoint("three") is True
    notice = log.wait_kind("notice")
    assert "applies from the next run" in notice.text
    assert log.finish().status == "done"  # the server kept the run's own breakpoints
    mark = log.mark()
    session.rerun().result(10)
    finished = log.finish(after=mark)
    assert finished.status == "paused" and finished.values == {"visited": ["one", "two"]}
    assert log.of("paused")[-1].reason == "breakpoint" and log.of("paused")[-1].next == ["three"]


class _Refusing(BaseHTTPRequestHandler):
    """A deployment that refuses every request, quoting the key it was given."""

    status = 401
    keys: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        key = self.headers.get("x-api-key") or ""
        self.keys.append(key)
        body = json.dumps({"detail": f"invalid api key {key}"}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_gets_one_line_with_the_fix_and_is_never_shown(monkeypatch, status):
    monkeypatch.setattr(_Refusing, "status", status)
    monkeypatch.setattr(_Refusing, "keys", [])
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    key = "lsv2_pt_0123456789abcdef0123"
    try:
        given = attach(url, "--graph", "joke", "--headless", "--api-key", key)
        monkeypatch.setenv("LANGSMITH_API_KEY", key + "env")
        from_env = attach(url)
    finally:
        server.shutdown()
        server.server_close()
    for result in (given, from_env):
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1
        assert f"HTTP {status}" in result.stderr and "--api-key" in result.stderr
        assert key not in result.stderr + result.stdout
    assert _Refusing.keys == [key, key + "env"]


def test_the_api_key_is_never_recorded(langgraph_server, tmp_path):
    key = "lsv2_pt_0123456789abcdef0123"
    out = tmp_path / "run.jsonl"
    ran = attach(
        langgraph_server,
        "--graph",
        "joke",
        "--headless",
        "--api-key",
        key,
        "--input",
        json.dumps({"topic": key}),
        "--jsonl",
        str(out),
    )
    assert ran.returncode == 0, ran.describe()
    recorded = out.read_text()
    assert key not in recorded and "[redacted]" in recorded


def test_the_store_view_lists_the_servers_store(attached, langgraph_server):
    import asyncio

    from tui.server.connection import make_client

    async def put() -> None:
        client = make_client(langgraph_server, None, 10.0)
        await client.store.put_item(["memories", "ann"], "likes", {"drink": "tea"})
        await client.aclose()

    asyncio.run(put())
    session, _ = attached("joke")
    items = session.store_items().result(10)
    assert {"namespace": ["memories", "ann"], "key": "likes", "value": {"drink": "tea"}} in [
        {k: item[k] for k in ("namespace", "key", "value")} for item in items
    ]


# -- the TUI attached ------------------------------------------------------------------

SIZE = (130, 40)


def root_nodes(app: DebuggerApp) -> list[str]:
    return [row.node for row in app.model.task_rows() if not row.ns]


async def test_the_subgraph_sample_attached_fills_the_panes_and_draws_the_servers_graph(
    attached,
):
    session, _ = attached("research_subgraph")
    app = DebuggerApp(session, first_input={"topic": "tide pools"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        assert root_nodes(app) == ["plan", "research", "write"]
        assert [row.node for row in app.model.task_rows() if row.ns] == ["search", "summarize"]
        assert "tide pools" in app.query_one(TokenView).plain_text()
        bar = app.query_one(StatusBar)
        assert bar.status == "done" and bar.tokens == app.model.tokens_out > 0
        assert bar.thread_id == session.thread_id
        pane = app.query_one(GraphPane)
        assert pane.subgraphs() == {"research"}
    # The server's drawing is the one LangGraph makes of the same graph here.
    local = load_graph(str(SAMPLES / "research_subgraph.py")).source.graph
    for xray in (False, True):
        here = graph_info.graph_structure(local, xray)
        there = session.graph_structure(xray)
        assert {n["id"] for n in there["nodes"]} == {n["id"] for n in here["nodes"]}
        assert {(e["source"], e["target"]) for e in there["edges"]} == {
            (e["source"], e["target"]) for e in here["edges"]
        }


async def test_an_interrupt_on_the_server_is_answered_in_the_dialog(attached):
    session, _ = attached("human_review")
    app = DebuggerApp(session, first_input={"request": "the launch"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_modal(pilot, InterruptScreen)
        assert app.query_one(StatusBar).status == "interrupted"
        await pilot.press(*"approve")
        await pilot.press("enter")
        await wait_status(pilot, "done")
        assert app.model.values["approved"] is True
        assert root_nodes(app)[-1] == "publish"


async def test_the_cancel_key_cancels_the_server_run(attached):
    session, _ = attached("paced_stream")
    app = DebuggerApp(session, first_input={"topic": "the sea"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.tokens_out > 0, what="tokens streaming")
        await pilot.press("x")
        await wait_status(pilot, "cancelled")
        assert app.query_one(StatusBar).status == "cancelled"


# -- time travel on the server ---------------------------------------------------------


def finished_run(attached, graph: str, given: dict):
    """A session attached to ``graph`` whose run on a new server thread finished."""
    session, log = attached(graph)
    session.start(given).result(10)
    assert log.finish().status == "done"
    return session, log


def at_step(entries, step: int):
    (found,) = [e for e in entries if e.on_branch and e.step == step]
    return found


def test_history_of_a_server_thread_lists_its_checkpoints_and_replay_reruns_only_later_steps(
    attached,
):
    session, log = finished_run(attached, "research_subgraph", {"topic": "tide pools"})
    entries = session.history().result(10)
    assert [(e.step, e.source.value, e.next) for e in entries] == [
        (-1, "input", ["__start__"]),
        (0, "loop", ["plan"]),
        (1, "loop", ["research"]),
        (2, "loop", ["write"]),
        (3, "loop", []),
    ]
    assert [e.ran for e in entries[1:]] == [["__start__"], ["plan"], ["research"], ["write"]]
    assert entries[-1].checkpoint_id == log.of("checkpoint")[-1].checkpoint_id
    assert all(e.created_at is not None for e in entries)
    shown = session.checkpoint_state(at_step(entries, 1).checkpoint_id).result(10)
    assert shown["values"] == {"topic": "tide pools"} and shown["next"] == ["research"]

    mark = log.mark()
    session.replay_from(at_step(entries, 1).checkpoint_id).result(10)
    assert log.finish(after=mark).status == "done"
    resumed = log.wait_kind("resumed", after=mark)
    assert resumed.how == "replay" and resumed.from_checkpoint == at_step(entries, 1).checkpoint_id
    ran = [e.node for e in log.events[mark:] if e.kind == "task_started" and not e.ns]
    assert ran == ["research", "write"]  # plan is not run again
    again = session.history().result(10)
    # The new branch, as LangGraph makes one locally: a copy of the checkpoint, then
    # the steps after it.
    assert [e.source.value for e in again if e.on_branch][-3:] == ["fork", "loop", "loop"]
    assert len(again) == len(entries) + 3
    assert at_step(again, 1).forked and at_step(again, 1).checkpoint_id == resumed.from_checkpoint
    assert [e.checkpoint_id for e in again if not e.on_branch] == [
        e.checkpoint_id for e in entries[-2:]
    ]  # the old branch is kept


def test_a_fork_on_the_server_runs_on_from_the_edit_and_a_bad_edit_writes_nothing(attached):
    session, log = finished_run(attached, "research_subgraph", {"topic": "tide pools"})
    entries = session.history().result(10)
    before_write = at_step(entries, 2).checkpoint_id
    threads = session.thread_ids().result(10)
    assert session.thread_id in threads
    # What finds a scratch copy finds this thread, whose copy it would be.
    assert holding(session.url, [session.thread_id], before_write) == [session.thread_id]

    for bad, why in (
        ({"nope": "x"}, "the state has no 'nope': its keys are topic, notes, report"),
        ({"notes": at_step_values(session, before_write)["notes"]}, "the edit changes nothing"),
    ):
        with pytest.raises(SessionError, match="edit refused, nothing written: " + why):
            session.fork(before_write, bad).result(10)
    with pytest.raises(SessionError, match="no node 'nobody' to make the edit as"):
        session.fork(before_write, {"notes": "x"}, as_node="nobody").result(10)
    url = session.url
    refused = attach(
        url,
        "--graph",
        "research_subgraph",
        "--headless",
        "--thread",
        session.thread_id,
        "--from",
        before_write,
        "--update",
        '{"nope": 1}',
    )
    assert refused.returncode == 2, refused.describe()
    assert refused.stderr.strip().splitlines() == [
        "langgraph-tui: error: edit refused, nothing written: the state has no 'nope': its "
        "keys are topic, notes, report"
    ]
    assert len(session.history().result(10)) == len(entries)
    # Meanwhile another worker's test starts a thread of the same graph on the server.
    with another_thread(session.url, "research_subgraph") as elsewhere:
        assert elsewhere in session.thread_ids().result(10)
        assert no_copies_of(session, before_write, besides=threads)  # nothing was copied either

    mark = log.mark()
    session.fork(before_write, {"notes": "ONLY THIS NOTE"}).result(10)
    finished = log.finish(after=mark)
    assert finished.status == "done"
    resumed = log.wait_kind("resumed", after=mark)
    assert resumed.how == "fork" and resumed.value == {"notes": "ONLY THIS NOTE"}
    assert [e.node for e in log.events[mark:] if e.kind == "task_started"] == ["write"]
    assert finished.values["notes"] == "ONLY THIS NOTE"
    assert no_copies_of(session, before_write, besides=threads)  # its scratch copy is gone
    after = session.history().result(10)
    edit = [e for e in after if e.source.value == "update"]
    assert len(edit) == 1 and edit[0].parent_id == before_write and edit[0].on_branch
    assert at_step(entries, 3).checkpoint_id in {e.checkpoint_id for e in after if not e.on_branch}

    # One action that may start a run at a time: a second one at once is refused.
    mark = log.mark()
    first = session.replay_from(before_write)
    with pytest.raises(SessionError, match="another action is starting a run"):
        session.fork(before_write, {"notes": "x"}).result(10)
    first.result(10)
    assert log.finish(after=mark).status == "done"
    assert len(log.of("run_started")) == 1 and len(log.of("resumed")) == 2

    other = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(SessionError, match=f"thread {other} is not a thread of research_subgraph"):
        session.switch_thread(other).result(10)
    mine, mark = session.thread_id, log.mark()
    session.switch_thread(mine).result(10)
    reopened = log.wait_kind("status", after=mark, status=RunStatus.DONE)
    assert session.thread_id == mine and reopened.detail.endswith(": it finished")


def holding(url: str, thread_ids: list[str], checkpoint_id: str) -> list[str]:
    """Those of ``thread_ids`` that hold ``checkpoint_id``: its own thread, and the
    copies of it (``threads.copy`` keeps the checkpoint ids), as an edit's scratch is."""
    import asyncio

    from tui.server.connection import make_client

    async def search() -> list[str]:
        client = make_client(url, None, 10.0)
        try:
            found = []
            for thread_id in thread_ids:
                history = await client.threads.get_history(thread_id, limit=100)
                if any(state["checkpoint"]["checkpoint_id"] == checkpoint_id for state in history):
                    found.append(thread_id)
            return found
        finally:
            await client.aclose()

    return asyncio.run(search())


@contextlib.contextmanager
def another_thread(url: str, graph: str) -> Iterator[str]:
    """A thread of ``graph`` started on the server by someone else (deleted after)."""
    import asyncio

    from tui.server.connection import make_client

    async def call(method: str, *args, **kwargs):
        client = make_client(url, None, 10.0)
        try:
            return await getattr(client.threads, method)(*args, **kwargs)
        finally:
            await client.aclose()

    thread_id = str(asyncio.run(call("create", metadata={"graph_id": graph}))["thread_id"])
    try:
        yield thread_id
    finally:
        asyncio.run(call("delete", thread_id))


def no_copies_of(session, checkpoint_id: str, *, besides: list[str]) -> bool:
    """No thread of the graph but those listed ``besides`` holds ``checkpoint_id`` (a
    copy of the session's thread, as an edit's scratch thread is). The server is shared
    with the tests other workers run meanwhile: their new threads are not copies."""
    new = [t for t in session.thread_ids().result(10) if t not in besides]
    return holding(session.url, new, checkpoint_id) == []


def at_step_values(session, checkpoint_id: str) -> dict:
    return session.checkpoint_state(checkpoint_id).result(10)["values"]


async def test_h_shows_the_server_threads_history(attached):
    session, _ = attached("research_subgraph")
    app = DebuggerApp(session, first_input={"topic": "tide pools"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await pilot.press("h")
        pane = app.query_one(HistoryPane)
        await wait_until(pilot, lambda: len(pane.entries) == 5, what="the history listed")
        await settle(pilot)
        assert [e.step for e in pane.entries] == [-1, 0, 1, 2, 3]
        labels = [str(node.label) for node in pane.root.children]
        assert "plan → research" in labels[2], labels
        put_cursor_on(pane, pane.root.children[2])
        state = app.query_one(StatePane)
        await wait_until(
            pilot,
            lambda: state.shown is not None and state.shown.step == 1,
            what="the inspector on the highlighted checkpoint",
        )
        assert state.shown.values == {"topic": "tide pools"}
