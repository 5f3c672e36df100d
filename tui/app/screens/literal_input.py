"""An input box whose text is always shown as the characters it is.

Typing cannot produce control characters, but a paste can (a copied terminal line,
an escape sequence): they are taken in as visible escapes (``\\x1b``), so the box
never drives the terminal and the answer says what it shows."""

from __future__ import annotations

from textual.widgets import Input

from tui.app.text.literal import visible


class LiteralInput(Input):
    def insert(self, text: str, index: int) -> None:
        super().insert(visible(text), index)

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(visible(text), start, end)
