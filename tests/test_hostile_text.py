"""Untrusted text never crashes or styles the screen: one literal path for all of it.

Text from the graph, the model, the user or a recording reaches the screen through
``tui.app.text.literal`` (and the app's ``notify``). These tests render a corpus of
hostile strings, and generated ones, in every kind of widget the app uses, and run
a graph whose every output is hostile through the whole app.
"""

from __future__ import annotations

import asyncio
import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Label, OptionList, RichLog, Static
from textual.widgets.option_list import Option

from tests.app_helpers import settle, wait_status, wait_until
from tests.helpers import examples
from tests.hostile import HOSTILE_TEXTS, hostile_text
from tui.app.app import DebuggerApp
from tui.app.panes.events import EventsPane
from tui.app.panes.tokens import TokenView
from tui.app.panes.value_tree import ValueTree
from tui.app.screens.literal_input import LiteralInput
from tui.app.text.literal import literal, one_line, visible
from tui.app.text.notifications import LiteralNotifications
from tui.engine.events import RunFailed

# What may never reach the terminal: control characters, bidi overrides, separators.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def test_visible_shows_every_control_and_formatting_character_as_an_escape():
    for text in HOSTILE_TEXTS:
        shown = visible(text)
        assert not _FORBIDDEN.search(shown), repr(text[:40])
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("x\u202ey") == "x\\u202ey"
    assert visible("lone \ud800") == "lone \\ud800"
    assert visible("keep\ttab\nand newline") == "keep\ttab\nand newline"


@given(hostile_text)
def test_literal_and_previews_keep_the_characters_and_never_style(text):
    shown = literal(text)
    assert isinstance(shown, Text) and shown.spans == []
    assert shown.plain == visible(text)
    assert not _FORBIDDEN.search(shown.plain)
    preview = one_line(text, 40)
    assert len(preview) <= 40 and "\n" not in preview and not _FORBIDDEN.search(preview)


class _Gallery(LiteralNotifications):
    """One of every widget kind the debugger puts data in."""

    def compose(self) -> ComposeResult:
        yield Label(id="label")
        yield Static(id="static")
        yield ValueTree(id="tree")
        yield OptionList(id="options")
        yield RichLog(id="log", markup=False, wrap=True)
        yield LiteralInput(id="input")

    def show(self, text: str) -> None:
        self.query_one("#label", Label).update(literal(text))
        self.query_one("#static", Static).update(literal(text))
        self.query_one("#static", Static).border_title = Text(one_line(text, 30))
        self.query_one(ValueTree).show({text: [text, {"k": text}], "t": text})
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_option(Option(Text(one_line(text, 60)), id="x"))
        self.query_one(RichLog).write(literal(text))
        box = self.query_one(LiteralInput)
        box.value = ""
        box.insert_text_at_cursor(text)  # what typing or a paste does


async def _render_all(texts: list[str]) -> list[str]:
    """The screen (as SVG text) after each text was shown everywhere at once."""
    app = _Gallery()
    screens = []
    async with app.run_test(size=(100, 40)) as pilot:
        for text in texts:
            app.show(text)
            app.notify(text, title=text)
            await pilot.pause()
            screens.append(html.unescape(app.export_screenshot()).replace("\xa0", " "))
    return screens


def test_every_widget_kind_renders_the_hostile_corpus_literally():
    screens = asyncio.run(_render_all(HOSTILE_TEXTS))
    for text, screen in zip(HOSTILE_TEXTS, screens, strict=True):
        # Nothing reached the terminal as control, and markup showed as characters.
        assert not _FORBIDDEN.search(screen), repr(text[:40])
    markup = screens[HOSTILE_TEXTS.index("[bold red]boom[/]")]
    assert markup.count("[bold red]boom[/]") >= 5  # label, static, tree, options, log, toast
    assert "[redacted]" in screens[HOSTILE_TEXTS.index("[redacted]")]


@settings(max_examples=examples(2))
@given(st.lists(hostile_text, min_size=10, max_size=25))
def test_every_widget_kind_renders_generated_text(texts):
    for screen in asyncio.run(_render_all(texts)):
        assert not _FORBIDDEN.search(screen)


async def test_a_graph_whose_every_output_is_hostile_leaves_the_app_up(open_session):
    session, _ = open_session("hostile")
    seen: list = []
    session.add_listener(seen.append)
    app = DebuggerApp(session)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_status(pilot, "failed")
        await settle(pilot)
        failure = next(e for e in seen if isinstance(e, RunFailed))
        assert "[/]" in failure.error and "[redacted]" in failure.error
        # The failure toast says it literally: brackets and "[redacted]" kept.
        toasts = [n.message for n in app._notifications]
        assert any("[/] [redacted]" in message for message in toasts), toasts
        tokens = app.query_one(TokenView).plain_text()
        assert "[bold red]boom[/]" in tokens and "\\x1b[2J" in tokens and "\\u202e" in tokens
        assert "[b]odd[/b] node" in "\n".join(app.timeline.render_lines_for_test())
        events_text = app.query_one(EventsPane).plain_text()
        assert "\\ud800" in events_text and not _FORBIDDEN.search(events_text)
        screen = app.export_screenshot()
        assert not _FORBIDDEN.search(screen)
        await pilot.press("c")  # the app still takes keys after all that
        await wait_until(pilot, lambda: app.model.status in ("failed", "running"))
        assert app.is_running
