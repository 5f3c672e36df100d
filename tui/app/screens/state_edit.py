"""Edit a checkpoint's state (or one value in it) as JSON, then fork and run on.

The dialog stays open until the engine has taken the edit: an edit that is not JSON,
or that the engine refuses (a key the state lacks, a value its schema refuses), is
shown here with the reason, and nothing was written.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select, TextArea

from tui.app.screens.modal import Modal
from tui.app.text.literal import literal, visible

INFER = "\x00infer"


class StateEditScreen(Modal[bool]):
    AUTO_FOCUS = "#edit-text"
    """Dismisses with ``True`` once the fork is made, ``False`` when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "fork", "Fork & run", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        title: str,
        value: Any,
        nodes: list[str],
        attempt: Callable[[Any, str | None], Future[Any]],
    ) -> None:
        super().__init__()
        self.title_text = title
        self.text = json.dumps(value, indent=2, ensure_ascii=False)
        self.nodes = nodes
        self.attempt = attempt
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(literal(self.title_text, "bold"), classes="dialog-title")
            yield Label(
                Text(
                    "Edit as JSON. Keys you change replace their value (past reducers); "
                    "the rest stays as it was. ctrl+s forks and runs on; Esc cancels.",
                    "dim",
                ),
                id="edit-hint",
            )
            yield TextArea(self.text, id="edit-text", soft_wrap=True, show_line_numbers=True)
            with Horizontal(classes="buttons"):
                yield Select(
                    [(Text("as the node LangGraph infers"), INFER)]
                    + [(Text(f"as {visible(node)}"), node) for node in self.nodes],
                    value=INFER,
                    allow_blank=False,
                    id="as-node",
                )
                yield Button("Fork & run", variant="primary", id="fork")
                yield Button("Cancel", id="cancel")
            yield Label(Text(""), id="edit-error", classes="answer-error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "fork":
            self.action_fork()
        else:
            self.action_cancel()

    def action_fork(self) -> None:
        if self.busy:
            return
        error = self.query_one("#edit-error", Label)
        text = self.query_one(TextArea).text
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            error.update(Text(f"not valid JSON: {exc.msg} at line {exc.lineno}"))
            return
        chosen = self.query_one("#as-node", Select).value
        as_node = None if chosen == INFER else str(chosen)
        try:
            future = self.attempt(value, as_node)
        except Exception as exc:  # refused at once (a recording, a run going)
            error.update(Text(visible(str(exc))))
            return
        self.busy = True
        error.update(Text("checking the edit…", "dim"))
        self._wait(future)

    @work(exclusive=True, group="fork")
    async def _wait(self, future: Future[Any]) -> None:
        error = self.query_one("#edit-error", Label)
        try:
            await asyncio.wrap_future(future)
        except Exception as exc:
            self.busy = False
            error.update(Text(visible(str(exc))))
            return
        self.finish(True)

    def action_cancel(self) -> None:
        if not self.busy:
            self.finish(False)
