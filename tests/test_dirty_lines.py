"""The main screen's compositor sends the terminal what Textual's own would, while
asking fewer widgets for fewer lines (``tui/app/dirty_lines.py``).

Compared, not timed: for generated sets of changed regions on a real screen (bordered
panes, containers, scrollbars, the status bar), both compositors' updates must be the
same bytes; and a frame that adds one token must ask only the token pane for lines.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual._compositor import Compositor
from textual.geometry import Region
from textual.widget import Widget

from tests.app_helpers import wait_until
from tests.helpers import examples, streaming_run
from tui.app import frame_pacer
from tui.app.app import DebuggerApp
from tui.app.dirty_lines import DirtyLinesCompositor
from tui.app.frame_pacer import FRAME_S
from tui.app.replay import ReplaySource
from tui.engine.events import (
    Event,
    TaskFinished,
    TaskStarted,
)
from tui.engine.status import TaskStatus

SIZE = (100, 30)


def _run(tokens: int) -> list[Event]:
    """A finished task, and one still streaming its reply."""
    finished = [
        TaskStarted(step=1, node="plan", task_id="p"),
        TaskFinished(step=1, node="plan", task_id="p", status=TaskStatus.OK, duration_s=0.5),
    ]
    return streaming_run(tokens, step=2, before=finished)


REGIONS = st.builds(
    Region,
    st.integers(0, SIZE[0] - 1),
    st.integers(0, SIZE[1] - 1),
    st.integers(1, SIZE[0]),
    st.integers(1, SIZE[1]),
)


async def test_the_update_is_the_one_textual_would_send():
    events = _run(400)  # more lines than the token pane holds: its scrollbar shows
    app = DebuggerApp(ReplaySource(events, name="run.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.tokens_out == 400, what="the reply")
        await pilot.pause(FRAME_S)
        await pilot.pause()
        compositor = app.screen._compositor
        assert isinstance(compositor, DirtyLinesCompositor)
        widgets = list(compositor.visible_widgets)
        screen = Region(0, 0, *SIZE)

        @settings(max_examples=examples(60), deadline=None, suppress_health_check=list(HealthCheck))
        @given(
            st.lists(REGIONS, min_size=1, max_size=5),
            st.lists(st.integers(0, len(widgets) - 1), max_size=3),
        )
        def same_update(regions: list[Region], stale: list[int]) -> None:
            dirty = {region.intersection(screen) for region in regions}
            updates = []
            for render in (DirtyLinesCompositor.render_partial_update, _stock):
                for index in stale:  # lines drawn again, not taken from a cache
                    widgets[index]._styles_cache.clear()
                compositor._dirty_regions.update(dirty)
                update = render(compositor)
                assert update is not None
                updates.append(update.render_segments(app.console))
            assert updates[0] == updates[1]

        with app._context():
            same_update()


def _stock(compositor: Compositor) -> Any:
    return Compositor.render_partial_update(compositor)


async def test_a_token_asks_only_the_token_pane_for_lines(monkeypatch):
    events = _run(40)  # the reply fits the pane: a token changes its last line
    monkeypatch.setattr(frame_pacer, "CLOCK_S", 3600.0)  # no clock tick in this frame
    source = ReplaySource(events, name="stream.jsonl")
    source.player.position = len(events) - 1  # one token still to come
    app = DebuggerApp(source)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.tokens_out == 39, what="the first 39 tokens")
        await pilot.pause(FRAME_S)
        await pilot.pause()
        asked: list[str] = []
        original = Widget.render_lines

        def render_lines(widget: Widget, crop: Region) -> Any:
            asked.extend([widget.id or type(widget).__name__] * crop.height)
            return original(widget, crop)

        monkeypatch.setattr(Widget, "render_lines", render_lines)
        await pilot.press("full_stop")  # one event on: the last token
        await wait_until(pilot, lambda: "word39" in app.tokens.plain_text(), what="last token")
        await pilot.pause()
        # The line that changed (and the player's position in the status bar), not
        # the screen, the containers under the pane nor the panes beside it.
        assert set(asked) <= {"tokens", "status"}, asked
        assert 0 < asked.count("tokens") <= 2, asked
