"""The model the sample graphs (and any graph calling ``chat_model()``) use now.

The CLI makes its choice the active one; graphs call ``chat_model()`` when a node
runs, so switching takes effect on the next run without reloading the graph. The
choice is mirrored into environment variables so a graph loaded elsewhere
(``langgraph dev``, a plain script, a subprocess) sees it too.
"""

from __future__ import annotations

import os

from tui.providers.spec import DEFAULT_TIMEOUT_S, ModelSpec, parse_model_spec

ENV_MODEL = "LANGGRAPH_TUI_MODEL"
ENV_BASE_URL = "LANGGRAPH_TUI_BASE_URL"
ENV_TIMEOUT = "LANGGRAPH_TUI_TIMEOUT"
ENV_MAX_TOKENS = "LANGGRAPH_TUI_MAX_TOKENS"
ENV_STREAM_TOOLS = "LANGGRAPH_TUI_STREAM_TOOLS"

_active: ModelSpec | None = None


def set_active_model(spec: ModelSpec | None) -> None:
    """Make ``spec`` the active model; ``None`` forgets it (the environment decides)."""
    global _active
    _active = spec
    if spec is None:
        for name in (ENV_MODEL, ENV_BASE_URL, ENV_TIMEOUT, ENV_MAX_TOKENS, ENV_STREAM_TOOLS):
            os.environ.pop(name, None)
        return
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


def reading_pace() -> bool:
    """Whether the active model streams at a pace for a person to watch (the
    scripted model, unless ``scripted:fast``): sample graphs pace their slow tools
    to match, and run them at full speed otherwise."""
    spec = active_model()
    return spec.provider == "scripted" and spec.name != "fast"


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
