"""Wrapping for text that only grows, at a cost per new token, not per reply length.

Greedy word wrap is prefix-stable: appending text can change only the last wrapped
line of the last paragraph. So finished lines are rendered to strips once and kept,
and each update re-wraps just the open line. ``word_breaks`` decides the breaks the
way Rich does, so lines match ``Text.wrap``.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tui.app.text.literal import visible
from tui.app.text.word_breaks import break_offsets


class GrowingText:
    def __init__(self, style: str | Style = "") -> None:
        self.style = style
        self._reset(0)

    def _reset(self, width: int) -> None:
        self._width = width
        self._consumed = 0  # characters of the source already taken in
        self._done: list[Strip] = []  # final lines
        self._open = ""  # visible text of the open line(s) of the last paragraph
        self._new_paragraph = False  # a newline ended the last one: an empty line shows

    def lines(self, source: str, width: int, console: Console) -> list[Strip]:
        if width != self._width or len(source) < self._consumed:
            self._reset(width)
        fresh = source[self._consumed :]
        self._consumed = len(source)
        for index, piece in enumerate(visible(fresh).split("\n") if fresh else []):
            if index:  # a newline closed the open paragraph: its lines are final
                self._done.extend(self._render(self._open or " ", console))
                self._open = ""
                self._new_paragraph = True
            self._open += piece
            self._freeze(console)
        if self._open or self._new_paragraph:
            return self._done + self._render(self._open or " ", console)
        return list(self._done)

    def _freeze(self, console: Console) -> None:
        text = self._open
        if _fits(text, self._width):  # no break falls inside a line that fits
            return
        # Only a clean word boundary is final: a break that folds an over-long word
        # can move once whitespace follows the word.
        clean = [
            b
            for b in break_offsets(text, self._width)
            if text[b - 1].isspace() and not text[b].isspace()
        ]
        if clean:
            self._done.extend(self._render(text[: clean[-1]], console))
            self._open = text[clean[-1] :]

    def _render(self, text: str, console: Console) -> list[Strip]:
        """``text``'s lines (the open line, at every frame of a stream): one line
        of plain characters that fits is one segment, as Rich would render it,
        without a ``Text``, a wrap and a render."""
        width = self._width
        if text.isascii() and text.isprintable() and len(text) <= width:
            style = console.get_style(self.style) if self.style else None
            segment = Segment(text, style) if style else Segment(text)
            return [Strip([segment], len(text)).extend_cell_length(width)]
        return self._wrapped(text, console)

    def _wrapped(self, text: str, console: Console) -> list[Strip]:
        width = self._width
        styled = Text(text)
        # As a span, not the base style: Text.render applies spans only.
        styled.stylize(self.style)
        return [
            Strip(list(line.render(console))).crop(0, width).extend_cell_length(width)
            for line in styled.wrap(console, width)
        ]


def _fits(text: str, width: int) -> bool:
    return (len(text) if text.isascii() else cell_len(text)) <= width
