"""The current theme, looked up without copying every theme on each painted line.

Textual asks for the current theme once per line it paints (``StylesCache`` applies
the ANSI theme through ``App.ansi_theme`` -> ``current_theme`` -> ``get_theme``), and
its ``get_theme`` reads ``available_themes`` twice, a property that copies the dict of
every registered theme each time. Measured in ``benchmarks/bench_timeline.py``: a
sixth of a timeline repaint. The lookup itself is all that is needed.
"""

from __future__ import annotations

from textual.theme import Theme


class ThemeLookup:
    _registered_themes: dict[str, Theme]

    def get_theme(self, theme_name: str) -> Theme | None:
        """As ``App.get_theme``: the first of the comma-separated names registered."""
        themes = self._registered_themes
        for name in theme_name.split(","):
            theme = themes.get(name.strip())
            if theme is not None:
                return theme
        return None
