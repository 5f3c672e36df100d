"""Real graphs in the TUI (Pilot): the input given on the command line, the next turn
on the same thread, several interrupts answered apart, the store, the model the graph
really called, one block per call without streamed tools."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.app_helpers import settle, wait_modal, wait_status, wait_until
from tests.fakes.cli import isolate_client_env
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.scripts import tool_loop
from tests.helpers import TEST_GRAPHS
from tui import providers
from tui.app.app import DebuggerApp
from tui.app.panes.state import StatePane
from tui.app.screens.interrupt import InterruptScreen
from tui.app.screens.run_input import RunInputScreen
from tui.launcher import open_session as launch
from tui.run_spec import RunSpec

SIZE = (140, 40)


async def test_the_command_lines_input_and_message_start_the_first_run(open_session):
    session, _ = open_session("joke")
    app = DebuggerApp(session, first_input={"topic": "lighthouses"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        assert app.model.input == {"topic": "lighthouses"}
        assert "lighthouses" in app.model.values["joke"]
    session, _ = open_session("react_agent")
    message = {"messages": [{"role": "user", "content": "Weather in Oslo?"}]}
    app = DebuggerApp(session, first_input=message)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        assert "Oslo" in app.model.values["messages"][-1]["content"]


async def test_the_next_turn_goes_on_the_same_thread(open_session):
    session, _ = open_session("react_agent")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        thread = app.model.thread_id
        await pilot.press("m")
        await wait_modal(pilot, RunInputScreen)
        app.screen.query_one(Input).insert_text_at_cursor("And in Rome?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.model.status == "done" and app.model.input != {})
        await wait_status(pilot, "done")
        assert app.model.thread_id == thread
        humans = [m["content"] for m in app.model.values["messages"] if m["type"] == "human"]
        assert humans == ["What's the weather in Paris, and what time is it there?", "And in Rome?"]
        assert "Rome" in app.model.values["messages"][-1]["content"]


async def test_two_interrupts_are_answered_apart_in_the_modal(open_session):
    session, _ = open_session("two_interrupts")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "interrupted")
        await wait_modal(pilot, InterruptScreen)
        modal = app.screen
        nodes = [i["node"] for i in modal.interrupts]
        finance = nodes.index("finance")
        text = "\n".join(str(w.render()) for w in modal.query(".interrupt-text"))
        assert "legal" in text and "finance" in text and "expected answer" in text
        # Finance expects {"approved": bool}: a wrong answer is refused in the modal.
        box = modal.query_one(f"#answer-{finance}", Input)
        box.insert_text_at_cursor('{"ok": 1}')
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal
        error = str(modal.query_one(f"#answer-error-{finance}").render())
        assert "does not fit" in error and "approved" in error
        box.value = ""
        box.insert_text_at_cursor('{"approved": true}')
        await pilot.press("enter")  # legal's box is empty: legal keeps waiting
        await wait_until(
            pilot, lambda: app.model.status == "running" or len(app.model.interrupts) == 1
        )
        await wait_status(pilot, "interrupted")
        await wait_modal(pilot, InterruptScreen)
        assert [i["node"] for i in app.screen.interrupts] == ["legal"]
        app.screen.query_one("#answer-0", Input).insert_text_at_cursor("fine")
        await pilot.press("enter")
        await wait_status(pilot, "done")
        assert sorted(app.model.values["answers"]) == ["decided", "finance: True", "legal: fine"]


async def test_the_store_view_shows_what_the_run_wrote(tmp_path, monkeypatch):
    import shutil
    import sys
    from pathlib import Path

    project = tmp_path / "template_agent"
    shutil.copytree(Path(__file__).parent / "projects" / "template_agent", project)
    monkeypatch.chdir(project)
    for name in [m for m in sys.modules if m.startswith("memo_agent")]:
        monkeypatch.delitem(sys.modules, name)
    session, _ = launch(RunSpec(graph="langgraph.json"))
    message = {"messages": [{"role": "user", "content": "I like tea"}]}
    app = DebuggerApp(session, first_input=message)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_status(pilot, "done")
            await pilot.press("s")
            pane = app.query_one(StatePane)
            await wait_until(pilot, lambda: pane.showing_store and pane.value_tree.value)
            (path,) = pane.value_tree.value
            assert path.startswith("memories/default-user/")
            assert pane.value_tree.value[path] == {"text": "I like tea"}
            assert "Store · 1 item" in str(pane.border_title)
            labels = [str(node.label) for node in pane.value_tree.root.children]
            assert labels[0].startswith("● ")  # written by this run
            assert any("store put memories/default-user" in e.title for e in app.model.log)
            await pilot.press("s")
            assert not pane.showing_store
    finally:
        session.close()


async def test_the_status_bar_names_the_model_the_graph_really_called():
    # Even with a --model given, which this graph does not take: during the run and after.
    spec = RunSpec(
        graph=str(TEST_GRAPHS / "own_model.py"),
        model=providers.parse_model_spec("scripted:fast"),
        model_given=True,
    )
    session, _ = launch(spec)
    app = DebuggerApp(session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: app.model.model_label == "tea-model-7b")
            await wait_status(pilot, "done")
            await settle(pilot)
            assert app.status_bar.model_label == "tea-model-7b"
    finally:
        session.close()


@pytest.fixture
def _local_only(monkeypatch):
    isolate_client_env(monkeypatch)


async def test_without_streamed_tools_one_call_is_one_block_and_counts_its_usage(
    open_session, _local_only
):
    with FakeOpenAI(tool_loop()) as server:
        providers.set_active_model(
            providers.parse_model_spec(
                "openai:gpt-4o-mini", base_url=server.base_url, stream_tools=False
            )
        )
        session, _ = open_session("react_agent")
        app = DebuggerApp(session)
        async with app.run_test(size=SIZE) as pilot:
            await wait_status(pilot, "done")
            await settle(pilot)
            calls = server.chats()
            llm_blocks = [b for b in app.model.blocks if b.role == "ai"]
            assert len(llm_blocks) == len(calls)
            assert app.model.tokens_out == sum(c.usage[1] for c in calls)
