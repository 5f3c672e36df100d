"""Inputs built to break a debugger: hostile text, deep JSON, planted secrets.

Shared by the hardening tests; each strategy is small enough for the CI profile and
grows with ``HYPOTHESIS_PROFILE=thorough``.
"""

from __future__ import annotations

from hypothesis import strategies as st

# Each of these once crashed or styled a terminal UI somewhere: markup Rich would
# parse, a lone closing tag, escapes that clear the screen or set the title,
# bidirectional overrides that reorder what is shown, separators that break lines,
# lone surrogates that cannot be encoded, and very deep brackets.
HOSTILE_TEXTS = [
    "[bold red]boom[/]",
    "[/]",
    "[/bold",
    "[link=https://evil.example]click[/link]",
    "1 validation error for State\nmessages\n  Field required [type=missing, input_value={}, input_type=dict]",
    "cannot open [/etc]",
    "[redacted]",
    "\x1b[2J\x1b[H",
    "\x1b]0;owned\x07",
    "\x1b[31mred\x1b[0m",
    "abc\u202edcba",
    "\u2066isolate\u2069 \u200fRLM \u061cALM",
    "line\u2028separator\u2029paragraph",
    "lone \ud800 surrogate \udfff",
    "\x00\x07\x08\x7f\x9b",
    "[" * 10_000,
    "[" * 5_000 + "]" * 5_000,
    "{" * 3_000,
    "😀" * 50 + "東京" * 50,
    "\t\ttabs\tand\nnew\r\nlines\r",
    "",
]

_NASTY_CHARS = st.sampled_from(
    [
        *"[]/\\=@:;{}\"'`\n\t\r",
        *("\x1b", "\x07", "\x00", "\x9b", "\u202e", "\u2066", "\u2028", "\ud800", "\udfff"),
    ]
)

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(alphabet=st.one_of(_NASTY_CHARS, st.characters()), max_size=60),
    st.builds(
        lambda tag, body: f"[{tag}]{body}[/{tag}]",
        st.text(alphabet="abcdefgh /=#", max_size=12),
        st.text(max_size=20),
    ),
)


def deep_json(depth: int, kind: str = "list") -> str:
    """JSON text nested ``depth`` levels deep."""
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


json_depths = st.integers(min_value=3_000, max_value=50_000)
