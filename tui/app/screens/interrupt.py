"""Answer a pending interrupt: see its value, type text or JSON, Enter resumes."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from tui.app.screens.literal_input import LiteralInput
from tui.app.screens.modal import Modal
from tui.app.text.literal import literal, to_json_text
from tui.engine.answers import AnswerError, parse_answer


class InterruptScreen(Modal[tuple[str | None, Any] | None]):
    """Dismisses with ``(interrupt_id, answer)``, or ``None`` to answer later."""

    BINDINGS = [Binding("escape", "dismiss_later", "Answer later")]

    def __init__(self, interrupts: list[dict[str, Any]]) -> None:
        super().__init__()
        self.interrupts = interrupts

    def compose(self) -> ComposeResult:
        pending = self.interrupts[0]
        with Vertical(id="dialog", classes="dialog"):
            title = "The graph is waiting for your answer"
            if len(self.interrupts) > 1:
                title += f" (1 of {len(self.interrupts)}; one answer goes to all)"
            yield Label(Text(title, "bold"), classes="dialog-title")
            with VerticalScroll(id="interrupt-value"):
                yield Static(_value_text(pending.get("value")), id="interrupt-text")
            yield LiteralInput(placeholder="your answer: text, or JSON", id="answer")
            yield Label(Text("enter resumes the run · esc answers later (i)", "dim"))
            yield Label(Text("", "red"), id="answer-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#answer-error", Label).update(
                Text("type an answer first (Esc to answer later)", "red")
            )
            return
        interrupt_id = self.interrupts[0].get("id") if len(self.interrupts) == 1 else None
        try:
            answer = parse_answer(event.value)
        except AnswerError as exc:
            self.query_one("#answer-error", Label).update(Text(str(exc), "red"))
            return
        self.finish((interrupt_id, answer))

    def action_dismiss_later(self) -> None:
        self.finish(None)


def _value_text(value: Any) -> Text:
    if isinstance(value, dict):
        text = Text()
        for key, item in value.items():
            text.append_text(literal(str(key), "bold"))
            text.append(": ", "dim")
            text.append_text(literal(item if isinstance(item, str) else to_json_text(item)))
            text.append("\n")
        text.rstrip()
        return text
    return literal(value if isinstance(value, str) else to_json_text(value))
