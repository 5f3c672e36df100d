"""Answer pending interrupts: see each one's question and the answer it expects.

Several interrupts (parallel tasks that each asked) get a box each. Enter sends
every answer typed; a box left empty leaves its interrupt waiting (the run goes on
and stops there again). ``ctrl+a`` gives every interrupt the focused box's answer.
An answer that does not fit its interrupt's ``response_schema`` is refused here,
with the reason, before it reaches the graph.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from tui.app.screens.literal_input import LiteralInput
from tui.app.screens.modal import Modal
from tui.app.text.literal import literal, one_line, to_json_text
from tui.engine.answers import AnswerError, answer_problem, parse_answer

Answers = dict[str, Any]
"""Interrupt id -> answer."""


class InterruptScreen(Modal[Answers | None]):
    """Dismisses with the answers by interrupt id, or ``None`` to answer later."""

    AUTO_FOCUS = "#answer-0"
    BINDINGS = [
        Binding("escape", "dismiss_later", "Answer later"),
        Binding("ctrl+a", "same_for_all", "Same answer for all", show=False),
    ]

    def __init__(self, interrupts: list[dict[str, Any]]) -> None:
        super().__init__()
        self.interrupts = interrupts

    def compose(self) -> ComposeResult:
        several = len(self.interrupts) > 1
        with Vertical(id="dialog", classes="dialog"):
            title = (
                f"{len(self.interrupts)} interrupts are waiting for answers"
                if several
                else "The graph is waiting for your answer"
            )
            yield Label(Text(title, "bold"), classes="dialog-title")
            with VerticalScroll(id="interrupt-value"):
                for index, pending in enumerate(self.interrupts):
                    yield Static(_question(index, pending, several), classes="interrupt-text")
                    yield LiteralInput(
                        placeholder="your answer: text, or JSON",
                        id=f"answer-{index}",
                        classes="answer",
                    )
                    yield Label(Text(""), id=f"answer-error-{index}", classes="answer-error")
            hint = "enter resumes the run · esc answers later (i)"
            if several:
                hint += " · an empty box waits · ctrl+a: the same answer for all"
            yield Label(Text(hint, "dim"))
            yield Label(Text("", "red"), id="answer-error")

    def _boxes(self) -> list[Input]:
        return [self.query_one(f"#answer-{i}", Input) for i in range(len(self.interrupts))]

    def _say(self, index: int | None, message: str) -> None:
        where = "#answer-error" if index is None else f"#answer-error-{index}"
        self.query_one(where, Label).update(Text(message, "red"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._send({i: box.value for i, box in enumerate(self._boxes()) if box.value.strip()})

    def action_same_for_all(self) -> None:
        focused = self.focused
        text = focused.value if isinstance(focused, Input) else ""
        if text.strip():
            self._send(dict.fromkeys(range(len(self.interrupts)), text))
        else:
            self._say(None, "type the answer in a box first")

    def _send(self, typed: dict[int, str]) -> None:
        for index in range(len(self.interrupts)):
            self._say(index, "")
        if not typed:
            self._say(None, "type an answer first (Esc to answer later)")
            return
        answers: Answers = {}
        for index, text in typed.items():
            pending = self.interrupts[index]
            try:
                answer = parse_answer(text)
            except AnswerError as exc:
                self._say(index, str(exc))
                return
            problem = answer_problem(pending.get("response_schema"), answer)
            if problem:
                self._say(index, f"does not fit the expected answer: {problem}")
                return
            answers[str(pending.get("id"))] = answer
        self._say(None, "")
        self.finish(answers)

    def action_dismiss_later(self) -> None:
        self.finish(None)


def _question(index: int, pending: dict[str, Any], several: bool) -> Text:
    text = Text()
    if several or pending.get("node"):
        head = f"{index + 1} · " if several else ""
        text.append(head, "bold")
        if pending.get("node"):
            text.append(one_line(str(pending["node"]), 40), "bold magenta")
        text.append("\n")
    text.append_text(_value_text(pending.get("value")))
    schema = pending.get("response_schema")
    if isinstance(schema, dict) and schema:
        text.append("\nexpected answer: ", "dim")
        text.append_text(literal(to_json_text(schema, indent=None), "dim italic"))
    return text


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
