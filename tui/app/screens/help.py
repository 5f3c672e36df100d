"""Every key, read from the bindings themselves, and what each pane shows."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.app.screens.modal import Modal

PANES = [
    (
        "Timeline",
        "one row per task: step, node, status, time, tokens, time to first token, tokens/s, a time bar; enter (or a double click) opens a task",
    ),
    (
        "Live tokens",
        "model output as it streams, per node and call; reasoning dimmed; tool calls as they build",
    ),
    (
        "State",
        "the state at the selected step (live by default); ● marks keys the step changed; y copies",
    ),
    ("Events", "updates, custom events, interrupts, errors with tracebacks; e cycles the filter"),
    ("Graph", "nodes in flow order with their edges; ▶ running, ✓ ran, ⏸ next, ● breakpoint"),
]


class HelpScreen(Modal[None]):
    AUTO_FOCUS = "#help"  # so up/down/page/end scroll it
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold yellow", no_wrap=True)
        keys.add_column()
        for binding in self.bindings:
            keys.add_row(
                binding.key_display or binding.key, Text(binding.tooltip or binding.description)
            )
        panes = Table.grid(padding=(0, 2))
        panes.add_column(style="bold", no_wrap=True)
        panes.add_column()
        for name, what in PANES:
            panes.add_row(name, what)
        with VerticalScroll(id="help", classes="dialog wide"):
            yield Static(Text("Keys (also in the command palette, ctrl+p)", "bold underline"))
            yield Static(keys)
            yield Static(Text("\nPanes", "bold underline"))
            yield Static(panes)
            yield Static(Text("\nesc closes", "dim"))

    def action_close(self) -> None:
        self.finish(None)
