"""Driving the app in tests: the public testing kit's Pilot helpers (``tui.testing``),
which our own tests use as a user's would, and putting a tree's cursor on a node."""

from typing import Any

from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.testing.pilot import settle, wait_modal, wait_status, wait_until

__all__ = ["put_cursor_on", "settle", "wait_modal", "wait_status", "wait_until"]


def put_cursor_on(tree: Tree[Any], node: TreeNode[Any]) -> None:
    """``Tree.move_cursor`` goes to the line ``node`` had when the tree last numbered
    its lines, which Textual does lazily: a tree shown again since then put the cursor
    on some other node. Number them first (``last_line`` does), as a key press would."""
    tree.last_line  # noqa: B018
    tree.move_cursor(node)
