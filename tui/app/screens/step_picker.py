"""Pick a recorded step to jump to (``t`` while replaying a recording)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.app.screens.modal import Modal
from tui.app.textual_guards import GuardedOptionList


class StepPickerScreen(Modal[int | None]):
    AUTO_FOCUS = "#node-options"
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, steps: list[int], current: int | None) -> None:
        super().__init__()
        self.steps = list(dict.fromkeys(steps))
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(Text("Jump to which step?", "bold"), classes="dialog-title")
            options = [
                Option(Text(f"{'● ' if step == self.current else '  '}step {step}"), id=str(index))
                for index, step in enumerate(self.steps)
            ]
            yield GuardedOptionList(*options, id="node-options")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.finish(self.steps[int(event.option.id or 0)])

    def action_dismiss_none(self) -> None:
        self.finish(None)
