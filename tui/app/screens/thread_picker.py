"""Pick another thread of the checkpointer to look at (the palette's "Switch thread")."""

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


class ThreadPickerScreen(Modal[str | None]):
    AUTO_FOCUS = "#node-options"
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, thread_ids: list[str], current: str) -> None:
        super().__init__()
        self.thread_ids = thread_ids
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            count = len(self.thread_ids)
            title = f"Switch thread ({count} in this checkpointer, most recent first)"
            yield Label(Text(title, "bold"), classes="dialog-title")
            options = []
            for index, thread_id in enumerate(self.thread_ids):
                label = Text()
                label.append("● " if thread_id == self.current else "  ", "bold green")
                label.append(one_line(thread_id, 70))
                # Thread ids are data: the option id is an index, never the id itself.
                options.append(Option(label, id=str(index)))
            yield GuardedOptionList(*options, id="node-options")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        index = int(event.option.id or 0)
        self.finish(self.thread_ids[index])

    def action_dismiss_none(self) -> None:
        self.finish(None)
