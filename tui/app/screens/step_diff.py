"""The step diff: what one step changed in the state, against the step before it or
against a step the user pinned (``D``). ``[`` and ``]`` move to the previous and next
step; ``D`` pins the shown step as the base."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from tui.app.panes.value_tree import MESSAGE_TYPES, is_message
from tui.app.screens.modal import Modal
from tui.app.text.literal import literal, one_line, to_json_text
from tui.app.view.records import CheckpointInfo
from tui.app.view.state_diff import Change, ChangeKind, diff_values, path_label

PREVIEW = 160
MAX_CHANGES = 500
_KEPT_CONTEXT = 2
SIGNS = {
    ChangeKind.ADDED: ("+", "green"),
    ChangeKind.APPENDED: ("+", "green"),
    ChangeKind.REMOVED: ("-", "red"),
    ChangeKind.CHANGED: ("~", "yellow"),
    ChangeKind.REPLACED: ("~", "yellow"),
    ChangeKind.TEXT: ("~", "yellow"),
}


def preview(value: Any) -> Text:
    """One line for a value: a message by its type and content, else compact JSON."""
    if is_message(value):
        text = Text(MESSAGE_TYPES[value["type"]], "bold")
        content = value.get("content")
        shown = content if isinstance(content, str) else to_json_text(content, indent=None)
        if shown:
            text.append(": ")
            text.append(one_line(shown, PREVIEW))
        calls = value.get("tool_calls") or []
        if calls:
            names = ", ".join(one_line(str(c.get("name", "?")), 20) for c in calls)
            text.append(f"  [tool calls: {names}]", "yellow")
        return text
    if isinstance(value, str):
        text = Text('"' + one_line(value, PREVIEW) + '"', "green")
        if len(value) > PREVIEW:
            text.append(f"  ({len(value):,} chars)", "dim")
        return text
    return Text(one_line(to_json_text(value, indent=None), PREVIEW), "cyan")


def change_lines(change: Change, indent: str = "") -> Text:
    sign, style = SIGNS[change.kind]
    text = Text(indent)
    text.append(f"{sign} ", f"bold {style}")
    text.append(one_line(path_label(change.path), 60), "bold")
    text.append(f" {change.kind}", style)
    if change.kind in (ChangeKind.ADDED, ChangeKind.APPENDED):
        text.append(": ", "dim")
        text.append_text(preview(change.after))
    elif change.kind == ChangeKind.REMOVED:
        text.append(": ", "dim")
        text.append_text(preview(change.before))
    elif change.kind == ChangeKind.CHANGED:
        text.append(": ", "dim")
        text.append_text(preview(change.before))
        text.append(" → ", "dim")
        text.append_text(preview(change.after))
    elif change.kind == ChangeKind.REPLACED:
        for inner in diff_values(change.before, change.after):
            text.append("\n")
            text.append_text(change_lines(inner, indent + "    "))
    else:
        text.append_text(_text_change(change, indent + "    "))
    return text


def _text_change(change: Change, indent: str) -> Text:
    text = Text()
    if not change.text:  # too long to diff: both sides, cut
        text.append(f"\n{indent}- ", "red")
        text.append_text(preview(change.before))
        text.append(f"\n{indent}+ ", "green")
        text.append_text(preview(change.after))
        return text
    lines = "\n" in change.before or "\n" in change.after
    if not lines:
        text.append(f"\n{indent}")
        # As git's --word-diff shows it: [-removed-]{+added+}, in colour too.
        for op, piece in change.text:
            shown = one_line(piece, 400)
            if op == "-":
                text.append_text(literal(f"[-{shown}-]", "bold red"))
            elif op == "+":
                text.append_text(literal(f"{{+{shown}+}}", "bold green"))
            else:
                text.append_text(literal(shown))
        return text
    for op, piece in change.text:
        rows = piece.splitlines()
        if op == " " and len(rows) > 2 * _KEPT_CONTEXT + 1:
            rows = [
                *rows[:_KEPT_CONTEXT],
                f"… {len(rows) - 2 * _KEPT_CONTEXT} unchanged lines",
                *rows[-_KEPT_CONTEXT:],
            ]
        style = {"-": "red", "+": "green"}.get(op, "dim")
        for row in rows:
            text.append(f"\n{indent}{op} ", style)
            text.append_text(literal(one_line(row, 400), style))
    return text


def diff_text(changes: list[Change]) -> Text:
    if not changes:
        return Text("this step changed nothing in the state", "dim italic")
    text = Text()
    for index, change in enumerate(changes[:MAX_CHANGES]):
        if index:
            text.append("\n")
        text.append_text(change_lines(change))
    if len(changes) > MAX_CHANGES:
        text.append(f"\n… {len(changes) - MAX_CHANGES:,} more changes", "dim italic")
    return text


class StepDiffScreen(Modal[None]):
    AUTO_FOCUS = "#step-diff-body"
    BINDINGS = [
        Binding("escape,q,d", "close", "Close"),
        Binding("left_square_bracket", "step(-1)", "Previous step", key_display="["),
        Binding("right_square_bracket", "step(1)", "Next step", key_display="]"),
    ]

    def __init__(
        self,
        steps: list[CheckpointInfo],
        shown: CheckpointInfo,
        compare: Callable[[CheckpointInfo], Awaitable[tuple[Any, Any, str]]],
    ) -> None:
        """``steps``: the checkpoints ``[``/``]`` walk; ``compare``: a checkpoint's
        values, those it is compared with (the step before, or the pinned one) and how
        to say which; older states are read back, so it is awaited."""
        super().__init__()
        self.steps = steps
        self.shown = shown
        self.compare = compare
        self.changes: list[Change] = []
        self.against = ""
        self.ready = False
        """The diff of ``shown`` is on screen (its states may have been read back)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="step-diff", classes="dialog wide"):
            yield Label(id="step-diff-title", classes="dialog-title")
            yield Label(
                Text("[ ] previous/next step · D (in the timeline) pins a base · esc closes", "dim")
            )
            with VerticalScroll(id="step-diff-body"):
                yield Static(id="step-diff-text")

    def on_mount(self) -> None:
        self._show()

    @work(exclusive=True, group="step-diff")
    async def _show(self) -> None:
        self.ready = False
        shown = self.shown
        title = Text(f"Step {shown.step}", "bold")
        where = " › ".join(s.partition(":")[0] for s in shown.ns)
        if where:
            title.append(f" in {one_line(where, 40)}")
        try:
            before, after, self.against = await self.compare(shown)
        except Exception as exc:  # a checkpoint gone from the store: say so
            self.changes, self.against = [], "?"
            self.query_one("#step-diff-title", Label).update(title)
            self.query_one("#step-diff-text", Static).update(
                literal(f"the states to compare could not be read: {exc}", "red")
            )
            self.ready = True
            return
        if shown is not self.shown:
            return  # moved on meanwhile
        self.changes = diff_values(before if before is not None else {}, after)
        title.append(f" against {self.against}", "dim")
        title.append(f" · {len(self.changes)} change{'s' if len(self.changes) != 1 else ''}")
        self.query_one("#step-diff-title", Label).update(title)
        self.query_one("#step-diff-text", Static).update(diff_text(self.changes))
        self.ready = True

    def action_step(self, delta: int) -> None:
        ids = [info.checkpoint_id for info in self.steps]
        if self.shown.checkpoint_id not in ids:
            return
        index = ids.index(self.shown.checkpoint_id) + delta
        if 0 <= index < len(self.steps):
            self.shown = self.steps[index]
            self._show()

    def action_close(self) -> None:
        self.finish(None)

    def plain_text(self) -> str:
        return f"step {self.shown.step} against {self.against}\n" + diff_text(self.changes).plain
