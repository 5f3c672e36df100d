"""Numbers as a one-line chart of block characters (``▁▂▃▄▅▆▇█``)."""

from __future__ import annotations

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int] | list[float], width: int = 12) -> str:
    """The last ``width`` values, scaled from zero to the largest of them."""
    shown = values[-width:]
    top = max(shown, default=0)
    if top <= 0:
        return BLOCKS[0] * len(shown)
    last = len(BLOCKS) - 1
    return "".join(BLOCKS[min(last, max(0, round(v / top * last)))] for v in shown)
