"""A pane whose lines only move gets its finished lines back, not built again.

Textual draws each line of a widget through its ``StylesCache``: the content line
gets the pane's background, padding and border (a new ``Strip``), then the app's
line filter, then the compositor cuts it and renders it to escape codes, each step
caching on the strip it was given. A scroll clears the widget's whole line cache, so
every visible line goes through all of it again, though most of them are lines it
drew a frame ago, one row higher. The token pane scrolls like that at every new line
of a streaming reply (a whole pane and its scrollbar, ~1 ms, several times a second).

``KeptLinesStylesCache`` remembers, for the content strips it last styled, the line
it made of each (by the strip's identity, while the look of the pane is the same), so
a line that moved returns the same styled strip, whose filtered, cut and rendered
forms are then found in that strip's own caches. It suits widgets whose
``render_line`` hands out strips it keeps (the token pane's wrapped lines); a new
strip simply misses. Rows that are not content (border, padding, outline) take
Textual's path as before.

``KeptRowsScrollBar`` does the same for a pane's scrollbar, whose rows are drawn
afresh at every repaint but mostly look as they did.

It overrides ``StylesCache.render`` and ``render_line`` of Textual 8 (private API);
``tests/test_kept_lines.py`` compares the lines with Textual's own on generated
scrolls, styles and sizes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from rich.segment import Segment
from rich.terminal_theme import TerminalTheme
from textual._ansi_theme import DEFAULT_TERMINAL_THEME
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.content import Content
from textual.css.styles import StylesBase
from textual.filter import LineFilter
from textual.geometry import Region, Size, Spacing
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.style import Style

SPARE_LINES = 16
ROW_LOOKS = 64  # a scrollbar's rows: a few dozen looks (track, thumb, eighths, hover)
"""Kept beyond two pane heights: the open line of a stream is a new strip at every
frame, and the lines the pane shows must outlive them until the next scroll."""


@lru_cache(maxsize=16)
def blank_line(width: int) -> Strip:
    """A blank line ``width`` cells wide, the same strip every time for a width: the
    blank lines below a pane's text compare equal at once (the same object) when a
    repaint looks at them, and a scroll finds them styled already."""
    return Strip.blank(width)


class KeptLinesStylesCache(StylesCache):
    def __init__(self) -> None:
        super().__init__()
        self._kept: dict[int, tuple[Strip, Strip]] = {}
        """id(content strip) -> (that strip, the line made of it)."""
        self._look: tuple[Any, ...] | None = None
        """Everything but the content that a content row's line is made of."""
        self._rows = range(0)
        """The rows that are content (not border, padding or outline)."""
        self._top = 0  # the content's first row
        self._capacity = SPARE_LINES

    def render(
        self,
        styles: StylesBase,
        size: Size,
        base_background: Color,
        background: Color,
        render_content_line: Callable[[int], Strip],
        filters: Sequence[LineFilter],
        border_title: tuple[Content, Color, Color, Style] | None,
        border_subtitle: tuple[Content, Color, Color, Style] | None,
        content_size: Size | None = None,
        padding: Spacing | None = None,
        crop: Region | None = None,
        opacity: float = 1.0,
        ansi_theme: TerminalTheme = DEFAULT_TERMINAL_THEME,
        native_ansi: bool = False,
    ) -> list[Strip]:
        gutter = styles.gutter
        outline = styles.outline
        look = (
            size,
            content_size,
            padding,
            gutter,
            base_background,
            background,
            opacity,
            ansi_theme,
            native_ansi,
            styles.border,
            outline,
            styles.tint,
            styles.text_opacity,
            styles.hatch if styles.has_rule("hatch") else None,
        )
        if look != self._look:
            self._kept.clear()
            self._look = look
        height = size.height
        top = max(gutter.top, 1 if outline[0][0] else 0)
        bottom = min(height - gutter.bottom, height - 1 if outline[2][0] else height)
        if content_size is not None:
            bottom = min(bottom, gutter.top + content_size.height)
        self._rows, self._top = range(top, bottom), gutter.top
        self._capacity = 2 * height + SPARE_LINES
        return super().render(
            styles,
            size,
            base_background,
            background,
            render_content_line,
            filters,
            border_title,
            border_subtitle,
            content_size,
            padding,
            crop,
            opacity,
            ansi_theme,
            native_ansi,
        )

    def render_line(
        self,
        styles: StylesBase,
        y: int,
        size: Size,
        content_size: Size,
        padding: Spacing,
        base_background: Color,
        background: Color,
        render_content_line: Callable[[int], Strip],
        border_title: tuple[Content, Color, Color, Style] | None,
        border_subtitle: tuple[Content, Color, Color, Style] | None,
        opacity: float,
        ansi_theme: TerminalTheme,
        native_ansi: bool,
    ) -> Strip:
        draw = super().render_line

        def drawn(content_line: Callable[[int], Strip]) -> Strip:
            return draw(
                styles,
                y,
                size,
                content_size,
                padding,
                base_background,
                background,
                content_line,
                border_title,
                border_subtitle,
                opacity,
                ansi_theme,
                native_ansi,
            )

        if y not in self._rows:
            return drawn(render_content_line)
        content = render_content_line(y - self._top)
        kept = self._kept.pop(id(content), None)
        if kept is None or kept[0] is not content:
            line = drawn(lambda _y: content)
            kept = (content, line)
            if len(self._kept) >= self._capacity:  # the least recently drawn goes
                del self._kept[next(iter(self._kept))]
        self._kept[id(content)] = kept  # last: the most recently drawn
        return kept[1]


class KeptRowsScrollBar(ScrollBar):
    """A scrollbar whose rows that look the same are the same strip, so that the
    pane's ``KeptLinesStylesCache`` finds them: a bar is drawn again whenever its
    pane's text grows or scrolls, and only the rows at the ends of its thumb change."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._styles_cache = KeptLinesStylesCache()
        self._looks: dict[tuple[Segment, ...], Strip] = {}

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        look = tuple(strip)
        kept = self._looks.get(look)
        if kept is None:
            if len(self._looks) >= ROW_LOOKS:
                self._looks.clear()
            kept = self._looks[look] = strip
        return kept
