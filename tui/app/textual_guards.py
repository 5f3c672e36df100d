"""Guards around two races in Textual 8's option lists, found by the random-key tests.

Paging (``pageup``/``pagedown``) in an option list before it has been laid out
looks up a line map that is still empty and raises ``KeyError`` (Textual guards the
same lookup when scrolling, not when paging). It is reachable with a burst of keys:
``ctrl+p`` then ``pageup``, or ``g`` then ``pagedown`` on the graph pane. Until then,
a page key that lands too early does nothing, which is what it would do a frame later
on an empty list.
"""

from __future__ import annotations

from typing import Literal

from textual.command import CommandPalette
from textual.widgets import OptionList


class GuardedOptionList(OptionList):
    def _move_page(self, direction: Literal[-1, 1]) -> None:
        if not self.scrollable_content_region:
            return
        try:
            super()._move_page(direction)
        except KeyError:
            return


class GuardedCommandPalette(CommandPalette):
    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except KeyError:
            return
