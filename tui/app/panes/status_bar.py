"""The top line: graph, thread, step, status, tokens, rate, elapsed time."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.app.literal import clock_label, one_line
from tui.app.model import STATUS_LABELS

STATUS_STYLES = {
    "running": "bold black on green",
    "pausing": "bold black on yellow",
    "paused": "bold black on yellow",
    "breakpoint": "bold white on red",
    "interrupted": "bold black on magenta",
    "cancelled": "bold white on grey37",
    "failed": "bold white on red",
    "done": "bold black on cyan",
    "idle": "bold white on grey30",
}


class StatusBar(Widget):
    """Reactive fields, one render: the bar is redrawn only when one of them changes."""

    DEFAULT_CSS = """
    StatusBar { height: 1; dock: top; background: $panel; }
    """

    graph = reactive("")
    thread_id = reactive("")
    model_label = reactive("")
    step = reactive[int | None](None)
    status = reactive("idle")
    detail = reactive("")
    tokens = reactive(0)
    rate = reactive[float | None](None)
    elapsed = reactive(0.0)
    follow = reactive(True)

    def render(self) -> Text:
        bar = Text(no_wrap=True, overflow="ellipsis")
        bar.append(" graph: ", "dim")
        bar.append(one_line(self.graph, 30), "bold")
        bar.append("  thread ", "dim")
        bar.append(one_line(self.thread_id, 12))
        if self.model_label:
            bar.append("  ")
            bar.append(one_line(self.model_label, 24), "italic")
        bar.append("  step ", "dim")
        bar.append("-" if self.step is None else str(self.step))
        bar.append("  ")
        bar.append(
            f" {STATUS_LABELS.get(self.status, self.status.upper())} ",
            STATUS_STYLES.get(self.status, "reverse"),
        )
        bar.append(f"  {self.tokens:,} tok")
        bar.append(
            f"  {self.rate:,.0f} tok/s" if self.rate else "  - tok/s",
            "dim" if not self.rate else "",
        )
        bar.append(f"  {clock_label(self.elapsed)}")
        if not self.follow:
            bar.append("  [follow off]", "yellow")
        if self.detail and self.status in (
            "failed",
            "cancelled",
            "breakpoint",
            "pausing",
            "paused",
        ):
            bar.append("  ")
            bar.append(one_line(self.detail, 80), "italic")
        return bar
