"""Updates, custom events, interrupts, errors (with tracebacks): filterable by kind."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.events import Resize
from textual.widgets import RichLog

from tui.app.panes.value_tree import MESSAGE_TYPES, is_message
from tui.app.text.literal import clock_label, literal, one_line, to_json_text
from tui.app.text.traceback_view import user_traceback
from tui.app.view.records import LogEntry, LogKind
from tui.app.view.run_view import RunView

ALL = "all"
FILTERS: tuple[str, ...] = (ALL, *LogKind)
STYLES = {
    LogKind.UPDATE: "bold cyan",
    LogKind.CUSTOM: "bold blue",
    LogKind.INTERRUPT: "bold magenta",
    LogKind.ERROR: "bold red",
    LogKind.CONTROL: "italic",
}
BODY_LIMIT = 600


def entry_text(entry: LogEntry) -> Text:
    text = Text()
    text.append(clock_label(entry.t) + " ", "dim")
    if entry.ns:
        text.append("(" + " › ".join(s.partition(":")[0] for s in entry.ns) + ") ", "dim")
    text.append_text(literal(one_line(entry.title, 200), STYLES.get(entry.kind, "")))
    if entry.body is not None:
        if entry.kind == LogKind.INTERRUPT:
            body = to_json_text(entry.body, indent=2)
        else:
            body = brief(entry.body)
        if len(body) > BODY_LIMIT:
            body = body[:BODY_LIMIT] + f"… ({len(body):,} chars; the state pane has it all)"
        text.append("\n  ")
        text.append_text(literal(body, "dim" if entry.kind != LogKind.INTERRUPT else ""))
    if entry.detail:
        text.append("\n")
        text.append_text(literal(user_traceback(entry.detail), "red dim"))
    return text


def brief(value: Any, depth: int = 0) -> str:
    """A compact one-line reading of a value: messages as 'AIMessage: text…'."""
    if is_message(value):
        kind = MESSAGE_TYPES[value["type"]]
        content = value.get("content")
        preview = one_line(
            content if isinstance(content, str) else to_json_text(content, indent=None), 60
        )
        calls = [str(c.get("name")) for c in value.get("tool_calls") or []]
        head = f"{kind}: {preview}" if preview else kind
        return head + (f" [calls {', '.join(calls)}]" if calls else "")
    if depth > 3:
        return "…"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{k}: {brief(v, depth + 1)}" for k, v in list(value.items())[:8])
            + (", …" if len(value) > 8 else "")
            + "}"
        )
    if isinstance(value, list):
        shown = [brief(v, depth + 1) for v in value[:3]]
        more = f", … {len(value) - 3} more" if len(value) > 3 else ""
        return "[" + ", ".join(shown) + more + "]"
    if isinstance(value, str):
        # one_line already made control characters visible; JSON-quoting would
        # escape those backslashes a second time.
        return '"' + one_line(value, 80) + '"'
    return to_json_text(value, indent=None)


class EventsPane(RichLog):
    def __init__(self, model: RunView, **kwargs: Any) -> None:
        # min_width: RichLog renders at least 78 columns and crops the rest, which
        # cuts wrapped lines in a narrower pane; wrap to the pane instead.
        super().__init__(
            wrap=True, markup=False, highlight=False, max_lines=4000, min_width=10, **kwargs
        )
        self.model = model
        self.filter = ALL
        self._written = 0

    def on_mount(self) -> None:
        self._title()

    def _title(self) -> None:
        self.border_title = Text(f"Events: {self.filter}  (e: filter)")

    def sync(self) -> None:
        if self._written > len(self.model.log):  # the model was reset for a new run
            self._rewrite()
            return
        # One width whether or not the scrollbar shows: lines written while it was
        # hidden would otherwise be cropped once it appears.
        width = self.size.width - self.styles.scrollbar_size_vertical if self.size.width else None
        for entry in self.model.log[self._written :]:
            if self.filter in (ALL, entry.kind):
                self.write(entry_text(entry), width=width)
        self._written = len(self.model.log)

    def _rewrite(self) -> None:
        self.clear()
        self._written = 0
        self.sync()

    def on_resize(self, event: Resize) -> None:
        # RichLog keeps lines wrapped for the width they were written at.
        self._rewrite()

    def cycle_filter(self) -> str:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._title()
        self._rewrite()
        return self.filter

    def scroll_to_entry(self, index: int) -> bool:
        """Scroll so entry ``index`` of the log is at the top (showing all kinds if the
        filter hides it); ``False`` if it is no longer in the pane."""
        log = self.model.log
        if not 0 <= index < len(log):
            return False
        if self.filter not in (ALL, log[index].kind):
            self.filter = ALL
            self._title()
            self._rewrite()
        # Found by its first line, the k-th of the entries that start alike: robust to
        # the lines RichLog drops from the top once it holds max_lines.
        head = entry_text(log[index]).plain.split("\n")[0][:40]
        shown = [e for e in log[: index + 1] if self.filter in (ALL, e.kind)]
        nth = sum(1 for e in shown if entry_text(e).plain.split("\n")[0][:40] == head)
        found = [y for y, strip in enumerate(self.lines) if strip.text.startswith(head)]
        if len(found) < nth:
            return False
        self.scroll_to(y=found[nth - 1], animate=False, immediate=True)
        return True

    def plain_text(self) -> str:
        return "\n".join(strip.text for strip in self.lines)
