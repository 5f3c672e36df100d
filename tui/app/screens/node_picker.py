"""Pick a node, for a breakpoint when none is selected in the timeline or graph."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.app.screens.modal import Modal
from tui.app.text.literal import one_line
from tui.app.textual_guards import GuardedOptionList


class NodePickerScreen(Modal[str | None]):
    AUTO_FOCUS = "#node-options"
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, nodes: list[str], breakpoints: set[str], title: str) -> None:
        super().__init__()
        self.nodes = nodes
        self.breakpoints = breakpoints
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(Text(self.title_text, "bold"), classes="dialog-title")
            options = []
            for node in self.nodes:
                label = Text()
                label.append("● " if node in self.breakpoints else "  ", "bold red")
                label.append(one_line(node, 60))
                options.append(Option(label, id=node))
            yield GuardedOptionList(*options, id="node-options")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.finish(event.option.id)

    def action_dismiss_none(self) -> None:
        self.finish(None)
