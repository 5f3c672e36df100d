"""The timeline's columns as a table: a new column (say, cost per node) is one entry.

Each column has a key, a header, a width, the narrowest pane that shows it, and a
cell function. Two columns flex: the node label takes what the fixed columns
leave (growing for labels that need it, such as Send workers), and the time bar
takes the rest when there is enough of it to say anything.

A cell is a few (text, style) pieces, not a ``rich.text.Text``: a repaint draws every
visible row, each tick while a task runs, so a row goes straight to segments
(``row_segments``) without Text's span bookkeeping and rendering.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tui.app.text.literal import duration_label, visible
from tui.app.view.records import TaskRow
from tui.engine.status import TaskStatus

MARKS = {
    TaskStatus.RUNNING: ("▶", "bold green"),
    TaskStatus.OK: ("✓", "green"),
    TaskStatus.ERROR: ("✗", "bold red"),
    TaskStatus.INTERRUPTED: ("?", "bold magenta"),
    TaskStatus.CANCELLED: ("■", "dim"),
}
BAR_STYLES = {
    TaskStatus.RUNNING: "green",
    TaskStatus.OK: "cyan",
    TaskStatus.ERROR: "red",
    TaskStatus.INTERRUPTED: "magenta",
    TaskStatus.CANCELLED: "grey50",
}
NODE_MIN, NODE_BASE, NODE_MAX = 8, 16, 40
BAR_MIN, BAR_KEEP = 6, 12


@dataclass(frozen=True)
class Frame:
    """What every cell of one repaint needs, computed once for the repaint."""

    now: float
    span_start: float
    span_end: float
    breakpoints: frozenset[str]
    step_label: Callable[[TaskRow], str]
    changed_nothing: Callable[[TaskRow], bool] = lambda row: False


Piece = tuple[str, str]
"""Text and the style it is drawn in (a style name, as ``rich`` parses them)."""
Cell = Callable[[TaskRow, Frame, int], list[Piece]]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    min_pane: int
    cell: Cell
    align: Literal["left", "right"] = "right"
    gap: int = 0
    """Blank cells after the cell's own text, within the column's width."""


def _step(row: TaskRow, frame: Frame, width: int) -> list[Piece]:
    return [(frame.step_label(row).rjust(width - 1) + " ", "dim")]


UNCHANGED_MARK = ("∅", "dim green")
"""A step that ran well and left the state as it was."""


def _mark(row: TaskRow, frame: Frame, width: int) -> list[Piece]:
    mark, style = MARKS.get(row.status, ("·", ""))
    if row.status == TaskStatus.OK and frame.changed_nothing(row):
        mark, style = UNCHANGED_MARK
    return [(mark + " ", style)]


def _node(row: TaskRow, frame: Frame, width: int) -> list[Piece]:
    # The whole cell is dim; a running task's label is bold too.
    pieces = [("  " * row.depth + ("└ " if row.depth else ""), "dim")]
    if row.node in frame.breakpoints and not row.ns:
        pieces.append(("● ", "dim bold red"))
    pieces.append((visible(row.label), "dim bold" if row.status == TaskStatus.RUNNING else "dim"))
    pieces.append((_run_suffix(row), "dim"))
    return _fit(pieces, width - 1, "dim")


def _fit(pieces: list[Piece], width: int, pad: str) -> list[Piece]:
    """``pieces`` in exactly ``width`` cells: cut with an ellipsis, or padded (``pad``
    is the padding's style)."""
    total = sum(cell_len(text) for text, _ in pieces)
    if total <= width:
        return [*pieces, (" " * (width - total), pad)]
    fitted: list[Piece] = []
    room = width - 1  # the ellipsis takes the last cell
    for text, style in pieces:
        size = cell_len(text)
        if size > room:
            cut = chop_cells(text, room)[0] if room > 0 else ""
            fitted.append((cut + " " * (room - cell_len(cut)) + "…", style))
            break
        fitted.append((text, style))
        room -= size
    return fitted


def _run_suffix(row: TaskRow) -> str:
    """`` #3`` on the node's third run in this run: a loop going round."""
    return f" #{row.run_number}" if row.run_number > 1 else ""


def _duration(row: TaskRow, frame: Frame, width: int) -> list[Piece]:
    duration = row.duration_s if row.duration_s is not None else max(0.0, frame.now - row.started_t)
    running = row.status == TaskStatus.RUNNING
    return [(duration_label(duration).rjust(width - 1), "green" if running else "")]


def _tokens(row: TaskRow, frame: Frame, width: int) -> list[Piece]:
    return [((token_count(row.tokens) if row.tokens else "").rjust(width), "")]


def token_count(n: int) -> str:
    """A count in four cells at most (to a thousand millions), so that the column keeps
    its gap from the time beside it: 9999, 17k, 999k, 1.2M, 12M."""
    if n < 10_000:
        return str(n)
    if n < 1_000_000:
        return f"{n // 1000}k"
    if n < 10_000_000:
        return f"{n // 100_000 / 10:.1f}M"
    return f"{n // 1_000_000}M"


def _ttft(row: TaskRow, frame: Frame, width: int) -> list[Piece]:
    ttft = row.ttft_s()
    return [((f"{ttft:.2f}s" if ttft is not None else "").rjust(width), "dim")]


def _rate(row: TaskRow, frame: Frame, width: int) -> list[Piece]:
    rate = row.tokens_per_s()
    return [((f"{rate:.0f}" if rate else "").rjust(width), "dim")]


def _bar(row: TaskRow, frame: Frame, width: int) -> list[Piece]:
    width -= 1  # a space before the bar
    span = frame.span_end - frame.span_start
    row_end = row.finished_t if row.finished_t is not None else frame.now
    if span <= 0:
        left, right = 0, 1
    else:
        left = int((row.started_t - frame.span_start) / span * width)
        right = max(left + 1, math.ceil((row_end - frame.span_start) / span * width))
    left, right = min(left, width - 1), min(right, width)
    return [
        (" " * (left + 1), ""),
        ("━" * (right - left), BAR_STYLES.get(row.status, "")),
        (" " * (width - right), ""),
    ]


COLUMNS: tuple[Column, ...] = (
    Column("step", "step", 4, 0, _step),
    Column("mark", "", 2, 0, _mark),
    Column("node", "node", NODE_MIN, 0, _node, align="left", gap=1),
    Column("dur", "time", 8, 0, _duration),
    Column("tok", "tok", 5, 34, _tokens),
    Column("ttft", "ttft", 6, 46, _ttft),
    Column("rate", "tok/s", 6, 46, _rate),
    Column("bar", "timeline", BAR_MIN, 0, _bar, align="left"),
)


def label_width(row: TaskRow) -> int:
    """The cells ``row``'s node label wants: indent, label, run number, a gap."""
    return 2 * row.depth + (2 if row.depth else 0) + len(row.label) + len(_run_suffix(row)) + 2


def layout(pane_width: int, wanted: int) -> list[tuple[Column, int]]:
    """The columns that fit ``pane_width``, each with the width it gets; ``wanted``:
    the widest ``label_width`` of the rows."""
    shown = [c for c in COLUMNS if pane_width >= c.min_pane]
    fixed = sum(c.width for c in shown if c.key not in ("node", "bar"))
    node = max(NODE_MIN, min(NODE_BASE, pane_width - fixed))
    bar = pane_width - fixed - node
    # Room to spare goes to labels that need it (Send workers), down to a 12-cell bar.
    grow = max(0, min(wanted - node, bar - 1 - BAR_KEEP, NODE_MAX - node))
    node, bar = node + grow, bar - grow
    widths = {"node": node, "bar": bar}
    return [(c, widths.get(c.key, c.width)) for c in shown if c.key != "bar" or bar - 1 >= BAR_MIN]


def header(columns: list[tuple[Column, int]]) -> Text:
    text = Text(no_wrap=True)
    for column, width in columns:
        if column.key == "step":
            text.append(column.header.rjust(width - 1) + " ")
        elif column.key == "dur":
            text.append(column.header.rjust(width - 1))
        elif column.key == "bar":
            text.append(" " + column.header.ljust(width - 1))
        elif column.align == "left":
            text.append(column.header.ljust(width))
        else:
            text.append(column.header.rjust(width))
    return text


def row_pieces(row: TaskRow, columns: list[tuple[Column, int]], frame: Frame) -> list[Piece]:
    pieces: list[Piece] = []
    for column, width in columns:
        pieces += column.cell(row, frame, width)
        if column.gap:
            pieces.append((" " * column.gap, ""))
    return pieces


def row_strip(
    row: TaskRow,
    columns: list[tuple[Column, int]],
    frame: Frame,
    width: int,
    base: Style | None = None,
) -> Strip:
    """The row as a strip ``width`` cells wide, each piece's style over ``base`` (the
    cursor's, say). Built from segments whose width is known: no measuring again."""
    segments = []
    cells = 0
    for text, style in row_pieces(row, columns, frame):
        if text:
            segments.append(Segment(text, _style(style, base)))
            cells += cell_len(text)
    if cells < width:
        segments.append(Segment(" " * (width - cells), base))
    elif cells > width:
        return Strip(segments, cells).crop(0, width)
    return Strip(segments, width)


def row_text(row: TaskRow, columns: list[tuple[Column, int]], frame: Frame) -> Text:
    """The row as text (what tests read)."""
    return Text.assemble(*row_pieces(row, columns, frame), no_wrap=True)


_STYLES: dict[tuple[str, Style | None], Style] = {}


def _style(name: str, base: Style | None) -> Style:
    """``name`` parsed, over ``base``: once per pair (a handful: the column styles, with
    and without the cursor's)."""
    key = (name, base)
    style = _STYLES.get(key)
    if style is None:
        if len(_STYLES) > 1024:  # themes changed many times over: start again
            _STYLES.clear()
        style = Style.parse(name) if name else Style.null()
        if base is not None:
            style = base + style
        _STYLES[key] = style
    return style
