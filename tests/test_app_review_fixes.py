"""What a person at the terminal found, and what it should be."""

from __future__ import annotations

from tests.app_helpers import put_cursor_on, wait_modal, wait_status, wait_until
from tui.app.app import DebuggerApp
from tui.app.panes.graph import GraphPane
from tui.app.panes.timeline import Timeline
from tui.app.screens.confirm import ConfirmScreen
from tui.app.screens.help import HelpScreen
from tui.app.screens.task_detail import TaskDetailScreen


async def test_every_way_to_quit_asks_while_a_run_is_going(open_session, monkeypatch):
    monkeypatch.setenv("LGTUI_TEST_STEP_DELAY", "0.5")
    session, _ = open_session("slow_steps")
    app = DebuggerApp(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.model.status == "running")
        await pilot.press("ctrl+q")
        await wait_modal(pilot, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ConfirmScreen)


async def test_status_bar_at_80_columns_keeps_status_figures_and_the_hint(open_session):
    session, _ = open_session("flaky")
    app = DebuggerApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_status(pilot, "failed")
        lines = app.status_bar.render().plain.splitlines()
        assert 2 <= len(lines) <= 4  # the hint wraps rather than losing its end
        assert "FAILED" in lines[0] and "0 tok" in lines[0] and "tok/s" in lines[0]
        assert all(len(line) <= 80 for line in lines)
        assert lines[1].strip().startswith("UpstreamUnavailable:")
        assert lines[-1].strip().endswith("Unavailable")
        assert app.status_bar.region.height == len(lines)  # laid out in full, not clipped
        assert app.status_bar.step == 2  # the failing row's step, as in the timeline


async def test_a_click_selects_a_row_and_a_double_click_opens_it(open_session):
    session, _ = open_session("slow_steps")
    app = DebuggerApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_status(pilot, "done")
        await pilot.click(Timeline, offset=(6, 2))  # the first row, under the header
        await pilot.pause()
        assert app.timeline.cursor == 0 and app.state_pane.pinned
        assert not isinstance(app.screen, TaskDetailScreen)
        await pilot.click(Timeline, offset=(6, 2), times=2)
        await wait_until(pilot, lambda: isinstance(app.screen, TaskDetailScreen))


async def test_narrow_graph_takes_the_right_column_instead_of_covering_it(open_session):
    session, _ = open_session("react_agent")
    app = DebuggerApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_status(pilot, "done")
        await pilot.press("g")
        await pilot.pause()
        graph = app.query_one(GraphPane)
        assert graph.display and not app.query_one("#right").display
        assert graph.region.right <= 80 and graph.region.x >= app.query_one("#left").region.right
        await pilot.press("g")
        await pilot.pause()
        assert not graph.display and app.query_one("#right").display


async def test_parallel_workers_are_told_apart_and_the_rate_counts_overlap(open_session):
    session, _ = open_session("map_reduce")
    app = DebuggerApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_status(pilot, "done")
        labels = [row.label for row in app.model.task_rows() if row.node == "write_joke"]
        assert labels == [
            "write_joke · penguins at work",
            "write_joke · penguins on holiday",
            "write_joke · penguins in space",
        ]
        spans = app.model.llm_spans
        busy = max(end for _, end in spans) - min(start for start, _ in spans)
        assert app.model.tokens_per_second(app.source.now()) >= app.model.tokens_out / busy * 0.99


async def test_subgraph_steps_are_numbered_within_their_parent_step(open_session):
    session, _ = open_session("research_subgraph")
    app = DebuggerApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_status(pilot, "done")
        steps = [(app.model.step_label(row), row.node) for row in app.model.task_rows()]
        assert steps == [
            ("1", "plan"),
            ("2", "research"),
            ("2.1", "search"),
            ("2.2", "summarize"),
            ("3", "write"),
        ]


async def test_graph_pane_marks_a_failed_node(open_session):
    session, _ = open_session("flaky")
    app = DebuggerApp(session)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_status(pilot, "failed")
        graph = app.query_one(GraphPane)
        line = graph.get_option("fetch").prompt.plain
        assert line.lstrip().startswith("✗ fetch")


async def test_help_scrolls_to_its_end_on_a_small_terminal(open_session):
    session, _ = open_session("joke")
    app = DebuggerApp(session, autostart=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await wait_modal(pilot, HelpScreen)
        scroller = app.screen.query_one("#help")
        assert scroller.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert scroller.scroll_y == scroller.max_scroll_y
        keys = " ".join(str(row) for row in app.screen.bindings)
        assert "copy_json" in keys and "live_state" in keys


async def test_enter_expands_a_tree_node(open_session):
    session, _ = open_session("react_agent")
    app = DebuggerApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_status(pilot, "done")
        tree = app.state_pane.value_tree
        tree.focus()
        put_cursor_on(tree, tree.root.children[0])
        await pilot.press("enter")
        await pilot.pause()
        assert tree.root.children[0].is_expanded and len(tree.root.children[0].children) == 7


async def test_a_rerun_renders_its_reply_in_full(open_session):
    session, _ = open_session("joke")
    app = DebuggerApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_status(pilot, "done")
        for _ in range(2):
            thread = app.model.thread_id
            await pilot.press("r")
            await wait_until(
                pilot, lambda t=thread: app.model.thread_id != t and app.model.status == "done"
            )
            await pilot.pause()
            width = app.tokens.text_width()
            (block,) = app.model.blocks
            shown = " ".join(s.text.strip() for s in app.tokens._block_lines(block, width))
            assert " ".join(block.text.split()) in " ".join(shown.split())
            assert len(app.tokens._rendered) == 1  # the earlier runs' renderings are gone


async def test_wide_timeline_shows_whole_send_labels_and_keeps_a_bar(open_session):
    session, _ = open_session("map_reduce")
    app = DebuggerApp(session)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_status(pilot, "done")
        lines = app.timeline.render_lines_for_test()
        assert "timeline" in lines[0]
        assert any("write_joke · penguins on holiday" in line for line in lines)
