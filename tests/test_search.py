"""`/` search over tokens, events, state and LLM calls; `]`/`[` walk the hits, and
each hit selects what holds it."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from tests.app_helpers import settle, wait_modal, wait_status, wait_until
from tui.app.app import DebuggerApp
from tui.app.screens.llm_call import CallTree, LlmCallScreen
from tui.app.screens.search import SearchScreen
from tui.app.view.run_view import RunView
from tui.app.view.search import HitKind, search, snippet

SIZE = (130, 24)  # an events pane too short for every entry


def _react_view(open_session) -> RunView:
    session, log = open_session("react_agent")
    session.start().result(timeout=30)
    log.finish()
    view = RunView()
    view.apply(log.events)
    return view


def test_hits_in_every_part_once_where_they_first_appeared(open_session):
    view = _react_view(open_session)
    hits = search(view, "WINDY")  # case does not matter
    kinds = [h.kind for h in hits]
    assert set(kinds) == set(HitKind)
    # The tool result sits in every later state and prompt: it is reported once per
    # place, in the states the view holds (the latest two; the step that wrote it is
    # its update among the events) and in the first call that sent it.
    state = [(h.checkpoint.step, h.where) for h in hits if h.kind == HitKind.STATE]
    assert state == [(4, "messages[2].content"), (5, "messages[6].content")]
    events = [h.where for h in hits if h.kind == HitKind.EVENTS]
    assert events == ["update from tools", "update from agent"]
    calls = [h.where for h in hits if h.kind == HitKind.LLM_CALL]
    assert calls == ["call 2 · agent · messages[3].content", "call 3 · agent · reply.content"]
    assert all("windy" in h.snippet.lower() for h in hits)
    assert search(view, "no such text anywhere") == []
    assert search(view, "") == []


_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80)


@given(
    _TEXT,
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=8),
    _TEXT,
)
def test_a_snippet_holds_the_match_as_written(before, needle, after):
    text = before + needle + after
    pattern = re.compile(re.escape(needle), re.IGNORECASE)
    found = snippet(text, pattern)
    assert found is not None and pattern.search(found)
    assert len(found) <= 2 * 30 + len(needle) + 2
    assert snippet(before, re.compile(re.escape(needle + "\x00"), re.IGNORECASE)) is None


async def test_search_goes_to_each_hit_in_its_pane(open_session):
    session, _ = open_session("react_agent")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await settle(pilot)
        await pilot.press("slash")
        await wait_modal(pilot, SearchScreen)
        await pilot.press(*"windy", "enter")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        result = app.search_result
        assert result is not None and [h.kind for h in result.hits][:1] == [HitKind.TOKENS]
        # tokens: the tool result's block at the top of the pane, following off
        tokens = app.tokens
        assert not tokens.follow
        top = tokens.block_at(int(tokens.scroll_offset.y))
        assert top is result.hits[0].block and top.role == "tool"
        assert app.timeline.selected_row is not None
        # events: ] twice to the tools update, scrolled into the events pane
        pane = app.events_pane

        def visible() -> list[str]:
            top = int(pane.scroll_offset.y)
            return [s.text for s in pane.lines[top : top + pane.scrollable_content_region.height]]

        assert not any("Paris: windy" in line for line in visible())  # scrolled past it
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert result.hits[result.index].kind == HitKind.EVENTS
        await pilot.pause()
        shown = visible()
        at = next(i for i, line in enumerate(shown) if "update from tools" in line)
        assert "Paris: windy" in shown[at + 1]
        # state: the step where it appeared, pinned, the value under the cursor
        await pilot.press("right_square_bracket", "right_square_bracket")
        hit = result.hits[result.index]
        assert hit.kind == HitKind.STATE
        tree = app.state_pane.value_tree
        path = ("messages", 2, "content")
        await wait_until(pilot, lambda: (tree.selected_value() or ((),))[0] == path)
        assert app.state_pane.pinned and app.state_pane.shown is hit.checkpoint
        assert "windy" in tree.selected_value()[1]  # type: ignore[index]
        # an LLM call: the inspector on that call, at that message
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert result.hits[result.index].kind == HitKind.LLM_CALL
        await wait_modal(pilot, LlmCallScreen)
        screen = app.screen
        assert isinstance(screen, LlmCallScreen) and screen.call.index == 2
        tree = screen.query_one(CallTree)
        path = ("messages", 3, "content")
        await wait_until(pilot, lambda: (tree.selected_value() or ((),))[0] == path)
        await pilot.press("escape")
        # [ goes back; / again starts from the last query
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        await pilot.press("left_square_bracket")
        assert result.hits[result.index].kind == HitKind.STATE
        await pilot.press("slash")
        await wait_modal(pilot, SearchScreen)
        assert app.screen.query_one("#search-input").value == "windy"  # type: ignore[attr-defined]
