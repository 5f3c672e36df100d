"""The inspector's cursor stays on the value it was on when the tree is shown again
(a live state that moves on, the same checkpoint shown again): it fell to the first
line, and an edit (E) then took the wrong value."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from tests.helpers import examples
from tui.app.panes.value_tree import ValueTree

keys = st.text("abcdefgh", min_size=1, max_size=3)
leaves = st.one_of(st.integers(), st.text(max_size=5), st.booleans())
values = st.dictionaries(
    keys, st.one_of(leaves, st.dictionaries(keys, leaves, min_size=1, max_size=4)), min_size=1
)


class TreeApp(App):
    def compose(self) -> ComposeResult:
        yield ValueTree()


def paths_of(value: dict[str, Any]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for key, item in value.items():
        out.append((key,))
        if isinstance(item, dict):
            out += [(key, inner) for inner in item]
    return out


def bumped(value: Any) -> Any:
    """The same shape with every leaf changed, as the next step's state would be."""
    if isinstance(value, dict):
        return {key: bumped(item) for key, item in value.items()}
    return f"{value}!"


@settings(max_examples=examples(15), deadline=None)
@given(value=values, data=st.data())
async def test_the_cursor_stays_on_its_value_when_the_tree_is_shown_again(value, data):
    path = data.draw(st.sampled_from(paths_of(value)))
    app = TreeApp()
    async with app.run_test(size=(60, 40)) as pilot:
        tree = app.query_one(ValueTree)
        tree.show(value)
        tree.reveal(path)
        await pilot.pause()
        assert tree.selected_value() == (path, _at(value, path))
        again = bumped(value)
        tree.show(again)
        assert tree.selected_value() == (path, _at(again, path))  # at once, not a frame later
        await pilot.pause()
        assert tree.selected_value() == (path, _at(again, path))


def _at(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        value = value[key]
    return value
