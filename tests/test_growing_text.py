"""Incremental wrapping gives exactly the lines of wrapping the whole text at once."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from tui.app.text.growing_text import GrowingText

WORDS = [
    "a",
    "tool",
    "calls",
    "antidisestablishmentarianism" * 2,
    "東京",
    "😀",
    "x\ny",
    "\n",
    "  ",
    "end.",
]


def _whole(text: str, width: int, console: Console) -> list[str]:
    return [line.plain.rstrip() for line in Text(text).wrap(console, width)]


@pytest.mark.parametrize("seed", range(40))
def test_token_by_token_equals_all_at_once(seed):
    rng = random.Random(seed)
    console = Console(width=200)
    width = rng.choice([8, 13, 20, 41])
    growing = GrowingText()
    text = ""
    for _ in range(rng.randint(1, 120)):
        token = rng.choice(WORDS) + rng.choice(["", " ", "  "])
        if rng.random() < 0.2:  # providers split words across tokens too
            cut = rng.randint(0, len(token))
            pieces = [token[:cut], token[cut:]]
        else:
            pieces = [token]
        for piece in pieces:
            text += piece
            if not text:  # the pane never asks for an empty part
                continue
            got = [strip.text.rstrip() for strip in growing.lines(text, width, console)]
            assert got == _whole(text, width, console), (seed, text)


def test_a_width_change_starts_over():
    console = Console(width=200)
    growing = GrowingText()
    text = "one two three four five six seven"
    growing.lines(text, 10, console)
    assert [s.text.rstrip() for s in growing.lines(text, 20, console)] == _whole(text, 20, console)


def test_the_style_reaches_every_line():
    console = Console(width=200)
    strips = GrowingText("dim italic").lines("thinking about a long question here", 12, console)
    styled = [seg for strip in strips for seg in strip if seg.text.strip()]
    assert styled and all(seg.style and seg.style.dim and seg.style.italic for seg in styled)


@settings(deadline=None)
@given(
    text=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1),
    width=st.integers(1, 90),
    style=st.sampled_from(["", "dim italic", "bold red"]),
)
def test_a_plain_line_is_drawn_as_rich_wraps_and_renders_it(text, width, style):
    """The open line's shortcut (one segment for plain text that fits) makes the
    strips Rich's wrap and render make: same segments, same styles, same width."""
    console = Console(width=200)
    growing = GrowingText(style)
    growing._reset(width)
    assert growing._render(text, console) == growing._wrapped(text, console)
