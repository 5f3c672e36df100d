"""``chat_model()``: the client for the active (or a given) model spec.

Each provider module has a ``build(spec, options)`` function; this module picks
one by the spec's provider and caches what it built. Adding a provider is a module
here with its ``build``, its name in ``spec.PROVIDERS`` and one entry below.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel

from tui.providers.active import active_model
from tui.providers.spec import ModelSpec

# The environment a client reads is part of its cache key: a model built before
# OPENAI_API_KEY changed must not keep sending the old key.
_CLIENT_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OLLAMA_HOST", "OLLAMA_API_KEY")


_given: BaseChatModel | None = None


def give_chat_model(model: BaseChatModel | None) -> None:
    """Make ``chat_model()`` return ``model`` itself (the testing kit's ``model=``
    with a chat model); ``None`` goes back to building one from the active spec."""
    global _given
    _given = model


def chat_model(spec: ModelSpec | None = None) -> BaseChatModel:
    """The chat model for the active (or given) spec; what sample graphs call."""
    if spec is None and _given is not None:
        return _given
    # The running event loop is part of the key too: an async HTTP client keeps its
    # pooled connections on the loop that opened them, and every session runs its
    # graph on a loop of its own, so a client shared with an earlier session fails
    # with "Event loop is closed".
    env = tuple(os.environ.get(name) for name in _CLIENT_ENV)
    return _build(spec or active_model(), env, _running_loop())


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # a sync node in a worker thread: sync clients have no loop
        return None


def _builders() -> dict[str, Callable[..., BaseChatModel]]:
    # Imported when first needed: a run on the scripted model never pays for the
    # Ollama or OpenAI client libraries.
    def scripted(spec: ModelSpec, options: dict[str, Any], loop: Any) -> BaseChatModel:
        from tui.providers.scripted import build

        return build(spec)

    def ollama(spec: ModelSpec, options: dict[str, Any], loop: Any) -> BaseChatModel:
        from tui.providers.ollama_chat import build

        return build(spec, options)

    def openai(spec: ModelSpec, options: dict[str, Any], loop: Any) -> BaseChatModel:
        from tui.providers.openai_compatible import build

        return build(spec, options, own_async_client=loop is not None)

    return {"scripted": scripted, "ollama": ollama, "openai": openai}


@functools.lru_cache(maxsize=16)
def _build(
    spec: ModelSpec,
    env: tuple[str | None, ...] = (),
    loop: asyncio.AbstractEventLoop | None = None,
) -> BaseChatModel:
    options: dict[str, Any] = {}
    if not spec.stream_tools:
        # Small local models often stream broken tool-call deltas; asking for the
        # whole message when tools are bound sidesteps that.
        options["disable_streaming"] = "tool_calling"
    return _builders()[spec.provider](spec, options, loop)


def warm_up(spec: ModelSpec) -> None:
    """Import the spec's client libraries now. Done on the graph's loop at the first
    call (building the model), the import would block that loop for a second and the
    debugger would blame the node for it."""
    if spec.provider == "ollama":
        import tui.providers.ollama_chat
    elif spec.provider == "openai":
        import tui.providers.openai_compatible  # noqa: F401
