"""Model text and state are data: markup and escapes show as the characters they are."""

from __future__ import annotations

from rich.text import Text

from tests.app_helpers import wait_status
from tui.app.app import DebuggerApp
from tui.app.panes.tokens import TokenView
from tui.app.panes.value_tree import PAGE
from tui.app.text.literal import literal, one_line


def test_literal_keeps_markup_and_makes_control_characters_visible():
    text = literal("[bold red]boom[/] [/ \x1b[2J \x07 tab\there\nnext")
    assert isinstance(text, Text)
    assert text.plain == "[bold red]boom[/] [/ \\x1b[2J \\x07 tab\there\nnext"
    assert not text.spans  # nothing was parsed into a style or a link
    assert one_line("a\nb" + "x" * 10_000_000, 10) == "a ⏎ bxxxx…"


async def test_markup_graph_shows_everything_literally(open_session):
    session, _ = open_session("markup")
    app = DebuggerApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_status(pilot, "done")
        tokens = app.query_one(TokenView).plain_text()
        assert (
            "[bold red]boom[/] then a lone [/ and \\x1b[2J and [link=http://x]y[/link] end"
            in tokens
        )
        tree = app.state_pane.value_tree
        labels = {str(node.data.path[0]): node.label for node in tree.root.children}
        assert labels["note"].plain.startswith(
            '● note: "[link=http://x]y[/link] and \\x1b[2J and [/'
        )
        for label in labels.values():
            assert all("link" not in str(span.style) for span in label.spans)
        assert "[bold]not bold[/bold]" in app.events_pane.plain_text()


async def test_huge_values_are_paged_not_built(open_session):
    session, _ = open_session("big_state")
    app = DebuggerApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_status(pilot, "done", timeout=30)
        tree = app.state_pane.value_tree
        nodes = {str(node.data.path[0]): node for node in tree.root.children}
        blob, items = nodes["blob"], nodes["items"]
        assert len(blob.label.plain) < 200 and "chars" in blob.label.plain
        assert not blob.children and not items.children  # nothing built until expanded
        items.expand()
        await pilot.pause()
        assert len(items.children) == PAGE + 1
        more = items.children[-1]
        assert more.label.plain.startswith("… 9,900 more")
        tree.select_node(more)
        await pilot.pause()
        assert len(items.children) == 2 * PAGE + 1
        blob.expand()
        await pilot.pause()
        assert len(blob.children) == PAGE + 1


async def test_long_text_pages_by_line_and_chunks_very_long_lines(open_session):
    session, _ = open_session("joke")
    app = DebuggerApp(session, autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        tree = app.state_pane.value_tree
        text = "first\n" + "x" * 1000 + "\n" + "\n".join(f"line {i}" for i in range(300))
        tree.show({"doc": text})
        await pilot.pause()
        (doc,) = tree.root.children
        doc.expand()
        await pilot.pause()
        shown = [child.label.plain for child in doc.children]
        assert shown[0] == "first" and shown[1] == "x" * 400 and shown[3] == "x" * 200
        assert shown[4] == "line 0"
        assert shown[-1] == "… 204 more lines (enter shows 100)"
        tree.select_node(doc.children[-1])
        await pilot.pause()
        assert [c.label.plain for c in doc.children][-1] == "… 104 more lines (enter shows 100)"
