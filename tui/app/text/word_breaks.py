"""Where greedy word wrap breaks a line: the same breaks ``rich.text.Text.wrap`` makes.

Adapted from Rich's private ``rich._wrap.divide_line`` (MIT licence, Will McGugan)
so the debugger does not depend on a private API; ``tests/test_growing_text.py``
checks that text wrapped a token at a time still equals ``Text.wrap`` of the whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.cells import cell_len, chop_cells

_WORD = re.compile(r"\s*\S+\s*")


def _words(text: str) -> Iterator[tuple[int, str]]:
    """Each word with the whitespace around it, and where it starts."""
    match = _WORD.match(text, 0)
    while match is not None:
        yield match.start(), match.group(0)
        match = _WORD.match(text, match.end())


def break_offsets(text: str, width: int) -> list[int]:
    """Character offsets at which to break ``text`` so each line fits ``width``
    cells; a word longer than a line is folded across lines."""
    breaks: list[int] = []
    offset = 0  # cells used on the current line
    for start, word in _words(text):
        word_cells = cell_len(word.rstrip())
        if width - offset >= word_cells:
            offset += cell_len(word)
        elif word_cells > width:
            pieces = chop_cells(word, width=width)
            for index, piece in enumerate(pieces):
                if start:
                    breaks.append(start)
                if index == len(pieces) - 1:
                    offset = cell_len(piece)
                else:
                    start += len(piece)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks
