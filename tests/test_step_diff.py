"""The step diff: what a step changed against the step before or a pinned one, and
the timeline's mark for steps that changed nothing."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.app_helpers import settle, wait_modal, wait_status, wait_until
from tui.app.app import DebuggerApp
from tui.app.screens.step_diff import StepDiffScreen, diff_text
from tui.app.view.state_diff import ChangeKind, diff_values, path_label, text_diff

SIZE = (130, 40)


def _message(id_: str, content: str, kind: str = "ai") -> dict:
    return {"type": kind, "content": content, "id": id_}


def test_a_message_appended_and_one_replaced_are_matched_by_id():
    before = {"messages": [_message("a", "hi", "human"), _message("b", "draft")]}
    after = {
        "messages": [_message("a", "hi", "human"), _message("b", "final"), _message("c", "more")]
    }
    changes = diff_values(before, after)
    assert [(c.kind, path_label(c.path)) for c in changes] == [
        (ChangeKind.REPLACED, "messages[1]"),
        (ChangeKind.APPENDED, "messages[2]"),
    ]
    shown = diff_text(changes).plain
    assert "~ messages[1] replaced" in shown and "content text" in shown
    assert "+ messages[2] appended: AIMessage: more" in shown


def test_keys_added_removed_changed_and_text_edited():
    before = {"count": 1, "notes": {"old": "x", "kept": 1}, "summary": "a\nb\nc", "gone": True}
    after = {"count": 2, "notes": {"kept": 1, "new": "y"}, "summary": "a\nB\nc", "fresh": [1]}
    got = {(c.kind, path_label(c.path)) for c in diff_values(before, after)}
    assert got == {
        (ChangeKind.CHANGED, "count"),
        (ChangeKind.ADDED, "notes.new"),
        (ChangeKind.REMOVED, "notes.old"),
        (ChangeKind.TEXT, "summary"),
        (ChangeKind.REMOVED, "gone"),
        (ChangeKind.ADDED, "fresh"),
    }
    shown = diff_text(diff_values(before, after)).plain
    assert "~ count changed: 1 → 2" in shown
    assert "- b" in shown and "+ B" in shown


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(
    st.dictionaries(st.text(max_size=3), _JSON, max_size=5),
    st.dictionaries(st.text(max_size=3), _JSON, max_size=5),
)
def test_every_changed_key_and_only_those_are_reported(before, after):
    assert diff_values(before, json.loads(json.dumps(before))) == []
    touched = {c.path[0] for c in diff_values(before, after)}
    differ = {
        k
        for k in before.keys() | after.keys()
        if k not in before or k not in after or json.dumps(before[k]) != json.dumps(after[k])
    }
    assert touched == differ


@given(st.text(max_size=60), st.text(max_size=60))
def test_a_text_diff_rebuilds_both_sides(before, after):
    pieces = text_diff(before, after)
    assert "".join(p for op, p in pieces if op != "+") == before
    assert "".join(p for op, p in pieces if op != "-") == after


async def test_the_diff_of_each_step_and_against_a_pinned_one(open_session):
    session, _ = open_session("edits")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await settle(pilot)
        rows = app.timeline.render_lines_for_test()
        marks = {line.split()[2]: line.split()[1] for line in rows[1:]}
        assert marks == {"reply": "✓", "edit": "✓", "idle": "∅", "revise": "✓"}

        async def diff_of(index: int) -> str:
            app.timeline.focus()
            app.timeline.cursor = index
            await pilot.press("d")
            await wait_modal(pilot, StepDiffScreen)
            screen = app.screen
            assert isinstance(screen, StepDiffScreen)
            await wait_until(pilot, lambda: screen.ready, what="the diff")
            shown = screen.plain_text()
            await pilot.press("escape")
            await wait_until(pilot, lambda: len(app.screen_stack) == 1)
            return shown

        reply = await diff_of(0)
        assert "against step 0, the one before" in reply
        assert "+ messages[1] appended: AIMessage: Looking into it." in reply
        edit = await diff_of(1)
        assert "~ count changed: 1 → 2" in edit
        assert "- line two" in edit and "+ line two, edited" in edit
        assert "+ notes.new added" in edit and "- notes.old removed" in edit
        assert "messages" not in edit
        assert "changed nothing" in await diff_of(2)
        revise = await diff_of(3)
        assert "~ messages[1] replaced" in revise
        assert "[-Looking-]{+Looked+} into [-it.-]{+it: all good.+}" in revise
        # Pin step 1 (reply), then the last step against it: everything since.
        app.timeline.cursor = 0
        await pilot.press("D")
        since = await diff_of(3)
        assert "against pinned step 1" in since
        assert "~ count changed" in since and "~ messages[1] replaced" in since
        # D on another step pins that one; D on the pinned step unpins.
        app.timeline.cursor = 1
        await pilot.press("D")
        assert app.diff_base is not None and app.diff_base.step == 2
        await pilot.press("D")
        assert app.diff_base is None
        # [ and ] walk the steps inside the screen.
        await pilot.press("d")
        await wait_modal(pilot, StepDiffScreen)
        screen = app.screen
        assert isinstance(screen, StepDiffScreen)
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: screen.ready and screen.shown.step == 3)
        assert "step 3 against step 2" in screen.plain_text()
        assert "changed nothing" in screen.plain_text()
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_until(pilot, lambda: screen.ready and screen.shown.step == 1)
        assert "step 1 against step 0" in screen.plain_text()
