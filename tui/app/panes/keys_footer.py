"""The footer, rebuilt only when the keys it shows change.

Textual's ``Footer`` recomposes every key widget whenever bindings may have changed
(each focus move, each ``refresh_bindings``), and each new key widget restyles itself:
measured at about a quarter of the CPU of the app's Pilot tests. Most of those calls
change nothing on screen.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class KeysFooter(Footer):
    _shown: tuple[Any, ...] | None = None

    def _keys(self) -> tuple[Any, ...]:
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    async def recompose(self) -> None:
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
