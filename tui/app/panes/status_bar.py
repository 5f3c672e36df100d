"""The top line: status, tokens, rate, elapsed, step, graph, thread, model.

Fields have priorities: on a narrow terminal the least useful ones (model, thread,
graph) go first, never the status word or the figures. A hint that explains a
stop (a failure, a breakpoint) gets a second line when it does not fit the first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict, Unpack

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
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


Pieces = list[tuple[str, str]]
"""A line's (text, style) pieces, in order."""
LAYOUT_FIELDS = frozenset({"status", "detail"})  # the hint line comes and goes with them


class StatusFields(TypedDict, total=False):
    """The bar's fields, by name, for ``StatusBar.show``."""

    graph: str
    thread_id: str
    model_label: str
    step: int | None
    status: RunStatus
    detail: str
    tokens: int
    rate: float | None
    elapsed: float
    follow: bool
    steps_used: int | None
    recursion_limit: int | None
    input_tokens: tuple[int, ...]
    player: str


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

    def show(self, **fields: Unpack[StatusFields]) -> None:
        """Set many fields at once, with one refresh for them all: the app sets a
        dozen every tenth of a second while a run goes, and each reactive set on its
        own costs a watcher check and a refresh (the bar has no watchers)."""
        changed = layout = False
        for name, value in fields.items():
            if getattr(self, name) != value:
                self.set_reactive(getattr(StatusBar, name), value)
                changed = True
                layout = layout or name in LAYOUT_FIELDS
        if changed:
            self.refresh(layout=layout)

    def _fields(self) -> list[tuple[int, Pieces]]:
        """(priority, pieces) in display order; lower priority is dropped first."""

        def field(*parts: tuple[str, str]) -> Pieces:
            return [("  ", ""), *parts]

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
            fields.append((9, field((one_line(self.player, 60), "bold cyan"))))
        return [(priority, pieces) for priority, pieces in fields if _plain(pieces).strip()]

    def _loop_fields(self, field: Callable[..., Pieces]) -> list[tuple[int, Pieces]]:
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

    def _lines_of_pieces(self) -> list[Pieces]:
        """The bar's lines: the fields that fit the width, a short hint after them,
        or a long one on lines of its own."""
        width = self.size.width or 200
        fields = self._fields()
        cells = [cell_len(_plain(pieces)) for _, pieces in fields]
        while sum(cells) > width and fields:
            lowest = min(range(len(fields)), key=lambda i: fields[i][0])
            fields.pop(lowest)
            cells.pop(lowest)
        first = [piece for _, pieces in fields for piece in pieces]
        lines = [first]
        if self.detail and self.status in DETAILED:
            detail = one_line(self.detail, 2000)
            room = width - sum(cells) - 2
            if cell_len(detail) <= room:
                first += [("  ", ""), (detail, "italic")]
            else:
                hint = hint_lines(detail, max(10, width - 2), self.app.console)
                lines += [[(" ", ""), (line, "italic")] for line in hint]
        return lines

    def render(self) -> Text:
        bar = Text(no_wrap=True, overflow="ellipsis", end="")
        for index, pieces in enumerate(self._lines_of_pieces()):
            if index:
                bar.append("\n")
            for value, style in pieces:
                bar.append(value, style)
        return bar

    def render_line(self, y: int) -> Strip:
        """A line of the bar, from its pieces straight to segments, as Rich renders
        a ``Text`` (a segment per styled piece, the unstyled ones between run
        together, each on the bar's own style): Textual's own way (the text to
        ``Content``, wrapped, and back to segments) costs several times as much,
        and the bar is drawn again 10 times a second while a run's clock moves.
        Same cells, styles and selection offsets. A line wider than the bar (a
        hint's wide characters) is Textual's to crop, and a tab Textual's to
        expand, as before."""
        width = self.size.width
        lines = self._lines_of_pieces()
        key = (width, lines, self.visual_style)
        if self._lines is None or self._lines[0] != key:
            plains = [_plain(pieces) for pieces in lines]
            if any(cell_len(plain) > width or "\t" in plain for plain in plains):
                self._lines = None
                return super().render_line(y)
            base = self.visual_style.rich_style
            strips = [
                Strip(_segments(pieces, base, self.app.console)).apply_offsets(0, n)
                for n, pieces in enumerate(lines)
            ]
            self._lines = key, strips
        strips = self._lines[1]
        return strips[y] if y < len(strips) else Strip.blank(width, self.visual_style.rich_style)


def hint_lines(hint: str, width: int, console: Console) -> list[str]:
    """A hint on lines of its own, each at most ``width`` cells (a wide character
    takes two). The hint is the fix: it is never cut, up to three lines, which hold
    every hint the debugger writes; a longer one ends its third with an ellipsis."""
    lines = [line.plain.rstrip() for line in Text(hint).wrap(console, width)] or [""]
    if len(lines) > HINT_LINES:
        rest = Text(" ".join(lines[HINT_LINES - 1 :]))
        rest.truncate(width, overflow="ellipsis")
        lines = [*lines[: HINT_LINES - 1], rest.plain]
    return lines


def _plain(pieces: Pieces) -> str:
    return "".join(value for value, _ in pieces)


def _segments(pieces: Pieces, base: Style, console: Console) -> list[Segment]:
    """What ``Text.render`` and ``Console.render_lines(style=base)`` make of a line
    appended piece by piece (each field is one line of visible characters already,
    ``one_line``): a segment at every edge of a styled piece, each on ``base`` plus
    its own style."""
    segments: list[Segment] = []
    unstyled = ""
    for value, style in pieces:
        if not value:
            continue
        if not style:
            unstyled += value
            continue
        if unstyled:
            segments.append(Segment(unstyled, base))
            unstyled = ""
        segments.append(Segment(value, base + console.get_style(style)))
    if unstyled or not segments:  # an empty line is one empty segment, styled
        segments.append(Segment(unstyled, base))
    return segments
