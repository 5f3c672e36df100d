"""The dialogs' common base: a modal that answers once, however fast the keys come.

A burst of keys (``b`` Enter Enter, typed faster than a frame) can deliver a second
"choose" to a dialog that is already closing; dismissing it twice would pop the
screen underneath. ``finish`` answers only while the dialog is on top and has not
answered yet.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class Modal(ModalScreen[T]):
    _answered = False

    def finish(self, result: T) -> None:
        if self._answered or not self.is_current:
            return
        self._answered = True
        self.dismiss(result)
