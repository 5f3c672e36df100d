"""The state inspector: the state at one checkpoint, keys changed by its step marked."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from tui.app.panes.value_tree import ValueTree
from tui.app.text.literal import one_line, to_json_text
from tui.app.view.records import CheckpointInfo


def store_path(namespace: list[str], key: str) -> str:
    return "/".join([*namespace, key])


def changed_keys(values: Any, before: Any) -> set[str]:
    """Top-level keys whose value differs from the parent checkpoint's."""
    if not isinstance(values, dict) or not isinstance(before, dict):
        return set()
    return {key for key, value in values.items() if key not in before or before[key] != value}


class CopyableTree(ValueTree):
    """A value tree whose selected value ``y`` copies (the key is the app's, so it is
    in the help and the command palette)."""

    def action_copy_json(self) -> None:
        picked = self.selected_value()
        path, value = picked if picked is not None else ((), self.value)
        payload = to_json_text(value)
        self.app.copy_to_clipboard(payload)
        where = ".".join(str(p) for p in path) or "the whole value"
        self.notify(f"copied {where} as JSON ({len(payload):,} chars)", timeout=3)


class StatePane(Vertical):
    """The inspector: the state at a checkpoint, or (``s``) the long-term store."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown: CheckpointInfo | None = None
        self.pinned = False
        self.showing_store = False
        # Held, not queried: a key that lands while the app tears down still finds it.
        self.value_tree = CopyableTree(id="state-tree")

    def compose(self) -> ComposeResult:
        yield self.value_tree

    def on_mount(self) -> None:
        self.border_title = Text("State")

    def show_store(self, items: list[dict[str, Any]], changed: set[str]) -> None:
        """The store's items as ``namespace/…/key: value``; ● marks what this run wrote."""
        self.showing_store = True
        self.shown = None
        entries = {store_path(i["namespace"], i["key"]): i["value"] for i in items}
        for path in changed - set(entries):
            entries[path] = None  # deleted by this run
        count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
        self.border_title = Text(f"Store · {count} · s: back to the state")
        self.value_tree.show(entries, changed=changed)

    def show(
        self, info: CheckpointInfo | None, before: Any, *, pinned: bool, note: str = ""
    ) -> None:
        self.showing_store = False
        self.pinned = pinned
        if info is None:
            self.shown = None
            self.border_title = Text("State (no checkpoint yet)")
            self.value_tree.show({})
            return
        if (
            self.shown is not None
            and self.shown.checkpoint_id == info.checkpoint_id
            and self.shown.values is info.values
        ):
            return
        self.shown = info
        where = " › ".join(s.partition(":")[0] for s in info.ns)
        title = f"State @ step {info.step}" + (f" in {where}" if where else "")
        title += f" · {note}" if note else (" · pinned" if pinned else " · live")
        self.border_title = Text(one_line(title, 80))
        self.value_tree.show(info.values, changed=changed_keys(info.values, before))
