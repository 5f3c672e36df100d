"""Data shown as data: model output and state never become markup or terminal control.

Textual parses plain ``str`` as markup in many places, and a raw escape byte in a
segment would reach the terminal. Everything the graph, the model, the user or a
recording produces reaches the screen through this module: ``literal`` (a
``rich.text.Text``), ``one_line`` (a preview), or ``visible`` for a plain string
(the app's notifications pass through it too). Control characters, bidirectional
overrides, line separators and lone surrogates are shown as escapes, e.g.
``\\x1b[2J`` shows as those six characters and U+202E as ``\\u202e``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.style import Style
from rich.text import Text

# C0 and C1 controls (but newline and tab), bidirectional marks, embeddings,
# overrides and isolates, line and paragraph separators, the BOM, interlinear
# annotation marks, and lone surrogates (which a terminal cannot even encode).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
    "\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control or invisible formatting character except newline
    and tab shown as an escape."""
    return _CONTROL.sub(_escape, text)


def literal(text: str, style: str | Style = "") -> Text:
    return Text(visible(text), style=style, no_wrap=False, end="")


def one_line(text: str, limit: int) -> str:
    """A single-line preview: newlines shown as ⏎, cut to ``limit`` characters."""
    # Cut before escaping: previews of a 10 MB string must cost the preview only.
    text = text[: limit + 1]
    flat = visible(text.replace("\r\n", "\n")).replace("\n", " ⏎ ").replace("\t", " ")
    return flat if len(flat) <= limit else flat[: max(0, limit - 1)] + "…"


def to_json_text(value: Any, *, indent: int | None = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, default=repr)


def duration_label(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.2f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def clock_label(seconds: float) -> str:
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes):02d}:{secs:04.1f}"
