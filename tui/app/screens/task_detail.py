"""One task in full: its input, result or error with traceback, and its LLM calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from tui.app.panes.state import CopyableTree
from tui.app.screens.llm_call import LlmCallScreen
from tui.app.screens.modal import Modal
from tui.app.text.literal import duration_label, one_line
from tui.app.view.records import LlmCall, TaskRow


def task_value(row: TaskRow, input: Any = None) -> dict[str, Any]:
    """The task as a value to show; ``input`` stands in for an input no longer held."""
    value: dict[str, Any] = {
        "node": row.node,
        "step": row.step,
        "status": row.status,
        "duration": duration_label(row.duration_s),
        "input": input if row.input_dropped else row.input,
    }
    if row.ns:
        value["subgraph"] = list(row.ns)
    if row.error:
        value["error"] = row.error
        value["traceback"] = row.traceback
    else:
        value["result"] = row.result
    if row.calls:
        value["llm_calls"] = [
            {
                "model": c.model,
                "status": c.status,
                "messages_sent": len(c.messages),
                "finish_reason": c.finish_reason,
                "input_tokens": c.input_tokens,
                "output_tokens": c.output_tokens,
                "ttft_s": None if c.ttft_s is None else round(c.ttft_s, 3),
                "tokens_per_s": None if c.tokens_per_s is None else round(c.tokens_per_s, 1),
            }
            for c in row.calls
        ]
    return value


class TaskDetailScreen(Modal[None]):
    AUTO_FOCUS = "#task-tree"
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("v", "inspect_call", "Inspect LLM call"),
    ]

    def __init__(self, row: TaskRow, input: Any = None, calls: Sequence[LlmCall] = ()) -> None:
        """``input`` stands in for an input no longer held; ``calls``: the run's calls,
        which the inspector walks with ``[`` and ``]``."""
        super().__init__()
        self.row = row
        self.input = input
        self.calls = calls

    def compose(self) -> ComposeResult:
        with Vertical(id="detail", classes="dialog wide"):
            title = f"{self.row.node} · step {self.row.step} · {self.row.status}"
            yield Label(Text(one_line(title, 100), "bold"), classes="dialog-title")
            hint = "enter expands · y copies the selected value as JSON · esc closes"
            if self.row.calls:
                hint = "v inspects the selected LLM call · " + hint
            yield Label(Text(hint, "dim"))
            yield CopyableTree(id="task-tree")

    def on_mount(self) -> None:
        tree = self.query_one(CopyableTree)
        tree.show(task_value(self.row, self.input))
        for node in tree.root.children:
            if node.data is not None and node.data.path[:1] in (
                ("input",),
                ("error",),
                ("result",),
            ):
                node.expand()

    def action_inspect_call(self) -> None:
        calls = self.row.calls
        if not calls:
            self.notify("this task made no LLM call", severity="warning", timeout=3)
            return
        picked = self.query_one(CopyableTree).selected_value()
        path = picked[0] if picked is not None else ()
        index = path[1] if len(path) > 1 and path[0] == "llm_calls" else 0
        call = calls[index] if isinstance(index, int) and 0 <= index < len(calls) else calls[0]
        self.app.push_screen(LlmCallScreen(list(self.calls) or calls, call))

    def action_close(self) -> None:
        self.finish(None)
