"""The top line: status, tokens, rate, elapsed, step, graph, thread, model.

Fields have priorities: on a narrow terminal the least useful ones (model, thread,
graph) go first, never the status word or the figures. A hint that explains a
stop (a failure, a breakpoint) gets a second line when it does not fit the first.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tui.app.text.literal import clock_label, one_line
from tui.app.text.sparkline import sparkline
from tui.engine.loop_watch import warn_at
from tui.engine.status import RunStatus

STATUS_STYLES = {
    RunStatus.RUNNING: "bold black on green",
    RunStatus.PAUSING: "bold black on yellow",
    RunStatus.PAUSED: "bold black on yellow",
    RunStatus.BREAKPOINT: "bold white on red",
    RunStatus.INTERRUPTED: "bold black on magenta",
    RunStatus.CANCELLED: "bold white on grey37",
    RunStatus.FAILED: "bold white on red",
    RunStatus.DONE: "bold black on cyan",
    RunStatus.IDLE: "bold white on grey30",
    RunStatus.LOADING: "bold black on yellow",
    RunStatus.NOT_LOADED: "bold white on red",
}
# Statuses whose detail (a failure's hint, where a pause stopped) is worth a line.
HINT_LINES = 3
DETAILED = frozenset(
    {
        RunStatus.FAILED,
        RunStatus.CANCELLED,
        RunStatus.BREAKPOINT,
        RunStatus.PAUSING,
        RunStatus.PAUSED,
        RunStatus.LOADING,
        RunStatus.NOT_LOADED,
    }
)


class StatusBar(Widget):
    DEFAULT_CSS = """
    StatusBar { height: auto; max-height: 4; dock: top; background: $panel; }
    """

    graph = reactive("")
    thread_id = reactive("")
    model_label = reactive("")
    step = reactive[int | None](None)
    status = reactive(RunStatus.IDLE, layout=True)  # the hint line comes and goes with it
    detail = reactive("", layout=True)
    tokens = reactive(0)
    rate = reactive[float | None](None)
    elapsed = reactive(0.0)
    follow = reactive(True)
    steps_used = reactive[int | None](None)
    recursion_limit = reactive[int | None](None)
    input_tokens = reactive[tuple[int, ...]](())
    """Each LLM call's input tokens: the prompt growing turn by turn."""
    player = reactive("")
    """A recording's player: playing or paused, speed, position."""

    _lines: tuple[object, list[Strip]] | None = None
    """The lines last drawn, and what they were drawn from."""

    def _fields(self) -> list[tuple[int, Text]]:
        """(priority, text) in display order; lower priority is dropped first."""

        def field(*parts: tuple[str, str]) -> Text:
            text = Text("  ")
            for value, style in parts:
                text.append(value, style)
            return text

        status = self.status.label
        fields = [
            (5, field((one_line(self.graph, 30), "bold"))),
            (3, field(("thread ", "dim"), (one_line(self.thread_id, 12), ""))),
            (2, field((one_line(self.model_label, 24), "italic"))),
            (6, field(("step ", "dim"), ("-" if self.step is None else str(self.step), ""))),
            (9, field((f" {status} ", STATUS_STYLES.get(self.status, "reverse")))),
            (8, field((f"{self.tokens:,} tok", ""))),
            (
                7,
                field(
                    (
                        f"{self.rate:,.0f} tok/s" if self.rate else "- tok/s",
                        "" if self.rate else "dim",
                    )
                ),
            ),
            (7, field((clock_label(self.elapsed), ""))),
        ]
        if not self.follow:
            fields.append((8, field(("follow off", "yellow"))))
        fields += self._loop_fields(field)
        if self.player:
            fields.append((9, field((self.player, "bold cyan"))))
        return [(priority, text) for priority, text in fields if text.plain.strip()]

    def _loop_fields(self, field: Callable[..., Text]) -> list[tuple[int, Text]]:
        """The recursion budget once half of it is used, and input tokens per call."""
        fields = []
        used, limit = self.steps_used, self.recursion_limit
        if used is not None and limit and used * 2 >= limit:
            near = used >= warn_at(limit)
            style = "bold white on red" if near else "yellow"
            fields.append((6, field(("steps ", "dim"), (f"{used}/{limit}", style))))
        calls = self.input_tokens
        if len(calls) >= 2:
            # Dropped before the thread id on a narrow terminal, after the model.
            fields.append(
                (
                    2,
                    field(
                        ("in ", "dim"), (sparkline(list(calls)), "cyan"), (f" {calls[-1]:,}", "")
                    ),
                )
            )
        return fields

    def render(self) -> Text:
        width = self.size.width or 200
        fields = self._fields()
        while sum(t.cell_len for _, t in fields) > width and fields:
            lowest = min(range(len(fields)), key=lambda i: fields[i][0])
            fields.pop(lowest)
        bar = Text(no_wrap=True, overflow="ellipsis", end="")
        for _, text in fields:
            bar.append_text(text)
        if self.detail and self.status in DETAILED:
            detail = one_line(self.detail, 2000)
            room = width - bar.cell_len - 2
            if len(detail) <= room:
                bar.append("  ")
                bar.append(detail, "italic")
            else:
                # The hint is the fix: it gets lines of its own, never an ellipsis
                # (up to three, which holds every hint the debugger writes).
                lines = textwrap.wrap(detail, max(10, width - 2)) or [""]
                if len(lines) > HINT_LINES:
                    lines = [
                        *lines[: HINT_LINES - 1],
                        one_line(" ".join(lines[HINT_LINES - 1 :]), width - 2),
                    ]
                for line in lines:
                    bar.append("\n ")
                    bar.append(line, "italic")
        return bar

    def render_line(self, y: int) -> Strip:
        """A line of the bar, from its Rich text straight to a strip: Textual's own
        way (the text to ``Content``, wrapped, and back to segments) costs ~3x as
        much, and the bar is drawn again 10 times a second while a run's clock
        moves. Same cells, styles and selection offsets. A line wider than the bar
        (a hint's wide characters) is Textual's to crop, as before."""
        width = self.size.width
        text = self.render()
        if any(cell_len(line) > width for line in text.plain.split("\n")):
            return super().render_line(y)
        key = (width, text.plain, tuple(text.spans), self.visual_style)
        if self._lines is None or self._lines[0] != key:
            console = self.app.console
            options = console.options.update_width(width)
            base = self.visual_style.rich_style
            lines = console.render_lines(text, options, style=base, pad=False)
            # Not padded: the widget's styles pad each line with its background.
            strips = [Strip(line).apply_offsets(0, n) for n, line in enumerate(lines)]
            self._lines = key, strips
        strips = self._lines[1]
        return strips[y] if y < len(strips) else Strip.blank(width, self.visual_style.rich_style)
