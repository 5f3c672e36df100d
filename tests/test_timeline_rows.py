"""A timeline row goes straight to segments (no ``rich.text.Text`` per repaint); what it
shows must be what the Text it replaced showed: the same cells, cut and padded the
same way, for any label and any pane width."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

from tests.app_helpers import wait_until
from tui.app.app import DebuggerApp
from tui.app.panes import timeline_columns as table
from tui.app.replay import ReplaySource
from tui.app.view.records import TaskRow
from tui.engine.events import Event, RunStarted, TaskFinished, TaskStarted
from tui.engine.status import TaskStatus

# Wide (CJK, emoji) and narrow characters, control characters (shown as escapes).
LABELS = st.text(
    alphabet=st.sampled_from(["a", "Z", " ", "·", "界", "🙂", "\x1b", "\n", "é"]), max_size=60
)


@given(LABELS, st.integers(1, 60), st.sampled_from(["", "dim"]))
def test_a_cut_label_is_what_text_truncate_shows(label, width, style):
    pieces = [("  └ ", "dim"), (label, style), (" #2", "dim")]
    fitted = table._fit(pieces, width, "dim")
    plain = "".join(text for text, _ in fitted)
    before = Text("".join(text for text, _ in pieces))
    before.truncate(width, overflow="ellipsis", pad=True)
    assert plain == before.plain
    assert cell_len(plain) == width


@given(st.integers(1, 10**9 - 1))
def test_a_token_count_keeps_its_gap_from_the_time_beside_it(n):
    label = table.token_count(n)
    assert len(label) <= 4
    if n < 10_000:
        assert label == str(n)  # exact while it fits
    else:
        # Never more than the count: 17,999 is 17k.
        value = round(float(label[:-1]) * {"k": 1e3, "M": 1e6}[label[-1]])
        assert value <= n < value + {"k": 1e3, "M": 1e6 if n >= 10**7 else 1e5}[label[-1]]


@given(
    LABELS,
    st.integers(10, 200),
    st.sampled_from(list(TaskStatus)),
    st.integers(0, 3),
    st.booleans(),
)
def test_a_row_strip_is_the_row_text_in_exactly_the_pane_width(label, width, status, depth, cursor):
    row = TaskRow("t1", "node", 3, tuple(f"n{i}:x" for i in range(depth)), 1.0, status=status)
    row.sent = label
    row.finished_t = None if status == TaskStatus.RUNNING else 2.0
    frame = table.Frame(
        now=3.0,
        span_start=0.0,
        span_end=3.0,
        breakpoints=frozenset({"node"}),
        step_label=lambda r: str(r.step),
    )
    columns = table.layout(width, table.label_width(row))
    cursor_style = Style.parse("reverse") if cursor else None
    strip = table.row_strip(row, columns, frame, width, cursor_style)
    assert strip.cell_length == width
    assert "".join(s.text for s in strip) == set_cell_size(
        table.row_text(row, columns, frame).plain, width
    )
    if cursor:  # the cursor's background runs the whole width
        assert all(s.style is not None and s.style.reverse for s in strip)


async def test_a_cursor_move_repaints_the_two_rows_it_touched():
    """A repaint costs what is visible and changed: moving the cursor down a fan-out
    of 300 workers draws the row it left and the row it reached, not the pane."""
    events: list[Event] = [
        RunStarted(graph="fan", thread_id="t1", input={}, stream_modes=[]),
        *(
            TaskStarted(step=1, node="worker", task_id=f"w{i}", t=i / 1000, triggers=["x"])
            for i in range(300)
        ),
        # All done: nothing ticks, so a repaint is the cursor's alone.
        *(
            TaskFinished(
                step=1, node="worker", task_id=f"w{i}", status=TaskStatus.OK, duration_s=1.0, t=2
            )
            for i in range(300)
        ),
    ]
    app = DebuggerApp(ReplaySource(events, name="fan"), autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.timeline.rows) == 300)
        timeline = app.timeline
        timeline.focus()
        timeline.cursor = 0
        await pilot.pause()
        drawn: list[int] = []
        render_line = timeline.render_line

        def counted(y: int):
            drawn.append(y)
            return render_line(y)

        timeline.render_line = counted  # type: ignore[method-assign]
        await pilot.press("down")
        await wait_until(pilot, lambda: timeline.cursor == 1 and len(drawn) >= 2)
        await pilot.pause()
        assert sorted(drawn) == [1, 2], drawn  # row 0 is line 1 (the header is line 0)
