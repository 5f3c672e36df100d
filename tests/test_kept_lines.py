"""A pane's lines that only moved come back as drawn (``tui/app/kept_lines.py``).

Compared, not timed: on generated scroll positions and pane looks, the token pane's
lines and its scrollbar's rows are what Textual's own styles cache draws; and a scroll
by one line styles only the line that came into view.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

from tests.app_helpers import wait_until
from tests.helpers import streaming_run
from tui.app.app import DebuggerApp
from tui.app.frame_pacer import FRAME_S
from tui.app.kept_lines import KeptLinesStylesCache, KeptRowsScrollBar
from tui.app.panes.tokens import TokenView
from tui.app.replay import ReplaySource
from tui.engine.events import Token

SIZE = (100, 30)
TOKENS = 400  # more lines than the token pane holds: it scrolls, its scrollbar shows


def _looks(strips: list[Strip], app: DebuggerApp) -> list[tuple[str, list[Any]]]:
    """What a terminal gets of each line, and the mouse's offsets in it."""
    return [
        (strip.render(app.console), [s.style and s.style.meta for s in strip]) for strip in strips
    ]


async def _streamed() -> Any:
    app = DebuggerApp(ReplaySource(streaming_run(TOKENS), name="run.jsonl"))
    return app


LOOKS = st.tuples(
    st.integers(0, 60),  # a scroll position (clamped to the pane's)
    st.sampled_from(["round", "heavy", "none"]),
    st.sampled_from(["red", "#202020"]),
    st.sampled_from(["#000000", "#334455"]),
    st.booleans(),  # the mouse over the scrollbar
)


async def test_lines_are_the_ones_textual_draws(monkeypatch):
    app = await _streamed()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.tokens_out == TOKENS, what="the reply")
        await pilot.pause(FRAME_S)
        app._frames.pause()  # only what the examples set
        pane = app.tokens
        bar = pane.vertical_scrollbar
        assert isinstance(pane._styles_cache, KeptLinesStylesCache)
        assert isinstance(bar, KeptRowsScrollBar)

        def textual(widget: Widget) -> list[Strip]:
            """The widget's lines as Textual draws them, from scratch."""
            with monkeypatch.context() as patch:
                patch.setattr(KeptRowsScrollBar, "render_line", ScrollBar.render_line)
                widget._render_content() if widget is bar else None
                return StylesCache().render_widget(widget, Region(0, 0, *widget.region.size))

        @settings(deadline=None, suppress_health_check=list(HealthCheck))  # the profile's count
        @given(steps=st.lists(LOOKS, min_size=1, max_size=8))
        def same_lines(steps: list[tuple[int, str, str, str, bool]]) -> None:
            # Each draw after the first finds lines it kept, under an old look or a new.
            for y, border, color, background, hover in steps:
                pane.styles.border = (border, Color.parse(color))
                pane.styles.background = Color.parse(background)
                bar.mouse_over = hover
                pane.scroll_to(y=y, animate=False, immediate=True)
                for widget in (pane, bar):
                    region = Region(0, 0, *widget.region.size)  # a bar's, from the compositor
                    assert region.height > 1
                    assert _looks(widget.render_lines(region), app) == _looks(textual(widget), app)

        with app._context():
            same_lines()


async def test_a_scroll_styles_only_the_line_that_came_into_view(monkeypatch):
    app = await _streamed()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.tokens_out == TOKENS, what="the reply")
        await pilot.pause(FRAME_S)
        await pilot.pause()
        app._frames.pause()
        pane = app.tokens
        styled: list[int] = []
        original = StylesCache.render_line

        def counting(self: StylesCache, *args: Any) -> Strip:
            if self is pane._styles_cache:
                styled.append(args[1])  # the row
            return original(self, *args)

        monkeypatch.setattr(StylesCache, "render_line", counting)
        pane.scroll_to(y=pane.scroll_offset.y - 1, animate=False, immediate=True)
        await pilot.pause()
        await pilot.pause()
        # Every content line moved down one row and was painted again; only the one
        # that came into view at the top (row 1, under the border) was styled.
        assert styled == [1], styled


async def test_a_token_on_the_last_line_leaves_the_scrollbar_alone(monkeypatch):
    """A frame that adds to the reply's last line repaints the text there, not the
    column of the scrollbar beside it (which would draw the bar's rows again)."""
    app = await _streamed()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.tokens_out == TOKENS, what="the reply")
        await pilot.pause(FRAME_S)
        app._frames.pause()
        pane = app.tokens
        assert pane.show_vertical_scrollbar
        lines = pane._total
        refreshed: list[Region] = []
        original = TokenView.refresh

        def recording(self: TokenView, *regions: Region, **kwargs: Any) -> Any:
            refreshed.extend(regions)
            return original(self, *regions, **kwargs)

        monkeypatch.setattr(TokenView, "refresh", recording)
        app.model.apply([Token(node="agent", text="x", message_id="m1", task_id="a", step=1)])
        pane.sync()
        assert pane._total == lines  # no new line: nothing scrolled
        assert refreshed and all(r.right <= pane.text_width() for r in refreshed), refreshed
        await pilot.pause()
        assert "x" in pane.plain_text().split()[-1]
