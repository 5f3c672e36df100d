"""The status bar draws its lines as Textual would, for less (``StatusBar.render_line``).

Compared, not timed: on generated fields, the bar's own lines against Textual's
(``Widget.render_line`` through ``Content``): same cells, colours and offsets.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from textual.geometry import Region
from textual.widget import Widget

from tests.app_helpers import wait_until
from tests.helpers import streaming_run
from tests.hostile import HOSTILE_TEXTS, hostile_text
from tui.app.app import DebuggerApp
from tui.app.panes.status_bar import HINT_LINES, StatusBar, hint_lines
from tui.app.replay import ReplaySource
from tui.app.text.literal import one_line
from tui.engine.status import RunStatus

TEXTS = st.one_of(st.sampled_from(HOSTILE_TEXTS), hostile_text, st.text(max_size=60))
HUNT = {"max_examples": int(os.environ["SB_EXAMPLES"])} if "SB_EXAMPLES" in os.environ else {}
"""The profile's count of examples; more to hunt with: SB_EXAMPLES=3000."""


async def test_the_status_bar_draws_what_textual_would():
    app = DebuggerApp(ReplaySource(streaming_run(5), name="run.jsonl"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.model.tokens_out == 5, what="the reply")
        app._frames.pause()  # only the fields set below
        bar = app.status_bar

        @settings(deadline=None, suppress_health_check=list(HealthCheck), **HUNT)
        @given(
            graph=TEXTS,
            thread=TEXTS,
            detail=TEXTS,
            model=TEXTS,
            status=st.sampled_from(list(RunStatus)),
            tokens=st.integers(0, 10**7),
            rate=st.one_of(st.none(), st.floats(0, 1e5)),
            elapsed=st.floats(0, 1e5),
            follow=st.booleans(),
            player=st.one_of(st.sampled_from(["", "▶ 1x 3/5"]), TEXTS),
        )
        @example(  # a hint of wide characters: measured and wrapped in cells
            graph="g",
            thread="t",
            detail="東" * 30,
            model="m",
            status=RunStatus.FAILED,
            tokens=5,
            rate=None,
            elapsed=1.0,
            follow=True,
            player="",
        )
        def same_line(**fields: Any) -> None:
            bar.graph, bar.thread_id, bar.detail = (
                fields["graph"],
                fields["thread"],
                fields["detail"],
            )
            bar.model_label, bar.player = fields["model"], fields["player"]
            bar.status, bar.tokens, bar.rate = fields["status"], fields["tokens"], fields["rate"]
            bar.elapsed, bar.follow = fields["elapsed"], fields["follow"]
            for y in range(bar.size.height):
                ours = bar.render_line(y)
                bar._layout_cache.clear()  # Textual's way, from scratch
                bar._dirty_regions.add(Region(0, 0, *bar.size))
                textual = Widget.render_line(bar, y)
                assert ours.render(app.console) == textual.render(app.console), (y, fields)
                assert [s.style and s.style.meta for s in ours] == [
                    s.style and s.style.meta for s in textual
                ]

        with app._context():
            same_line()


@given(hint=hostile_text | st.text(alphabet="東京a ", max_size=300), width=st.integers(10, 120))
def test_a_hint_on_lines_of_its_own_fits_them_in_cells_and_keeps_every_word(hint, width):
    flat = one_line(hint, 2000)  # as the bar flattens a hint
    lines = hint_lines(flat, width, Console())
    assert 1 <= len(lines) <= HINT_LINES
    assert all(cell_len(line) <= width for line in lines), lines
    if not lines[-1].endswith("…"):  # it fits three lines: nothing is lost
        assert "".join(lines).replace(" ", "") == flat.replace(" ", "")


async def test_fields_shown_together_refresh_the_bar_once(monkeypatch):
    app = DebuggerApp(ReplaySource(streaming_run(5), name="run.jsonl"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.model.tokens_out == 5, what="the reply")
        app._frames.pause()  # only the fields shown below
        bar = app.status_bar
        refreshes: list[bool] = []
        original = StatusBar.refresh

        def counting(self: StatusBar, *regions: Any, **kwargs: Any) -> Any:
            refreshes.append(kwargs.get("layout", False))
            return original(self, *regions, **kwargs)

        monkeypatch.setattr(StatusBar, "refresh", counting)
        bar.show(tokens=123_456, rate=42.0, elapsed=61.5, graph=bar.graph)
        assert refreshes == [False]  # one repaint for three changes, no layout
        assert "123,456 tok" in bar.render().plain and "42 tok/s" in bar.render().plain
        bar.show(tokens=123_456, elapsed=61.5)
        assert refreshes == [False]  # nothing changed: nothing to paint
        bar.show(status=RunStatus.FAILED, detail="why it failed")
        assert refreshes == [False, True]  # the hint line may come: a layout
        await pilot.pause()
        assert "why it failed" in "".join(s.text for s in app.screen._compositor.render_strips())
