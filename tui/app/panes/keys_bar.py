"""The footer: the keys that apply now, drawn as one line by one widget.

Textual's ``Footer`` is a container of one widget per key, rebuilt (mounted and
styled anew) whenever the keys that apply change, which in this app is every
change of run status. Those widgets were half of the main screen's DOM and the
rebuilds about a tenth of the app's start-up CPU. Here a change of keys is a
repaint. It looks as the compact ``Footer`` does (the same theme variables); a
click on a key presses it, a disabled key rings the bell, and hovering a key shows
its tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True)
class ShownKey:
    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


@dataclass(frozen=True)
class KeySpan:
    start: int
    end: int
    shown: ShownKey


def lay_out(keys: tuple[ShownKey, ...]) -> list[KeySpan]:
    """Where each key sits on the line: "key description", one space apart."""
    spans, x = [], 0
    for shown in keys:
        width = len(shown.display) + (1 + len(shown.description) if shown.description else 0)
        spans.append(KeySpan(x, x + width, shown))
        x += width + 1
    return spans


class KeysBar(Widget):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "keys-bar--item",
        "keys-bar--key",
        "keys-bar--description",
        "keys-bar--disabled",
        "keys-bar--hover",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: tuple[ShownKey, ...] = ()
        self._spans: list[KeySpan] = []
        self._hover: ShownKey | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        # After the refresh, as Footer does: the first signal comes while the app is
        # still mounting, before its check_action can ask its panes.
        if screen is self.screen:
            self.call_after_refresh(self._show_keys)

    def _show_keys(self) -> None:
        if not self.is_attached:
            return
        keys = self._shown_keys()
        if keys != self.keys:
            self.keys = keys
            self._spans = lay_out(keys)
            self._hover = None
            self.refresh()

    def _shown_keys(self) -> tuple[ShownKey, ...]:
        # One entry per action, the first key bound to it, as Footer shows them.
        by_action: dict[str, ShownKey] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = ShownKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    enabled,
                    tooltip or binding.description,
                )
        return tuple(by_action.values())

    def render(self) -> Text:
        base = self.rich_style
        item = self.get_component_rich_style("keys-bar--item", partial=True)
        key_style = self.get_component_rich_style("keys-bar--key", partial=True)
        description = self.get_component_rich_style("keys-bar--description", partial=True)
        disabled = self.get_component_rich_style("keys-bar--disabled", partial=True)
        hover = self.get_component_rich_style("keys-bar--hover", partial=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        for n, span in enumerate(self._spans):
            shown = span.shown
            own = base + item
            if not shown.enabled:
                own += disabled
            if shown is self._hover:
                own += hover
            if n:
                line.append(" ", base)
            line.append(shown.display, own + key_style)
            if shown.description:
                line.append(" " + shown.description, own + description)
        return line

    def _span_at(self, x: int) -> KeySpan | None:
        return next((span for span in self._spans if span.start <= x < span.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        span = self._span_at(event.x)
        shown = span.shown if span else None
        if shown is not self._hover:
            self._hover = shown
            self.tooltip = shown.tooltip if shown else None
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        span = self._span_at(event.x)
        if span is None:
            return
        if span.shown.enabled:
            self.app.simulate_key(span.shown.key)
        else:
            self.app.bell()
