"""Each key on a real sample graph, driven with Textual's Pilot."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, OptionList

from tests.app_helpers import put_cursor_on, wait_modal, wait_status, wait_until
from tui import providers
from tui.app.app import DebuggerApp
from tui.app.panes.events import EventsPane
from tui.app.panes.graph import GraphPane
from tui.app.panes.state import StatePane
from tui.app.panes.status_bar import StatusBar
from tui.app.panes.timeline import Timeline
from tui.app.panes.tokens import TokenView
from tui.app.screens.confirm import ConfirmScreen
from tui.app.screens.help import HelpScreen
from tui.app.screens.interrupt import InterruptScreen
from tui.app.screens.model_picker import ModelPickerScreen
from tui.app.screens.node_picker import NodePickerScreen
from tui.app.screens.run_input import RunInputScreen
from tui.app.screens.task_detail import TaskDetailScreen
from tui.engine.session import NO_INPUT
from tui.providers.switcher import ActiveModelSwitcher

SIZE = (120, 40)


def root_nodes(app: DebuggerApp) -> list[str]:
    return [row.node for row in app.model.task_rows() if not row.ns]


async def test_a_run_fills_every_pane(open_session):
    session, _ = open_session("react_agent")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        assert root_nodes(app) == ["agent", "tools", "agent", "tools", "agent"]
        tokens = app.query_one(TokenView).plain_text()
        assert "⚙ get_weather" in tokens and "Here is what I found" in tokens
        assert "↳ convert_temperature →" in tokens
        state = app.query_one(StatePane)
        assert state.shown is not None and state.shown.step == 5
        assert "update from tools" in app.query_one(EventsPane).plain_text()
        bar = app.query_one(StatusBar)
        assert bar.status == "done" and bar.tokens == app.model.tokens_out > 0


async def test_pause_then_continue_finishes_the_run(open_session):
    from tests.graphs import gated_steps

    gated_steps.GATE.clear()
    session, _ = open_session(gated_steps)
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "one" in app.model.running_nodes(), what="node one running")
        await pilot.press("p")
        await wait_status(pilot, "pausing")  # one is still running: it finishes first
        gated_steps.GATE.set()
        await wait_status(pilot, "paused")
        assert root_nodes(app) == ["one"]
        assert app.query_one(StatusBar).status == "paused"
        await pilot.press("c")
        await wait_status(pilot, "done")
        assert root_nodes(app) == ["one", "two", "three"]


async def test_next_runs_exactly_one_step_each_press(open_session):
    session, _ = open_session("slow_steps")
    app = DebuggerApp(session, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        assert app.model.status == "idle"
        for expected in (["one"], ["one", "two"]):
            await pilot.press("n")
            await wait_until(
                pilot, lambda e=expected: root_nodes(app) == e and app.model.status == "paused"
            )
        assert app.model.next == ["three"]
        await pilot.press("n")
        await wait_status(pilot, "done")
        assert root_nodes(app) == ["one", "two", "three"]


async def test_cancel_mid_stream_leaves_a_resumable_checkpoint(open_session):
    providers.set_active_model(providers.parse_model_spec("scripted:30"))
    session, _ = open_session("joke")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.tokens_out > 3, what="tokens streaming")
        await pilot.press("x")
        await wait_status(pilot, "cancelled")
        row = app.model.task_rows()[0]
        assert row.node == "call_model" and row.status == "cancelled"
        assert app.model.next == ["call_model"]  # the checkpoint before the cut node
        await pilot.press("c")
        await wait_status(pilot, "done", timeout=30)
        assert "ice cream" in app.model.values["joke"]


async def test_breakpoint_stops_before_the_node(open_session):
    session, _ = open_session("react_agent")
    app = DebuggerApp(session, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")  # nothing selected yet: a node picker opens
        await wait_modal(pilot, NodePickerScreen)
        await pilot.press("down", "enter")  # agent, tools -> tools
        await wait_until(
            pilot, lambda: session.interrupt_before == ["tools"], what="breakpoint set"
        )
        await pilot.press("c")
        await wait_status(pilot, "breakpoint")
        assert root_nodes(app) == ["agent"]
        assert app.model.next == ["tools"]
        timeline = app.query_one(Timeline)
        assert timeline.next_nodes == ["tools"] and "tools" in timeline.breakpoints
        # Clear it from the graph pane's selection, then continue to the end.
        graph = app.query_one(GraphPane)
        graph.focus()
        graph.highlighted = graph.get_option_index("tools")
        await pilot.press("b")
        assert session.interrupt_before == []
        await pilot.press("c")
        await wait_status(pilot, "done")


async def test_breakpoint_from_the_selected_timeline_row(open_session):
    session, _ = open_session("slow_steps")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        timeline = app.query_one(Timeline)
        timeline.focus()
        await pilot.press("home", "down")  # row "two"
        await pilot.press("b")
        assert session.interrupt_before == ["two"]
        await pilot.press("r")
        await wait_status(pilot, "breakpoint")
        assert root_nodes(app) == ["one"]


async def test_interrupt_modal_opens_by_itself_and_answers(open_session):
    session, _ = open_session("human_review")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_modal(pilot, InterruptScreen)
        assert app.query_one(StatusBar).status == "interrupted"
        await pilot.press(*"approve")
        await pilot.press("enter")
        await wait_status(pilot, "done")
        assert app.model.values["approved"] is True
        assert app.model.values["final"] == app.model.values["draft"]


async def test_interrupt_can_be_answered_later_with_json(open_session):
    session, _ = open_session("human_review")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_modal(pilot, InterruptScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, InterruptScreen)
        await pilot.press("i")
        await wait_modal(pilot, InterruptScreen)
        answer = json.dumps({"approved": False, "draft": "Shorter."})
        # A paste: typing it key by key tests the Input widget, not the debugger.
        app.screen.query_one("#answer-0", Input).insert_text_at_cursor(answer)
        await pilot.press("enter")
        await wait_status(pilot, "done")
        assert root_nodes(app)[-2:] == ["revise", "publish"]


async def test_selecting_a_timeline_row_moves_the_state_inspector(open_session):
    session, _ = open_session("slow_steps")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        state = app.query_one(StatePane)
        assert state.shown.values["visited"] == ["one", "two", "three"] and not state.pinned
        app.query_one(Timeline).focus()
        await pilot.press("home")
        await pilot.pause()
        assert state.shown.step == 1 and state.pinned
        assert state.shown.values["visited"] == ["one"]
        assert "pinned" in str(state.border_title)
        await pilot.press("down")
        await pilot.pause()
        assert state.shown.values["visited"] == ["one", "two"]
        await pilot.press("l")
        await pilot.pause()
        assert state.shown.values["visited"] == ["one", "two", "three"]


async def test_enter_on_a_row_shows_the_task_in_full(open_session):
    session, _ = open_session("flaky")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "failed")
        app.query_one(Timeline).focus()
        await pilot.press("end", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TaskDetailScreen))
        value = app.screen.query_one("#task-tree").value
        assert value["node"] == "fetch" and value["status"] == "error"
        assert "UpstreamUnavailable" in value["error"] and "Traceback" in value["traceback"]
        await pilot.press("escape")


async def test_a_failed_node_shows_its_error_and_the_app_stays_up(open_session):
    session, _ = open_session("flaky")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "failed")
        log = app.query_one(EventsPane).plain_text()
        assert "fetch failed: UpstreamUnavailable" in log
        assert "raise UpstreamUnavailable(f\"{state['url']} answered 503" in log
        await pilot.press("c")  # retry from the checkpoint
        await wait_status(pilot, "failed")
        assert root_nodes(app).count("fetch") == 1  # the resumed task replaces its row
        assert app.is_running


async def test_blocking_node_keeps_the_ui_responsive_and_cancel_works(open_session, blocking):
    session, _ = open_session(blocking, cancel_grace_s=0.5, block_warning_s=0.5)
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "stuck" in app.model.running_nodes(), what="stuck running")
        await pilot.press("p")
        await pilot.pause()
        assert app.query_one(StatusBar).status == "pausing"  # keys land while the node blocks
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.model.status == "pausing")
        await pilot.press("x")
        await wait_status(pilot, "cancelled")
        assert not blocking.LEFT.is_set()  # cancelled while the node still blocked
        assert any("blocked" in entry.title for entry in app.model.log)


async def test_quit_asks_first_while_a_run_is_going(open_session, monkeypatch):
    monkeypatch.setenv("LGTUI_TEST_STEP_DELAY", "0.5")
    session, _ = open_session("slow_steps")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.status == "running")
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running
        await wait_status(pilot, "done")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_follow_toggle_and_events_filter(open_session):
    session, _ = open_session("custom_progress")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        assert app.query_one(TokenView).follow
        await pilot.press("f")
        await pilot.pause()
        assert not app.query_one(TokenView).follow and not app.query_one(StatusBar).follow
        events = app.query_one(EventsPane)
        await pilot.press("e", "e")  # all -> update -> custom
        assert events.filter == "custom"
        text = events.plain_text()
        assert "indexed 120 of 120 documents" in text and "update from" not in text


async def test_copy_selected_state_value_as_json(open_session):
    session, _ = open_session("joke")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        tree = app.query_one(StatePane).value_tree
        tree.focus()
        put_cursor_on(tree, tree.root.children[0])
        await pilot.press("y")
        assert json.loads(app.clipboard) == "ice cream"


async def test_asks_for_input_when_the_graph_has_none(open_session):
    session, _ = open_session("only_one")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_modal(pilot, RunInputScreen)
        await pilot.press(*"{oops")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RunInputScreen)  # bad JSON: stays, says why
        await pilot.press(*("backspace",) * 5, *'{"n": 1}', "enter")
        await wait_status(pilot, "done")
        assert app.model.values == {"n": 1}


async def test_message_graphs_take_a_plain_message(open_session):
    session, _ = open_session("react_agent")
    session.default_input = NO_INPUT  # as if the graph came without a default input
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_modal(pilot, RunInputScreen)
        await pilot.press(*"Weather in Lima?", "enter")
        await wait_status(pilot, "done")
        assert "Lima" in app.model.values["messages"][-1]["content"]


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_every_pane_is_on_screen_at_small_and_wide_sizes(open_session, size):
    session, _ = open_session("research_subgraph")
    app = DebuggerApp(session)
    async with app.run_test(size=size) as pilot:
        await wait_status(pilot, "done")
        for selector in ("#timeline", "#tokens", "#state", "#events", "StatusBar", "#keys"):
            widget = app.query_one(selector)
            assert widget.region.width >= 20 and widget.region.height >= 1, selector
            assert widget.region.right <= size[0] and widget.region.bottom <= size[1], selector
        graph = app.query_one("#graph")
        assert graph.display == (size[0] >= 150)
        await pilot.press("g")
        await pilot.pause()
        assert graph.display == (size[0] < 150)


async def test_command_palette_offers_every_key(open_session):
    session, _ = open_session("joke")
    app = DebuggerApp(session, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for name in (
            "Pause (p)",
            "Continue (c)",
            "Next (n)",
            "Cancel (x)",
            "Break (b)",
            "Answer (i)",
            "Rerun (r)",
            "Follow (f)",
            "Help (?)",
        ):
            assert name in titles
        await pilot.pause()


async def test_keys_that_do_not_apply_are_hidden_from_the_footer(open_session):
    session, _ = open_session("human_review")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_modal(pilot, InterruptScreen)
        await pilot.press("escape")
        assert app.check_action("answer", ()) is True
        assert app.check_action("pause", ()) is False
        assert app.check_action("cancel", ()) is False


async def test_switch_model_from_the_palette_when_ollama_is_down(open_session, monkeypatch):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{port}")
    session, _ = open_session("joke", model_switcher=ActiveModelSwitcher())
    app = DebuggerApp(session, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Switch model" in titles
        await app.run_action("switch_model")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ModelPickerScreen) and app.screen.query(OptionList),
        )
        options = app.screen.query_one(OptionList)
        await wait_until(
            pilot,
            lambda: (
                "-problem"
                in [options.get_option_at_index(i).id for i in range(options.option_count)]
            ),
        )
        problem = options.get_option("-problem").prompt.plain
        assert (
            problem
            == f"Ollama is not running at http://127.0.0.1:{port}; start it with `ollama serve`"
        )
        options.highlighted = options.get_option_index("scripted")
        await pilot.press("enter")
        await pilot.pause()
        assert providers.active_model().label == "scripted:default"
        assert app.status_bar.model_label == "scripted:default"
        await pilot.press("c")
        await wait_status(pilot, "done")
        assert app.model.model_label == "scripted:default"


async def test_switch_model_is_not_offered_for_graphs_with_their_own_model(open_session):
    session, _ = open_session("slow_steps")
    app = DebuggerApp(session, autostart=False)
    async with app.run_test(size=SIZE):
        assert "Switch model" not in [c.title for c in app.get_system_commands(app.screen)]


async def test_the_footer_shows_the_keys_that_apply_and_repaints_only_when_they_change(
    open_session, monkeypatch
):
    from tui.app.panes.keys_bar import KeysBar

    session, _ = open_session("joke")
    app = DebuggerApp(session, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.query_one(KeysBar)
        assert "Continue" in [key.description for key in bar.keys]
        assert "c Continue" in bar.render().plain
        repaints = []
        monkeypatch.setattr(bar, "refresh", lambda *a, **k: repaints.append(1))
        for _ in range(5):
            app.refresh_bindings()
            await pilot.pause()
        assert repaints == []  # the same keys: nothing to draw
        monkeypatch.undo()
        await pilot.press("c")
        await wait_status(pilot, "done")
        await pilot.pause()
        shown = [key.description for key in bar.keys]
        assert "Message" in shown and "Continue" not in shown
        assert "Continue" not in bar.render().plain


async def test_a_click_on_a_footer_key_presses_it_and_hover_shows_its_tooltip(open_session):
    from tui.app.panes.keys_bar import KeysBar

    session, _ = open_session("joke")
    app = DebuggerApp(session, autostart=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.query_one(KeysBar)
        [span] = [span for span in bar._spans if span.shown.description == "Continue"]
        await pilot.hover(KeysBar, offset=(span.start + 1, 0))
        assert bar.tooltip == span.shown.tooltip
        await pilot.click(KeysBar, offset=(span.start, 0))
        await wait_status(pilot, "done")
