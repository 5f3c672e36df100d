"""A JSON value as an expandable tree that stays fast on huge values.

Children are built only when a node is expanded, lists and long strings come in
pages ("… 9,900 more" expands the next page), and labels are previews cut to a
fixed length, so a 10 MB string or a 10,000-item list costs what is on screen.
Labels are ``Text`` built from data, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.app.text.literal import literal, one_line, to_json_text, visible

PAGE = 100
STRING_PREVIEW = 80
LINE_CHUNK = 400
MESSAGE_TYPES = {
    "human": "HumanMessage",
    "ai": "AIMessage",
    "tool": "ToolMessage",
    "system": "SystemMessage",
}


@dataclass
class Entry:
    """What a tree node stands for: a value at a path, or a 'more' placeholder."""

    value: Any
    path: tuple[Any, ...]
    more_from: int | None = None  # a placeholder for the next page: item index or char offset
    built: bool = False


def is_message(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") in MESSAGE_TYPES and "content" in value


def message_label(index: Any, message: dict[str, Any]) -> Text:
    kind = MESSAGE_TYPES[message["type"]]
    label = Text()
    label.append(f"{index} ", "dim")
    label.append(
        kind,
        {"ai": "bold cyan", "human": "bold green", "tool": "bold yellow"}.get(
            message["type"], "bold"
        ),
    )
    if message.get("name") and message["type"] == "tool":
        label.append(f" {one_line(str(message['name']), 30)}", "yellow")
    content = message.get("content")
    preview = content if isinstance(content, str) else to_json_text(content, indent=None)
    if preview:
        label.append(": ", "dim")
        label.append(one_line(preview, STRING_PREVIEW))
    calls = message.get("tool_calls") or []
    if calls:
        names = ", ".join(one_line(str(c.get("name", "?")), 20) for c in calls)
        label.append(
            f"  [{len(calls)} tool call{'s' if len(calls) > 1 else ''}: {names}]", "yellow"
        )
    return label


def value_label(key: Any, value: Any, *, changed: bool = False) -> Text:
    label = Text()
    if changed:
        label.append("● ", "bold yellow")
    if key is not None:
        label.append(visible(str(key)), "bold yellow" if changed else "bold")
        label.append(": ", "dim")
    if isinstance(value, dict):
        label.append(f"{{{plural(len(value), 'key')}}}", "dim")
    elif isinstance(value, list):
        kind = "message" if value and all(is_message(v) for v in value[:5]) else "item"
        label.append(f"[{plural(len(value), kind)}]", "dim")
    elif isinstance(value, str):
        label.append('"' + one_line(value, STRING_PREVIEW) + '"', "green")
        if len(value) > STRING_PREVIEW or "\n" in value:
            label.append(f"  ({len(value):,} chars)", "dim")
    elif isinstance(value, bool) or value is None:
        label.append(to_json_text(value), "italic magenta")
    else:
        label.append(one_line(to_json_text(value, indent=None), STRING_PREVIEW), "cyan")
    return label


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def expandable(value: Any) -> bool:
    if isinstance(value, dict | list):
        return bool(value)
    return isinstance(value, str) and (len(value) > STRING_PREVIEW or "\n" in value)


class ValueTree(Tree[Entry]):
    """Shows one JSON value; ``show`` replaces it and keeps what the user expanded."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Text("value"), **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self.value: Any = None

    def process_label(self, label: str | Text) -> Text:
        # Tree parses str labels as markup; every label here is data.
        text = label if isinstance(label, Text) else Text(visible(label))
        return text.split()[0] if "\n" in text.plain else text

    def show(self, value: Any, *, changed: frozenset[str] | set[str] = frozenset()) -> None:
        expanded = self._expanded_paths()
        cursor_path = self._cursor_path()
        self.value = value
        self.clear()
        self.root.data = Entry(value, (), built=True)
        if isinstance(value, dict):
            for key, item in value.items():
                self._add(self.root, key, item, (key,), changed=key in changed)
        elif isinstance(value, list):
            self._add_page(self.root, value, (), 0)
        else:
            self._add(self.root, None, value, ())
        self._restore(expanded, cursor_path)

    # -- building ---------------------------------------------------------------------

    def label_for(
        self, key: Any, value: Any, path: tuple[Any, ...], *, changed: bool = False
    ) -> Text:
        """A node's label; a tree that knows its value's shape says more."""
        if is_message(value):
            return message_label(key, value)
        return value_label(key, value, changed=changed)

    def _add(
        self,
        parent: TreeNode[Entry],
        key: Any,
        value: Any,
        path: tuple[Any, ...],
        *,
        changed: bool = False,
    ) -> TreeNode[Entry]:
        label = self.label_for(key, value, path, changed=changed)
        entry = Entry(value, path)
        if expandable(value):
            return parent.add(label, data=entry, allow_expand=True)
        return parent.add_leaf(label, data=entry)

    def _add_page(
        self, parent: TreeNode[Entry], items: list[Any], path: tuple[Any, ...], start: int
    ) -> None:
        end = min(len(items), start + PAGE)
        for index in range(start, end):
            self._add(parent, index, items[index], (*path, index))
        if end < len(items):
            more = Text(
                f"… {len(items) - end:,} more (enter shows {min(PAGE, len(items) - end)})",
                "dim italic",
            )
            parent.add_leaf(more, data=Entry(items, path, more_from=end))

    def _add_text_page(
        self, parent: TreeNode[Entry], text: str, path: tuple[Any, ...], start: int
    ) -> None:
        # Pages by character offset: a 10 MB string is never split whole, only the
        # hundred lines shown are cut out of it.
        pos, shown = start, 0
        while pos < len(text) and shown < PAGE:
            newline = text.find("\n", pos, pos + LINE_CHUNK + 1)
            end, after = (
                (newline, newline + 1) if newline >= 0 else (min(len(text), pos + LINE_CHUNK),) * 2
            )
            parent.add_leaf(
                literal(text[pos:end] or " "), data=Entry(text[pos:end], (*path, shown + start))
            )
            pos, shown = after, shown + 1
        if pos < len(text):
            lines = text.count("\n", pos) + 1
            more = Text(f"… {lines:,} more lines (enter shows {min(PAGE, lines)})", "dim italic")
            parent.add_leaf(more, data=Entry(text, path, more_from=pos))

    def _populate(self, node: TreeNode[Entry]) -> None:
        entry = node.data
        if entry is None or entry.built:
            return
        entry.built = True
        value = entry.value
        if isinstance(value, dict):
            for key, item in value.items():
                self._add(node, key, item, (*entry.path, key))
        elif isinstance(value, list):
            self._add_page(node, value, entry.path, 0)
        elif isinstance(value, str):
            self._add_text_page(node, value, entry.path, 0)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Entry]) -> None:
        self._populate(event.node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Entry]) -> None:
        entry = event.node.data
        if entry is None or entry.more_from is None or event.node.parent is None:
            return
        event.stop()
        parent = event.node.parent
        event.node.remove()
        if isinstance(entry.value, str):
            self._add_text_page(parent, entry.value, entry.path, entry.more_from)
        else:
            self._add_page(parent, entry.value, entry.path, entry.more_from)

    # -- keeping the user's place ----------------------------------------------------------

    def _expanded_paths(self) -> set[tuple[Any, ...]]:
        paths: set[tuple[Any, ...]] = set()
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if node.is_expanded and node.data is not None:
                paths.add(node.data.path)
                stack.extend(node.children)
        return paths

    def _cursor_path(self) -> tuple[Any, ...] | None:
        node = self.cursor_node
        return node.data.path if node is not None and node.data is not None else None

    def _restore(self, expanded: set[tuple[Any, ...]], cursor_path: tuple[Any, ...] | None) -> None:
        stack = list(self.root.children)
        target = None
        while stack:
            node = stack.pop()
            if node.data is None or node.data.more_from is not None:
                continue
            if node.data.path == cursor_path:
                target = node
            if node.data.path in expanded:
                self._populate(node)
                node.expand()
                stack.extend(node.children)
        if target is not None:
            self._move_to(target)

    def _move_to(self, node: TreeNode[Entry]) -> None:
        # move_cursor goes to the node's line, which Textual numbers lazily (when it
        # next builds the tree's lines): right after a show() every new node is on line
        # -1, and the cursor fell to the first line. `last_line` builds them now.
        self.last_line  # noqa: B018
        self.move_cursor(node, animate=False)

    def reveal(self, path: tuple[Any, ...]) -> None:
        """Expand down to the value at ``path`` and put the cursor on it (as far as the
        shown pages reach)."""
        self._restore(self._expanded_paths() | {path[:i] for i in range(1, len(path))}, None)
        self._cursor_to(path)

    def _cursor_to(self, path: tuple[Any, ...]) -> None:
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if node.data is not None and node.data.path == path:
                self._move_to(node)
                return
            if node.is_expanded:
                stack.extend(node.children)

    # -- reading --------------------------------------------------------------------------

    def selected_value(self) -> tuple[tuple[Any, ...], Any] | None:
        node = self.cursor_node
        if node is None or node.data is None or node.data.more_from is not None:
            return None
        return node.data.path, node.data.value
