"""Snapshots of the screens that matter, made deterministic: the scripted model, a
frozen clock for every time on screen, and a fixed thread id.

Regenerate only when the screen changed on purpose (``pytest --snapshot-update``),
and look at the SVGs before accepting them.
"""

from __future__ import annotations

import pytest

from tests.app_helpers import settle, wait_status, wait_until
from tui.app.app import DebuggerApp
from tui.app.screens.interrupt import InterruptScreen


def _app(open_session, graph: str, *, autostart: bool = True, **options) -> DebuggerApp:
    session, _ = open_session(graph, frozen=True, thread_id="snapshot", **options)
    return DebuggerApp(session, autostart=autostart)


def _until_status(*statuses: str):
    async def run_before(pilot) -> None:
        await wait_status(pilot, *statuses)
        await settle(pilot)

    return run_before


def test_idle_before_a_run(snap_compare, open_session):
    app = _app(open_session, "joke", autostart=False)
    assert snap_compare(app, terminal_size=(120, 36))


def test_paused_mid_run_after_one_step(snap_compare, open_session):
    app = _app(open_session, "react_agent", autostart=False)

    async def run_before(pilot) -> None:
        await pilot.press("n")
        await wait_status(pilot, "paused")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_waiting_at_the_interrupt_modal(snap_compare, open_session):
    app = _app(open_session, "human_review")

    async def run_before(pilot) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, InterruptScreen))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_failed_node_with_its_traceback(snap_compare, open_session):
    app = _app(open_session, "flaky")
    assert snap_compare(app, terminal_size=(120, 36), run_before=_until_status("failed"))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_subgraph_sample_finished(snap_compare, open_session, size):
    app = _app(open_session, "research_subgraph")
    assert snap_compare(app, terminal_size=size, run_before=_until_status("done"))


def test_react_sample_finished_with_tool_calls_on_a_wide_screen(snap_compare, open_session):
    app = _app(open_session, "react_agent")
    assert snap_compare(app, terminal_size=(200, 50), run_before=_until_status("done"))


def test_markup_and_escapes_are_shown_literally(snap_compare, open_session):
    app = _app(open_session, "markup")

    async def run_before(pilot) -> None:
        await wait_status(pilot, "done")
        tree = pilot.app.state_pane.value_tree
        for node in tree.root.children:
            node.expand()
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_llm_call_inspector_on_the_react_samples_last_call(snap_compare, open_session):
    from tui.app.screens.llm_call import LlmCallScreen

    app = _app(open_session, "react_agent")

    async def run_before(pilot) -> None:
        await wait_status(pilot, "done")
        await settle(pilot)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LlmCallScreen))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_step_diff_of_a_step_that_edits_fields(snap_compare, open_session):
    from tui.app.screens.step_diff import StepDiffScreen

    app = _app(open_session, "edits")

    async def run_before(pilot) -> None:
        await wait_status(pilot, "done")
        await settle(pilot)
        pilot.app.timeline.focus()
        pilot.app.timeline.cursor = 1
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, StepDiffScreen))
        await wait_until(pilot, lambda: pilot.app.screen.ready)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
