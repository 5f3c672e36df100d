"""Ask for the run's input when none was given: a message, or JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from tui.app.screens.literal_input import LiteralInput
from tui.app.screens.modal import Modal
from tui.app.text.literal import literal


class RunInputScreen(Modal[Any]):
    AUTO_FOCUS = "Input"
    """Dismisses with the input, or the ``CANCELLED`` marker."""

    CANCELLED: Any = object()
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, input_keys: list[str], title: str) -> None:
        super().__init__()
        self.input_keys = input_keys
        self.title_text = title
        self.messages = "messages" in input_keys

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(literal(self.title_text, "bold"), classes="dialog-title")
            if self.messages:
                hint = "Type a message for the graph, or JSON starting with {"
            else:
                keys = ", ".join(f'"{k}": …' for k in self.input_keys[:4]) or '"key": "value"'
                hint = f"Type the input as JSON, e.g. {{{keys}}}"
            yield Label(Text(hint, "dim"))
            yield LiteralInput(
                placeholder="message or JSON" if self.messages else "JSON", id="run-input"
            )
            yield Label(Text(""), id="input-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        error = self.query_one("#input-error", Label)
        if not text:
            error.update(Text("the graph needs an input (Esc cancels)", "red"))
            return
        if self.messages and not text.startswith(("{", "[")):
            self.finish({"messages": [{"role": "user", "content": event.value}]})
            return
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            error.update(Text(f"not valid JSON ({exc.msg} at column {exc.colno})", "red"))
            return
        self.finish(value)

    def action_cancel(self) -> None:
        self.finish(self.CANCELLED)
