"""Choose the chat model the sample graphs use.

``--model`` takes ``scripted`` (default; offline), ``scripted:fast`` or
``scripted:RATE`` (tokens per second), ``ollama:NAME`` or ``openai:NAME``.
The CLI makes its choice the active one with ``set_active_model``; sample graphs call
``chat_model()`` when a node runs, so switching the model takes effect on the next
run without reloading the graph. The choice is mirrored into environment variables
so a graph loaded elsewhere (``langgraph dev``, a plain script) sees it too.
"""

from __future__ import annotations

import asyncio
import functools
import os
from dataclasses import dataclass, replace
from typing import Any

from langchain_core.language_models import BaseChatModel

ENV_MODEL = "LANGGRAPH_TUI_MODEL"
ENV_BASE_URL = "LANGGRAPH_TUI_BASE_URL"
ENV_TIMEOUT = "LANGGRAPH_TUI_TIMEOUT"
ENV_MAX_TOKENS = "LANGGRAPH_TUI_MAX_TOKENS"
ENV_STREAM_TOOLS = "LANGGRAPH_TUI_STREAM_TOOLS"
DEFAULT_OLLAMA_URL = "http://localhost:11434"
DEFAULT_TIMEOUT_S = 60.0
PROVIDERS = ("scripted", "ollama", "openai")
_NO_KEY = "sk-no-key-needed"


class ModelSpecError(ValueError):
    """A ``--model`` value that cannot be used; ``str()`` is the one-line message."""


@dataclass(frozen=True)
class ModelSpec:
    provider: str
    name: str
    base_url: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_tokens: int | None = None
    stream_tools: bool = True

    @property
    def label(self) -> str:
        return f"{self.provider}:{self.name}"

    def resolved_base_url(self) -> str | None:
        if self.provider == "ollama":
            return ollama_base_url(self.base_url)
        if self.provider == "openai":
            return self.base_url or os.environ.get("OPENAI_BASE_URL") or None
        return None


def parse_model_spec(
    text: str,
    *,
    base_url: str | None = None,
    timeout_s: float | None = None,
    max_tokens: int | None = None,
    stream_tools: bool = True,
) -> ModelSpec:
    text = (text or "scripted").strip()
    provider, _, name = text.partition(":")
    provider = provider.lower()
    if provider not in PROVIDERS:
        raise ModelSpecError(f"unknown model {text!r}: use scripted, ollama:NAME or openai:NAME")
    if provider == "scripted":
        name = name or "default"
        if name not in ("default", "fast"):
            try:
                if float(name) <= 0:
                    raise ValueError
            except ValueError:
                raise ModelSpecError(
                    f"bad scripted rate {name!r}: use scripted, scripted:fast or "
                    "scripted:TOKENS_PER_SECOND (a positive number)"
                ) from None
    elif not name:
        raise ModelSpecError(f"{provider} needs a model name: --model {provider}:NAME")
    return ModelSpec(
        provider=provider,
        name=name,
        base_url=base_url,
        timeout_s=timeout_s or DEFAULT_TIMEOUT_S,
        max_tokens=max_tokens,
        stream_tools=stream_tools,
    )


def ollama_base_url(explicit: str | None = None) -> str:
    url = explicit or os.environ.get("OLLAMA_HOST") or DEFAULT_OLLAMA_URL
    if "://" not in url:
        url = f"http://{url}"
    return url.rstrip("/")


_active: ModelSpec | None = None


def set_active_model(spec: ModelSpec) -> None:
    global _active
    _active = spec
    os.environ[ENV_MODEL] = spec.label
    _set_env(ENV_BASE_URL, spec.base_url)
    _set_env(ENV_TIMEOUT, str(spec.timeout_s))
    _set_env(ENV_MAX_TOKENS, str(spec.max_tokens) if spec.max_tokens else None)
    _set_env(ENV_STREAM_TOOLS, None if spec.stream_tools else "0")


def _set_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def active_model() -> ModelSpec:
    if _active is not None:
        return _active
    max_tokens = os.environ.get(ENV_MAX_TOKENS)
    return parse_model_spec(
        os.environ.get(ENV_MODEL, "scripted"),
        base_url=os.environ.get(ENV_BASE_URL) or None,
        timeout_s=float(os.environ.get(ENV_TIMEOUT) or DEFAULT_TIMEOUT_S),
        max_tokens=int(max_tokens) if max_tokens else None,
        stream_tools=os.environ.get(ENV_STREAM_TOOLS) != "0",
    )


def chat_model(spec: ModelSpec | None = None) -> BaseChatModel:
    """The chat model for the active (or given) spec; what sample graphs call."""
    # The environment the client reads is part of the cache key: a model built
    # before OPENAI_API_KEY changed must not keep sending the old key. So is the
    # running event loop: an async HTTP client keeps its pooled connections on the
    # loop that opened them, and every session runs its graph on a loop of its own,
    # so a client shared with an earlier session fails with "Event loop is closed".
    env = tuple(os.environ.get(name) for name in _CLIENT_ENV)
    return _build(spec or active_model(), env, _running_loop())


_CLIENT_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OLLAMA_HOST", "OLLAMA_API_KEY")


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # a sync node in a worker thread: sync clients have no loop
        return None


@functools.lru_cache(maxsize=16)
def _build(
    spec: ModelSpec,
    env: tuple[str | None, ...] = (),
    loop: asyncio.AbstractEventLoop | None = None,
) -> BaseChatModel:
    if spec.provider == "scripted":
        from tui.scripted import DEFAULT_TOKENS_PER_SECOND, ScriptedChatModel

        rate: float | None = DEFAULT_TOKENS_PER_SECOND
        if spec.name == "fast":
            rate = None
        elif spec.name != "default":
            rate = float(spec.name)
        return ScriptedChatModel(tokens_per_second=rate)
    common: dict[str, Any] = {}
    if not spec.stream_tools:
        # Small local models often stream broken tool-call deltas; asking for the
        # whole message when tools are bound sidesteps that.
        common["disable_streaming"] = "tool_calling"
    if spec.provider == "ollama":
        from tui.ollama_chat import ChatOllamaThinking

        # No `think` on the wire (a model that cannot think answers it with a 400),
        # but whatever thinking the server sends is kept apart from the answer.
        return ChatOllamaThinking(
            model=spec.name,
            base_url=ollama_base_url(spec.base_url),
            num_predict=spec.max_tokens,
            client_kwargs={"timeout": spec.timeout_s},
            **common,
        )
    from tui.openai_compatible import ChatOpenAICompatible

    base_url = spec.resolved_base_url()
    api_key = os.environ.get("OPENAI_API_KEY")
    if not api_key:
        if base_url is None:
            raise ModelSpecError(
                "OPENAI_API_KEY is not set: export it, or point --base-url at a "
                "local OpenAI-compatible server"
            )
        api_key = _NO_KEY
    extra_body = {"max_tokens": spec.max_tokens} if spec.max_tokens else None
    if loop is not None:
        import openai

        # langchain-openai shares one async client per URL across the process;
        # this loop needs its own (see chat_model).
        common["http_async_client"] = openai.DefaultAsyncHttpxClient()
    return ChatOpenAICompatible(
        model=spec.name,
        base_url=base_url,
        api_key=api_key,
        timeout=spec.timeout_s,
        max_retries=0,
        stream_usage=True,
        extra_body=extra_body,
        **common,
    )


def with_base_url(spec: ModelSpec, base_url: str | None) -> ModelSpec:
    return replace(spec, base_url=base_url)
