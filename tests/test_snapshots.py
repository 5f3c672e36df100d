"""Snapshots of the screens that matter, made deterministic by the testing kit's
``tui_app`` (``build_app``): the scripted model, a frozen clock for every time on
screen, and a fixed thread id.

Regenerate only when the screen changed on purpose (``pytest --snapshot-update``),
and look at the SVGs before accepting them.
"""

from __future__ import annotations

import pytest

from tests.app_helpers import settle, wait_status, wait_until
from tests.helpers import SAMPLES, TEST_GRAPHS
from tui.app.app import DebuggerApp
from tui.app.screens.interrupt import InterruptScreen
from tui.providers.scripted import ScriptedChatModel
from tui.testing import until


def _app(tui_app, graph: str, *, autostart: bool = True, **options) -> DebuggerApp:
    path = SAMPLES / f"{graph}.py"
    spec = str(path if path.exists() else TEST_GRAPHS / f"{graph}.py")
    # A model object, as in the screens pinned before the kit: the model shown is the
    # one the calls report, not a --model label.
    model = ScriptedChatModel(tokens_per_second=None)
    return tui_app(spec, model=model, thread_id="snapshot", autostart=autostart, **options)


def test_idle_before_a_run(snap_compare, tui_app):
    app = _app(tui_app, "joke", autostart=False)
    assert snap_compare(app, terminal_size=(120, 36))


def test_paused_mid_run_after_one_step(snap_compare, tui_app):
    app = _app(tui_app, "react_agent", autostart=False)

    async def run_before(pilot) -> None:
        await pilot.press("n")
        await wait_status(pilot, "paused")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_waiting_at_the_interrupt_modal(snap_compare, tui_app):
    app = _app(tui_app, "human_review")

    async def run_before(pilot) -> None:
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, InterruptScreen))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_failed_node_with_its_traceback(snap_compare, tui_app):
    app = _app(tui_app, "flaky")
    assert snap_compare(app, terminal_size=(120, 36), run_before=until("failed"))


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_subgraph_sample_finished(snap_compare, tui_app, size):
    app = _app(tui_app, "research_subgraph")
    assert snap_compare(app, terminal_size=size, run_before=until("done"))


def test_react_sample_finished_with_tool_calls_on_a_wide_screen(snap_compare, tui_app):
    app = _app(tui_app, "react_agent")
    assert snap_compare(app, terminal_size=(200, 50), run_before=until("done"))


def test_markup_and_escapes_are_shown_literally(snap_compare, tui_app):
    app = _app(tui_app, "markup")

    async def run_before(pilot) -> None:
        await wait_status(pilot, "done")
        tree = pilot.app.state_pane.value_tree
        for node in tree.root.children:
            node.expand()
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
