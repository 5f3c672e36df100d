"""Data shown as data: model output and state never become markup or terminal control.

Textual parses plain ``str`` as markup in many places, and a raw escape byte in a
segment would reach the terminal. Everything the graph produces goes through
``literal`` (or ``preview``), which returns ``rich.text.Text`` with control
characters made visible, e.g. ``\\x1b[2J`` shows as those six characters.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.style import Style
from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_STYLE = Style(dim=True)


def visible(text: str) -> str:
    """``text`` with every control character except newline and tab escaped."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


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
