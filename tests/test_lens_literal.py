"""The lens shows data as data: markup and escapes in a prompt, a reply, a state diff
and a search hit appear as the characters they are."""

from __future__ import annotations

from rich.text import Text

from tests.app_helpers import settle, wait_modal, wait_status, wait_until
from tui.app.app import DebuggerApp
from tui.app.screens.llm_call import LlmCallScreen
from tui.app.screens.search import SearchScreen, hit_text
from tui.app.screens.step_diff import StepDiffScreen

NASTY_REPLY = "[bold red]boom[/] then a lone [/ and \\x1b[2J and [link=http://x]y[/link] end"


def _no_styles_from_data(text: Text) -> None:
    for span in text.spans:
        assert "link" not in str(span.style)


async def test_inspector_diff_and_search_show_markup_and_escapes_literally(open_session):
    session, _ = open_session("markup")
    app = DebuggerApp(session)
    async with app.run_test(size=(130, 36)) as pilot:
        await wait_status(pilot, "done")
        await settle(pilot)
        await pilot.press("v")
        await wait_modal(pilot, LlmCallScreen)
        assert NASTY_REPLY[:40] in app.screen.plain_text()  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        app.timeline.cursor = 0
        await pilot.press("d")
        await wait_modal(pilot, StepDiffScreen)
        diff = app.screen
        assert isinstance(diff, StepDiffScreen)
        await wait_until(pilot, lambda: diff.ready, what="the diff")
        shown = diff.plain_text()
        assert "[-[bold]not-]{+[link=http://x]y[/link]+}" in shown
        assert '+ reply added: "[bold red]boom[/] then a lone [/ and \\x1b[2J' in shown
        assert "\\x1b[2J" in shown and "\x1b" not in shown
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        await pilot.press("slash")
        await wait_modal(pilot, SearchScreen)
        await pilot.press(*"[link")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await wait_until(pilot, lambda: bool(screen.hits))
        assert {hit.kind for hit in screen.hits} >= {"tokens", "state", "llm call"}
        for hit in screen.hits:
            label = hit_text(hit)
            assert "\x1b" not in label.plain
            _no_styles_from_data(label)
