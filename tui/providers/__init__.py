"""Chat-model providers: the offline scripted model, Ollama, OpenAI-compatible servers.

A graph that wants to follow ``--model`` (and the TUI's "Switch model") builds its
model with ``chat_model()`` when a node runs::

    from tui.providers import chat_model

    async def agent(state):
        reply = await chat_model().ainvoke(state["messages"])

Adding a provider is one module in this folder with a ``build`` function, its name
in ``spec.PROVIDERS``, an entry in ``registry``, and its client packages in
``error_hints`` so its failures get hints.
"""

from typing import Any

from tui.providers.active import active_model, reading_pace, set_active_model
from tui.providers.spec import ModelSpec, ModelSpecError, parse_model_spec


def __getattr__(name: str) -> Any:
    # chat_model pulls in LangChain: loaded on first use, so that what only parses a
    # --model (the command line) stays quick to import.
    if name == "chat_model":
        from tui.providers.registry import chat_model

        return chat_model
    raise AttributeError(name)


__all__ = [
    "ModelSpec",
    "ModelSpecError",
    "active_model",
    "chat_model",
    "parse_model_spec",
    "reading_pace",
    "set_active_model",
]
