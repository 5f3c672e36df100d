"""The dialogs' common base: a modal that answers once, however fast the keys come.

A burst of keys (``b`` Enter Enter, typed faster than a frame) can deliver a second
"choose" to a dialog that is already closing; dismissing it twice would pop the
screen underneath. ``finish`` answers only while the dialog is on top and has not
answered yet.

Each dialog names the widget its keys go to as ``AUTO_FOCUS``: Textual focuses it as
the dialog is composed, before any key can arrive. A ``focus()`` in ``on_mount`` comes
a message later, after Textual has focused the first focusable widget (a scroll
container, a "Yes" button): a key typed in between went there instead.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class Modal(ModalScreen[T]):
    AUTO_FOCUS: ClassVar[str | None] = None
    """The selector of the widget the dialog's keys go to (each dialog sets it)."""
    _answered = False

    def finish(self, result: T) -> None:
        if self._answered or not self.is_current:
            return
        self._answered = True
        self.dismiss(result)
