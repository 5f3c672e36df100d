"""The thread's history: every checkpoint, branches and subgraph steps included.

It takes the timeline's place while shown (``h``). Each row is a checkpoint: its
step, why it was written (input, loop, an edit, a fork), the nodes that made it and
the ones that run next, and when. A checkpoint where the thread branched is marked
⑂; checkpoints of an older branch are dimmed; subgraph checkpoints sit under the
step they ran in. Highlighting a row asks the app to show its state.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.app.text.literal import one_line
from tui.engine.history import CheckpointSource, HistoryEntry

_SOURCE_STYLE = {
    CheckpointSource.INPUT: "cyan",
    CheckpointSource.LOOP: "",
    CheckpointSource.UPDATE: "bold yellow",
    CheckpointSource.FORK: "bold magenta",
    CheckpointSource.OTHER: "dim",
}
_SOURCE_WORD = {
    CheckpointSource.INPUT: "input",
    CheckpointSource.LOOP: "step",
    CheckpointSource.UPDATE: "edit",
    CheckpointSource.FORK: "fork",
    CheckpointSource.OTHER: "other",
}


def entry_label(entry: HistoryEntry) -> Text:
    """One row: ``⑂ 2 edit  plan → act  16:44:24``, dimmed when off the branch."""
    label = Text(no_wrap=True, overflow="ellipsis")
    label.append("⑂ " if entry.forked else "  ", "bold magenta")
    if entry.ns:
        where = "/".join(part.partition(":")[0] for part in entry.ns)
        label.append(one_line(where, 24) + " ", "italic")
    label.append(f"{entry.step:>3} ", "bold")
    word = _SOURCE_WORD[entry.source]
    label.append(f"{word:<5} ", _SOURCE_STYLE[entry.source])
    ran = ", ".join(entry.ran) if entry.ran else ("" if entry.ran == [] else "…")
    ahead = ", ".join(entry.next) if entry.next else ("end" if entry.next == [] else "…")
    label.append(one_line(ran, 30) if ran else "", "green")
    label.append(" → ", "dim")
    label.append(one_line(ahead, 30), "cyan" if entry.next else "dim")
    if entry.created_at is not None:
        label.append(f"  {entry.created_at.astimezone().strftime('%H:%M:%S')}", "dim")
    if not entry.on_branch:
        label.stylize("dim")
        label.append("  old branch", "dim italic")
    return label


class HistoryPane(Tree[HistoryEntry]):
    class EntryHighlighted(Message):
        def __init__(self, entry: HistoryEntry) -> None:
            self.entry = entry
            super().__init__()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("history", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self.entries: list[HistoryEntry] = []
        self.read_only = False
        """A recording's history: looked at, not run on."""

    def process_label(self, label: str | Text) -> Text:
        # Labels are built as Text from data; a plain str would be parsed as markup.
        return label if isinstance(label, Text) else Text(label)

    def show(self, entries: list[HistoryEntry]) -> None:
        """Show a history, keeping the highlighted checkpoint where it still exists."""
        if _same(entries, self.entries):
            return
        keep = self.selected_entry()
        self.entries = entries
        self.clear()
        target: TreeNode[HistoryEntry] | None = None
        for entry in entries:
            if entry.inner:
                node = self.root.add(entry_label(entry), data=entry, expand=True)
                for inner in entry.inner:
                    leaf = node.add_leaf(entry_label(inner), data=inner)
                    if keep is not None and inner.checkpoint_id == keep.checkpoint_id:
                        target = leaf
            else:
                node = self.root.add_leaf(entry_label(entry), data=entry)
            if keep is not None and entry.checkpoint_id == keep.checkpoint_id:
                target = node
        branches = sum(1 for e in entries if e.forked)
        title = f"History ({len(entries)}{f', ⑂ {branches}' if branches else ''})"
        self.border_title = Text(title if self.read_only else title + " · o run on · E edit & fork")
        if target is None and self.root.children:
            target = self.root.children[-1]
        if target is not None:
            # A node has its line once the tree is laid out again.
            self.call_after_refresh(self.move_cursor, target)

    def selected_entry(self) -> HistoryEntry | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[HistoryEntry]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.EntryHighlighted(event.node.data))


def _same(a: list[HistoryEntry], b: list[HistoryEntry]) -> bool:
    return [e.to_dict() for e in a] == [e.to_dict() for e in b]
