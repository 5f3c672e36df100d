"""Notifications that show their text as it is, for any app that mixes this in.

A run's error, a node name or a model's words often contain square brackets
(every pydantic ``ValidationError``, a path like ``[/etc]``) that Textual would parse
as markup, crashing on a lone ``[/]`` or swallowing ``[redacted]``.
"""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from tui.app.text.literal import visible


class LiteralNotifications(App):
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification, the widgets' too, shows its text literally."""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )
