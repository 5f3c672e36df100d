"""What the engine needs from outside it, as protocols it is handed.

The engine knows no model provider: the launcher passes in how to explain a
model-server error and how to switch the model, so the engine stays importable
(and testable) without any provider code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from langgraph.pregel import Pregel

ErrorExplainer = Callable[[BaseException], str | None]
"""A one-line hint (what happened and the fix) for an error, or ``None``."""

GraphOpener = Callable[[], Awaitable["tuple[Pregel, Callable[[], Awaitable[None]]]"]]
"""Opens a graph on the engine's loop (an async factory, an async context manager)
and returns it with the coroutine function that closes it."""


class ModelSwitchError(ValueError):
    """A model that cannot be switched to; ``str()`` is the one-line reason."""


@dataclass(frozen=True)
class ModelChoice:
    label: str
    note: str = ""


class ModelSwitcher(Protocol):
    """Chooses the chat model of the next run (for graphs that follow ``--model``)."""

    @property
    def label(self) -> str:
        """The model the next run uses."""
        ...

    def switch(self, text: str) -> str:
        """Use ``text`` from the next run on; returns its label. Raises
        ``ModelSwitchError``."""
        ...

    def offline_choices(self) -> list[ModelChoice]:
        """Choices known without asking anyone."""
        ...

    def discovery_source(self) -> str:
        """Where ``discover_choices`` looks, in words ("Ollama at URL")."""
        ...

    def discover_choices(self) -> list[ModelChoice]:
        """Choices a server offers; may block, so call it off the UI thread. Raises
        ``ModelSwitchError`` with what is wrong."""
        ...
