"""The TUI attached to a real LangGraph Server (``langgraph dev``, one for this
module), driven with Textual's Pilot: the same panes and keys as a local run."""

from __future__ import annotations

import pytest

from tests.app_helpers import wait_modal, wait_status, wait_until
from tests.helpers import SAMPLES
from tui.app.app import DebuggerApp
from tui.app.panes.graph import GraphPane
from tui.app.panes.status_bar import StatusBar
from tui.app.panes.tokens import TokenView
from tui.app.screens.interrupt import InterruptScreen
from tui.engine import graph_info
from tui.loading import load_graph

SIZE = (130, 40)


@pytest.fixture
def attached(langgraph_server):
    from tui.server.attach import AttachSpec, open_server_session

    opened = []

    def open_(graph: str):
        session = open_server_session(AttachSpec(url=langgraph_server, graph=graph))
        opened.append(session)
        return session

    yield open_
    for session in opened:
        session.close()


def root_nodes(app: DebuggerApp) -> list[str]:
    return [row.node for row in app.model.task_rows() if not row.ns]


async def test_the_subgraph_sample_attached_fills_the_panes_and_draws_the_servers_graph(attached):
    session = attached("research_subgraph")
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
    session = attached("human_review")
    app = DebuggerApp(session, first_input={"request": "the launch"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_modal(pilot, InterruptScreen)
        assert app.query_one(StatusBar).status == "interrupted"
        await pilot.press(*"approve")
        await pilot.press("enter")
        await wait_status(pilot, "done")
        assert app.model.values["approved"] is True
        assert root_nodes(app)[-1] == "publish"


async def test_cancel_pause_and_continue_keys_drive_the_server_run(attached):
    session = attached("paced_stream")
    app = DebuggerApp(session, first_input={"topic": "the sea"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.tokens_out > 0, what="tokens streaming")
        await pilot.press("x")
        await wait_status(pilot, "cancelled")
        assert app.query_one(StatusBar).status == "cancelled"
    session = attached("slow_steps")
    app = DebuggerApp(session, first_input={"visited": []})
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "one" in app.model.running_nodes(), what="node one")
        await pilot.press("p")
        await wait_status(pilot, "paused")
        assert app.model.values == {"visited": ["one"]}
        await pilot.press("c")
        await wait_status(pilot, "done")
        assert app.model.values == {"visited": ["one", "two", "three"]}
