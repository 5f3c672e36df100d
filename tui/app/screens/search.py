"""``/``: search the run's tokens, events, state and LLM calls; pick a hit to go there.

The hits update as you type; ``enter`` goes to the highlighted hit (the first one
while typing), ``down`` moves into the list. Back on the main screen ``]`` and ``[``
go to the next and previous hit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.app.screens.literal_input import LiteralInput
from tui.app.screens.modal import Modal
from tui.app.text.literal import one_line
from tui.app.textual_guards import GuardedOptionList
from tui.app.view.search import Hit, HitKind

SHOWN = 200
KIND_STYLES = {
    HitKind.TOKENS: "bold green",
    HitKind.EVENTS: "bold cyan",
    HitKind.STATE: "bold yellow",
    HitKind.LLM_CALL: "bold magenta",
}


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    index: int


def hit_text(hit: Hit) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{hit.kind:<8} ", KIND_STYLES.get(hit.kind, "bold"))
    text.append(one_line(hit.where, 50), "dim")
    text.append("  ")
    text.append(one_line(hit.snippet, 100))
    return text


class SearchScreen(Modal[SearchResult | None]):
    AUTO_FOCUS = "#search-input"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "to_list", "Hits", show=False),
    ]

    def __init__(self, find: Callable[[str], list[Hit]], query: str = "") -> None:
        super().__init__()
        self.find = find
        self.query_text = query
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search", classes="dialog wide"):
            yield Label(
                Text("Search tokens, events, state and LLM calls", "bold"), classes="dialog-title"
            )
            yield LiteralInput(self.query_text, placeholder="text to find", id="search-input")
            yield Label(id="search-count")
            yield GuardedOptionList(id="search-hits")

    def on_mount(self) -> None:
        self._update(self.query_text)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._update(event.value)

    def _update(self, query: str) -> None:
        self.query_text = query
        self.hits = self.find(query) if query else []
        hits = self.query_one(OptionList)
        hits.clear_options()
        hits.add_options(
            Option(hit_text(hit), id=str(index)) for index, hit in enumerate(self.hits[:SHOWN])
        )
        if self.hits:
            hits.highlighted = 0
        count = len(self.hits)
        said = "type to search" if not query else f"{count} hit{'s' if count != 1 else ''}"
        if count > SHOWN:
            said += f" (the first {SHOWN} listed)"
        if query and count:
            said += " · enter goes to the highlighted hit · ] and [ go to the next ones later"
        self.query_one("#search-count", Label).update(Text(said, "dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._choose(self.query_one(OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if not self.hits:
            self.notify("nothing found", severity="warning", timeout=2)
            return
        self.finish(SearchResult(self.query_text, self.hits, index or 0))

    def action_to_list(self) -> None:
        if self.hits:
            self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.finish(None)
