"""The node timeline: one row per task, with a time bar so parallel work shows.

Built on the Line API (``ScrollView.render_line``): only visible rows are drawn,
columns adapt to the pane's width, and a ticking duration costs a repaint, not a
widget per cell.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.kept_lines import blank_line
from tui.app.panes import timeline_columns as table
from tui.app.text.literal import one_line
from tui.app.view.records import TaskRow
from tui.app.view.run_view import RunView


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

    cursor = reactive(-1, init=False, repaint=False)  # watch_cursor repaints what moved

    class RowHighlighted(Message):
        def __init__(self, row: TaskRow | None) -> None:
            self.row = row
            super().__init__()

    class RowSelected(Message):
        def __init__(self, row: TaskRow) -> None:
            self.row = row
            super().__init__()

    def __init__(self, model: RunView, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.rows: list[TaskRow] = []
        self.breakpoints: frozenset[str] = frozenset()
        self.now = 0.0
        self.next_nodes: list[str] = []
        self._layout_key: tuple[int, int] | None = None
        self._columns: list[tuple[table.Column, int]] = []
        self._frame: table.Frame | None = None
        self._version = 0
        self._label_width = 0  # the widest node label of any row (the node column's want)
        self._shown: dict[int, Strip] = {}
        """What each visible line was last drawn as, at ``_shown_at``."""
        self._shown_at: tuple[int, int, int, int] | None = None
        self._fresh: dict[int, Strip] = {}
        """Lines drawn by ``_repaint`` for the paint that follows it (once each)."""
        self._header: tuple[tuple[list[tuple[table.Column, int]], int], Strip] | None = None
        """The header line, for the columns and width it was drawn for."""

    # -- data in ---------------------------------------------------------------------

    def sync(self, now: float, breakpoints: set[str]) -> None:
        """Pull rows from the model; keep the cursor on the same task if it moved.
        Costs what changed since the last sync, not what the run holds: the model
        keeps its row list and says which tasks changed; the rows drawn are the
        visible ones."""
        selected = self.selected_row
        rows = self.model.task_rows()
        changed = self.model.task_index.take_changed()
        if rows is self.rows:
            tasks = self.model.tasks
            measured = (tasks[task_id] for task_id in changed if task_id in tasks)
            self._label_width = max(self._label_width, *map(table.label_width, measured), 0)
        else:  # another view, or the order was made again
            self._label_width = max(map(table.label_width, rows), default=0)
        self.rows = rows
        self.breakpoints = frozenset(breakpoints)
        self.now = now
        self.next_nodes = self.model.stopped_next()
        self._version += 1
        height = len(rows) + 1 + (1 if self.next_nodes else 0)
        self.virtual_size = Size(self.size.width, height)
        if selected is not None and not (
            0 <= self.cursor < len(rows) and rows[self.cursor] is selected
        ):
            index = next((i for i, r in enumerate(rows) if r.task_id == selected.task_id), -1)
            if index != self.cursor:
                self.set_reactive(Timeline.cursor, index)
        self._repaint()

    def tick(self, now: float) -> None:
        if self.model.task_index.any_running:
            self.now = now
            self._frame = None
            self._repaint()

    def _repaint(self) -> None:
        """Refresh the visible lines that now look different from what they were
        drawn as: a tick moves the running rows' durations and bars, not the
        finished rows nor the blank lines below the last row."""
        at = self._view_key()
        self._fresh = {}
        if at != self._shown_at:  # scrolled or resized: every line moved
            self.refresh()
            return
        top, _, height, width = at
        for y in range(height):
            strip = self._draw_line(y, top, width)
            if self._shown.get(y) != strip:
                self._fresh[y] = strip
        changed = sorted(self._fresh)
        # One refresh per run of changed lines (a refresh walks up to the screen).
        for start, stop in zip(
            [y for y in changed if y - 1 not in self._fresh],
            [y + 1 for y in changed if y + 1 not in self._fresh],
            strict=True,
        ):
            self.refresh_lines(top + start, stop - start)

    def _view_key(self) -> tuple[int, int, int, int]:
        """(scroll offset, pane width, height, width the rows are drawn in)."""
        width, height = self.size
        # Columns are laid out for the width less the scrollbar, shown or not, so
        # they do not jump when the rows start to overflow.
        drawn = max(10, width - self.styles.scrollbar_size_vertical)
        return int(self.scroll_offset.y), width, height, drawn

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
        self._fresh = {}  # drawn with the cursor where it was
        top = int(self.scroll_offset.y)
        if 0 <= new < len(self.rows):
            self.scroll_to(y=max(0, min(new, int(self.scroll_offset.y))), animate=False)
            if new - int(self.scroll_offset.y) >= self.size.height - 1:
                self.scroll_to(y=new - self.size.height + 2, animate=False)
        self.post_message(self.RowHighlighted(self.selected_row))
        if int(self.scroll_offset.y) != top:
            self.refresh()
            return
        # Not scrolled: only the rows the cursor left and reached change (the header
        # is line 0, row i is line i + 1).
        for index in (old, new):
            if 0 <= index < len(self.rows):
                self.refresh_line(index + 1)

    # -- drawing ------------------------------------------------------------------------

    def _layout(self, width: int) -> tuple[list[tuple[table.Column, int]], table.Frame]:
        """Columns and per-repaint figures, computed once per repaint, not per line."""
        if self._layout_key != (width, self._version):
            self._layout_key = (width, self._version)
            self._columns = table.layout(width, self._label_width)
            self._frame = None
        if self._frame is None:
            start, end = self.model.run_span(self.now)
            self._frame = table.Frame(
                now=self.now,
                span_start=start,
                span_end=end,
                breakpoints=self.breakpoints,
                step_label=self.model.step_label,
                changed_nothing=self.model.changed_nothing,
            )
        return self._columns, self._frame

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._fresh = {}  # drawn in the old styles
        self._header = None

    def render_line(self, y: int) -> Strip:
        at = self._view_key()
        strip = self._fresh.pop(y, None)
        if strip is None or at != self._shown_at:
            strip = self._draw_line(y, at[0], at[3])
        if at != self._shown_at:
            self._shown, self._shown_at = {}, at
        self._shown[y] = strip
        return strip

    def _draw_line(self, y: int, top: int, width: int) -> Strip:
        columns, frame = self._layout(width)
        if y == 0:
            if self._header is None or self._header[0] != (columns, width):
                style = self.get_component_rich_style("timeline--header")
                self._header = (columns, width), self._strip(table.header(columns), width, style)
            return self._header[1]
        index = y + top - 1
        if index < 0:
            return blank_line(width)
        if index < len(self.rows):
            cursor = (
                self.get_component_rich_style("timeline--cursor") if index == self.cursor else None
            )
            return table.row_strip(self.rows[index], columns, frame, width, cursor)
        if index == len(self.rows) and self.next_nodes:
            text = Text("     ")
            text.append("next → ", "dim")
            for node in self.next_nodes:
                mark = "● " if node in self.breakpoints else ""
                text.append(mark, "bold red")
                text.append(one_line(node, 24) + " ", "bold yellow")
            return self._strip(text, width, None)
        return blank_line(width)

    def _strip(self, text: Text, width: int, style: Style | None) -> Strip:
        segments = list(text.render(self.app.console))
        strip = Strip(segments).crop(0, width).extend_cell_length(width)
        if style is not None:
            strip = strip.apply_style(style)
        return strip

    def render_lines_for_test(self) -> list[str]:
        """The visible text of every row; what a person would read (used in tests)."""
        columns = table.layout(max(self.size.width, 80), self._label_width)
        _, frame = self._layout(max(self.size.width, 80))
        return [table.header(columns).plain] + [
            table.row_text(r, columns, frame).plain for r in self.rows
        ]
