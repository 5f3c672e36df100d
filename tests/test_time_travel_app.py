"""Time travel in the TUI, driven with Pilot: the history view, running on from a
checkpoint (o), editing and forking (E), older steps read back when looked at, another
thread, and a SQLite thread reopened with its history and its pending interrupt."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Label, TextArea

from tests.app_helpers import put_cursor_on, settle, wait_modal, wait_status, wait_until
from tests.fakes.cli import run_cli_here
from tests.graphs import travel
from tui.app.app import DebuggerApp
from tui.app.panes.history import HistoryPane
from tui.app.panes.state import StatePane
from tui.app.panes.timeline import Timeline
from tui.app.screens.interrupt import InterruptScreen
from tui.app.screens.state_edit import StateEditScreen
from tui.app.screens.thread_picker import ThreadPickerScreen
from tui.engine.history import CheckpointSource
from tui.engine.status import RunStatus

SIZE = (130, 40)


async def _history_at(pilot, app: DebuggerApp, next_node: str) -> None:
    """Show the history and put its cursor on the checkpoint that runs ``next_node``."""
    if not app.showing_history:
        await pilot.press("h")
    pane = app.query_one(HistoryPane)
    await wait_until(pilot, lambda: len(pane.entries) >= 5, what="the history listed")
    await settle(pilot)
    index = next(i for i, e in enumerate(pane.entries) if e.on_branch and e.next == [next_node])
    put_cursor_on(pane, pane.root.children[index])
    state = app.query_one(StatePane)
    wanted = pane.entries[index].checkpoint_id
    await wait_until(
        pilot,
        lambda: state.shown is not None and state.shown.checkpoint_id == wanted,
        what="the inspector on the highlighted checkpoint",
    )


async def test_history_lists_checkpoints_and_shows_the_highlighted_state(open_session):
    session, _ = open_session(travel)
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await _history_at(pilot, app, "act")
        pane = app.query_one(HistoryPane)
        assert pane.display and not app.query_one(Timeline).display
        assert [e.source for e in pane.entries][:2] == [
            CheckpointSource.INPUT,
            CheckpointSource.LOOP,
        ]
        state = app.query_one(StatePane)
        assert state.pinned and state.shown is not None and state.shown.step == 1
        assert state.shown.values["n"] == 2 and "note" not in state.shown.values
        labels = [str(node.label) for node in pane.root.children]
        assert "plan → act" in labels[2]
        await pilot.press("h")
        assert app.query_one(Timeline).display and not pane.display


async def test_run_on_replays_from_the_inspected_checkpoint(open_session):
    session, _ = open_session(travel)
    travel.RUNS.clear()
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await _history_at(pilot, app, "act")
        await pilot.press("o")
        await wait_until(pilot, lambda: travel.RUNS["report"] == 2, what="report run again")
        await wait_status(pilot, "done")
        assert dict(travel.RUNS) == {"plan": 1, "act": 2, "report": 2}
        pane = app.query_one(HistoryPane)
        await wait_until(pilot, lambda: any(e.forked for e in pane.entries), what="a branch")
        assert sum(1 for e in pane.entries if not e.on_branch) == 2
        assert "⑂" in str(pane.border_title)


async def test_edit_and_fork_runs_on_from_the_edit(open_session):
    session, _ = open_session(travel)
    travel.RUNS.clear()
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await _history_at(pilot, app, "act")
        app.query_one(HistoryPane).focus()
        await pilot.press("E")
        await wait_modal(pilot, StateEditScreen)
        editor = app.screen.query_one(TextArea)
        state = json.loads(editor.text)
        state["messages"][1]["content"] = "an edited plan"
        editor.load_text(json.dumps(state))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, StateEditScreen))
        await wait_until(pilot, lambda: travel.RUNS["report"] == 2, what="report run again")
        await wait_status(pilot, "done")
        assert dict(travel.RUNS) == {"plan": 1, "act": 2, "report": 2}
        assert app.model.values["note"] == "acted on an edited plan"
        assert "forked at step 1 with an edit" in app.events_pane.plain_text()


async def test_an_edit_the_state_refuses_stays_in_the_dialog_and_writes_nothing(open_session):
    session, _ = open_session(travel)
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await _history_at(pilot, app, "act")
        before = len(app.query_one(HistoryPane).entries)
        await pilot.press("E")
        await wait_modal(pilot, StateEditScreen)
        editor = app.screen.query_one(TextArea)
        editor.load_text('{"nope": 1}')
        await pilot.press("ctrl+s")
        error = app.screen.query_one("#edit-error", Label)
        await wait_until(pilot, lambda: "nothing written" in str(error.render()))
        assert "the state has no 'nope'" in str(error.render())
        editor.load_text("{not json")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "not valid JSON" in str(error.render()))
        assert isinstance(app.screen, StateEditScreen)
        await pilot.press("escape")
        assert len(session.history().result(30)) == before
        assert app.model.status == "done"


async def test_edit_one_value_selected_in_the_inspector(open_session):
    session, _ = open_session(travel)
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await _history_at(pilot, app, "act")
        tree = app.query_one(StatePane).value_tree
        tree.focus()
        index = next(i for i, node in enumerate(tree.root.children) if node.data.path == ("n",))
        put_cursor_on(tree, tree.root.children[index])
        await pilot.pause()
        await pilot.press("E")
        await wait_modal(pilot, StateEditScreen)
        editor = app.screen.query_one(TextArea)
        assert editor.text == "2"
        editor.load_text("5")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, StateEditScreen))
        await wait_until(pilot, lambda: app.model.values and app.model.values.get("n") == 50)


async def test_older_steps_are_not_held_and_are_read_back_when_looked_at(open_session):
    session, _ = open_session(travel)
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await settle(pilot)
        held = [info for info in app.model.checkpoints.values() if info.values is not None]
        assert len(held) == 2  # the latest and its parent
        timeline = app.query_one(Timeline)
        timeline.focus()
        row = next(i for i, r in enumerate(app.model.task_rows()) if r.node == "plan")
        timeline.cursor = row
        state = app.query_one(StatePane)
        await wait_until(
            pilot,
            lambda: state.shown is not None and state.shown.step == 1,
            what="step 1 read back",
        )
        assert state.shown.values["n"] == 2 and state.pinned


async def test_switch_thread_from_the_palette(open_session):
    session, _ = open_session(travel)
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        first = session.thread_id
        await pilot.press("r")  # again, on a new thread
        await wait_until(pilot, lambda: session.thread_id != first)
        await wait_status(pilot, "done")
        assert "Switch thread" in [c.title for c in app.get_system_commands(app.screen)]
        await app.run_action("switch_thread")
        await wait_modal(pilot, ThreadPickerScreen)
        assert app.screen.thread_ids == [session.thread_id, first]
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: session.thread_id == first)
        await wait_status(pilot, "done")
        assert app.status_bar.thread_id == first
        assert app.model.values is not None and app.model.values["n"] == 20


async def test_a_sqlite_thread_reopens_with_its_history_and_pending_interrupt(
    open_session, tmp_path
):
    db = f"sqlite:{tmp_path / 'threads.db'}"
    sample = Path(__file__).parent.parent / "sample_graphs" / "human_review.py"
    # A headless run (the CLI's main, with a session and a connection of its own, both
    # closed when it returns) runs the thread to its interrupt.
    ran = run_cli_here("run", str(sample), "--headless", "--checkpointer", db, "--thread", "ask-1")
    assert ran.returncode == 3, ran.describe()  # stopped at the interrupt
    session, _ = open_session("human_review", checkpointer=db, thread_id="ask-1")
    session.open_thread().result(30)
    # Reopened from the file, not run again by the app.
    assert session.status is RunStatus.INTERRUPTED
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_modal(pilot, InterruptScreen)  # asked again, ready to answer
        await pilot.press("escape")
        assert app.model.status == "interrupted"
        await pilot.press("h")
        pane = app.query_one(HistoryPane)
        await wait_until(pilot, lambda: len(pane.entries) >= 2, what="the reopened history")
        assert pane.entries[-1].next and pane.entries[0].source == CheckpointSource.INPUT
        assert all(e.ran is not None for e in pane.entries[1:])


async def test_an_older_task_shows_its_input_read_back(open_session):
    from tui.app.screens.task_detail import TaskDetailScreen

    session, _ = open_session(travel)
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await settle(pilot)
        plan = next(r for r in app.model.task_rows() if r.node == "plan")
        assert plan.input_dropped and plan.input is None  # step 1 of 3: not held
        timeline = app.query_one(Timeline)
        timeline.focus()
        timeline.cursor = app.model.task_rows().index(plan)
        await pilot.press("enter")
        await wait_modal(pilot, TaskDetailScreen)
        # The state before step 1: what plan was given.
        assert [m["content"] for m in app.screen.input["messages"]] == ["hi"]
        assert app.screen.input["n"] == 1 and "note" not in app.screen.input
