"""What ``--model`` names: a provider, a model, and how to reach it.

``scripted`` (default; offline), ``scripted:fast`` or ``scripted:RATE`` (tokens per
second), ``ollama:NAME`` or ``openai:NAME``. Parsing is strict so that a typo is one
line naming the fix, not a hang or a surprise at the first LLM call.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

DEFAULT_OLLAMA_URL = "http://localhost:11434"
DEFAULT_TIMEOUT_S = 60.0
PROVIDERS = ("scripted", "ollama", "openai")
MIN_SCRIPTED_RATE = 0.5
MAX_SCRIPTED_RATE = 1_000_000.0


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
                rate = float(name)
            except ValueError:
                rate = math.nan
            # Not a number, or so slow a run would look hung (NaN compares False).
            if not MIN_SCRIPTED_RATE <= rate <= MAX_SCRIPTED_RATE:
                raise ModelSpecError(
                    f"bad scripted rate {name!r}: use scripted, scripted:fast or "
                    f"scripted:TOKENS_PER_SECOND (a positive number, "
                    f"{MIN_SCRIPTED_RATE:g} to {MAX_SCRIPTED_RATE:,.0f})"
                )
    elif not name:
        raise ModelSpecError(f"{provider} needs a model name: --model {provider}:NAME")
    if base_url and "://" not in base_url:
        base_url = f"http://{base_url}"  # as an Ollama host without a scheme means
    return ModelSpec(
        provider=provider,
        name=name,
        base_url=base_url,
        timeout_s=timeout_s or DEFAULT_TIMEOUT_S,
        max_tokens=max_tokens,
        stream_tools=stream_tools,
    )


def scripted_rate(spec: ModelSpec) -> float | None:
    """Tokens per second of a scripted spec; ``None`` streams as fast as it can."""
    from tui.providers.scripted import DEFAULT_TOKENS_PER_SECOND

    if spec.name == "fast":
        return None
    if spec.name == "default":
        return DEFAULT_TOKENS_PER_SECOND
    return float(spec.name)


def ollama_base_url(explicit: str | None = None) -> str:
    url = explicit or os.environ.get("OLLAMA_HOST") or DEFAULT_OLLAMA_URL
    if "://" not in url:
        url = f"http://{url}"
    return url.rstrip("/")
