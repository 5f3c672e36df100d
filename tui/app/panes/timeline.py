"""The node timeline: one row per task, with a time bar so parallel work shows.

Built on the Line API (``ScrollView.render_line``): only visible rows are drawn,
columns adapt to the pane's width, and a ticking duration costs a repaint, not a
widget per cell.
"""

from __future__ import annotations

import math

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.literal import duration_label, one_line
from tui.app.model import RunModel, TaskRow

MARKS = {
    "running": ("▶", "bold green"),
    "ok": ("✓", "green"),
    "error": ("✗", "bold red"),
    "interrupted": ("?", "bold magenta"),
    "cancelled": ("■", "dim"),
}
BAR_STYLES = {
    "running": "green",
    "ok": "cyan",
    "error": "red",
    "interrupted": "magenta",
    "cancelled": "grey50",
}


class Timeline(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"timeline--cursor", "timeline--header"}
    DEFAULT_CSS = """
    Timeline > .timeline--cursor { background: $accent 40%; }
    Timeline:focus > .timeline--cursor { background: $accent; }
    Timeline > .timeline--header { color: $text-muted; text-style: bold; }
    """
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", show=False),
        Binding("pagedown", "cursor(10)", show=False),
        Binding("home", "cursor_to(0)", show=False),
        Binding("end", "cursor_to(-1)", show=False),
        Binding("enter", "select", "Details", show=False),
    ]

    cursor = reactive(-1, init=False)

    class RowHighlighted(Message):
        def __init__(self, row: TaskRow | None) -> None:
            self.row = row
            super().__init__()

    class RowSelected(Message):
        def __init__(self, row: TaskRow) -> None:
            self.row = row
            super().__init__()

    def __init__(self, model: RunModel, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.rows: list[TaskRow] = []
        self.breakpoints: set[str] = set()
        self.now = 0.0
        self.next_nodes: list[str] = []

    # -- data in ---------------------------------------------------------------------

    def sync(self, now: float, breakpoints: set[str]) -> None:
        """Pull rows from the model; keep the cursor on the same task if it moved."""
        selected = self.selected_row
        self.rows = self.model.task_rows()
        self.breakpoints = set(breakpoints)
        self.now = now
        status = self.model.status
        self.next_nodes = (
            self.model.next
            if status in ("paused", "breakpoint", "interrupted", "cancelled", "failed")
            else []
        )
        height = len(self.rows) + 1 + (1 if self.next_nodes else 0)
        self.virtual_size = Size(self.size.width, height)
        if selected is not None:
            index = next((i for i, r in enumerate(self.rows) if r.task_id == selected.task_id), -1)
            if index != self.cursor:
                self.set_reactive(Timeline.cursor, index)
        self.refresh()

    def tick(self, now: float) -> None:
        self.now = now
        if any(r.status == "running" for r in self.rows):
            self.refresh()

    @property
    def selected_row(self) -> TaskRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    # -- keys and mouse -----------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        if not self.rows:
            return
        start = self.cursor if self.cursor >= 0 else (len(self.rows) if delta < 0 else -1)
        self.cursor = max(0, min(len(self.rows) - 1, start + delta))

    def action_cursor_to(self, index: int) -> None:
        if self.rows:
            self.cursor = index % len(self.rows)

    def action_select(self) -> None:
        row = self.selected_row
        if row is not None:
            self.post_message(self.RowSelected(row))

    def on_click(self, event: Click) -> None:
        # A click selects (and pins the state to that step); a double click opens it.
        offset = event.get_content_offset(self)
        if offset is None:  # on the border
            return
        index = offset.y + int(self.scroll_offset.y) - 1  # the first line is the header
        if 0 <= index < len(self.rows):
            self.cursor = index
            if event.chain >= 2:
                self.post_message(self.RowSelected(self.rows[index]))

    def watch_cursor(self, old: int, new: int) -> None:
        if 0 <= new < len(self.rows):
            self.scroll_to(y=max(0, min(new, int(self.scroll_offset.y))), animate=False)
            if new - int(self.scroll_offset.y) >= self.size.height - 1:
                self.scroll_to(y=new - self.size.height + 2, animate=False)
        self.post_message(self.RowHighlighted(self.selected_row))
        self.refresh()

    # -- drawing ------------------------------------------------------------------------

    def _columns(self, width: int) -> dict[str, int]:
        # Priority when room is short: node name, time, tokens, ttft and tok/s, and
        # the time bar last (it needs room to say anything).
        columns = {"step": 4, "mark": 2, "dur": 8}
        if width >= 34:
            columns["tok"] = 5
        if width >= 46:
            columns["ttft"] = 6
            columns["rate"] = 6
        fixed = sum(columns.values())
        node = max(8, min(16, width - fixed))
        columns["node"] = node
        bar = width - fixed - node - 1
        # Room to spare goes to labels that need it (Send workers), down to a 12-cell bar.
        wanted = max(
            (2 * r.depth + (2 if r.depth else 0) + len(r.label) + 2 for r in self.rows), default=0
        )
        grow = max(0, min(wanted - node, bar - 12, 40 - node))
        if grow:
            node, bar = node + grow, bar - grow
            columns["node"] = node
        if bar >= 6:
            columns["bar"] = bar
        return columns

    def render_line(self, y: int) -> Strip:
        # Columns are laid out for the width less the scrollbar, shown or not, so
        # they do not jump when the rows start to overflow.
        width = max(10, self.size.width - self.styles.scrollbar_size_vertical)
        columns = self._columns(width)
        if y == 0:
            return self._strip(
                self._header(columns), width, self.get_component_rich_style("timeline--header")
            )
        index = y + int(self.scroll_offset.y) - 1
        if index < 0:
            return Strip.blank(width)
        if index < len(self.rows):
            style = (
                self.get_component_rich_style("timeline--cursor") if index == self.cursor else None
            )
            return self._strip(self._row(self.rows[index], columns), width, style)
        if index == len(self.rows) and self.next_nodes:
            text = Text("     ")
            text.append("next → ", "dim")
            for node in self.next_nodes:
                mark = "● " if node in self.breakpoints else ""
                text.append(mark, "bold red")
                text.append(one_line(node, 24) + " ", "bold yellow")
            return self._strip(text, width, None)
        return Strip.blank(width)

    def _strip(self, text: Text, width: int, style: Style | None) -> Strip:
        segments = list(text.render(self.app.console))
        strip = Strip(segments).crop(0, width).extend_cell_length(width)
        if style is not None:
            strip = strip.apply_style(style)
        return strip

    def _header(self, columns: dict[str, int]) -> Text:
        text = Text(no_wrap=True)
        text.append("step".rjust(columns["step"] - 1) + " ")
        text.append("  ")
        text.append("node".ljust(columns["node"]))
        text.append("time".rjust(columns["dur"] - 1))
        if "tok" in columns:
            text.append("tok".rjust(columns["tok"]))
        if "ttft" in columns:
            text.append("ttft".rjust(columns["ttft"]))
            text.append("tok/s".rjust(columns["rate"]))
        if "bar" in columns:
            text.append(" ")
            text.append("timeline".ljust(columns["bar"]))
        return text

    def _row(self, row: TaskRow, columns: dict[str, int]) -> Text:
        text = Text(no_wrap=True)
        text.append(self.model.step_label(row).rjust(columns["step"] - 1) + " ", "dim")
        mark, mark_style = MARKS.get(row.status, ("·", ""))
        text.append(mark + " ", mark_style)
        indent = "  " * row.depth + ("└ " if row.depth else "")
        label = Text(indent, "dim")
        if row.node in self.breakpoints and not row.ns:
            label.append("● ", "bold red")
        label.append(row.label, "bold" if row.status == "running" else "")
        label.truncate(columns["node"] - 1, overflow="ellipsis", pad=True)
        text.append_text(label)
        text.append(" ")
        duration = (
            row.duration_s if row.duration_s is not None else max(0.0, self.now - row.started_t)
        )
        text.append(
            duration_label(duration).rjust(columns["dur"] - 1),
            "green" if row.status == "running" else "",
        )
        if "tok" in columns:
            text.append((str(row.tokens) if row.tokens else "").rjust(columns["tok"]))
        if "ttft" in columns:
            ttft = row.ttft_s()
            rate = row.tokens_per_s()
            text.append((f"{ttft:.2f}s" if ttft is not None else "").rjust(columns["ttft"]), "dim")
            text.append((f"{rate:.0f}" if rate else "").rjust(columns["rate"]), "dim")
        if "bar" in columns:
            text.append(" ")
            text.append_text(self._bar(row, columns["bar"]))
        return text

    def _bar(self, row: TaskRow, width: int) -> Text:
        start, end = self.model.run_span(self.now)
        span = end - start
        row_end = row.finished_t if row.finished_t is not None else self.now
        if span <= 0:
            left, right = 0, 1
        else:
            left = int((row.started_t - start) / span * width)
            right = max(left + 1, math.ceil((row_end - start) / span * width))
        left, right = min(left, width - 1), min(right, width)
        bar = Text(no_wrap=True)
        bar.append(" " * left)
        bar.append("━" * (right - left), BAR_STYLES.get(row.status, ""))
        bar.append(" " * (width - right))
        return bar

    def render_lines_for_test(self) -> list[str]:
        """The visible text of every row; what a person would read (used in tests)."""
        columns = self._columns(max(self.size.width, 80))
        return [self._header(columns).plain] + [self._row(r, columns).plain for r in self.rows]
