"""One-line explanations, with the fix, for the ways a model server fails.

Client libraries raise errors that are accurate but say little to someone who
just wanted to try a local model ("ConnectError: All connection attempts
failed"). ``explain_error`` maps them to what happened and what to do, using the
active model spec for the URL and the model name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from tui.models import ModelSpec, active_model

_TRANSPORT_MIDSTREAM = ("RemoteProtocolError", "ReadError", "IncompleteRead")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def explain_error(exc: BaseException, spec: ModelSpec | None = None) -> str | None:
    """A one-line hint for a model-server failure, or ``None`` if it is not one."""
    spec = spec or active_model()
    for error in _chain(exc):
        hint = _explain_one(error, spec)
        if hint:
            return hint
    return None


def _explain_one(error: BaseException, spec: ModelSpec) -> str | None:
    name = type(error).__name__
    module = type(error).__module__
    url = spec.resolved_base_url() or "the default OpenAI endpoint"
    status = getattr(error, "status_code", None)
    if module.startswith("ollama") and name == "ResponseError":
        text = str(getattr(error, "error", error))
        if status == 404 or "not found" in text.lower():
            return f"model {spec.name!r} is not pulled in Ollama at {url}: run `ollama pull {spec.name}`"
        return f"Ollama at {url} answered {status}: {text}"
    if name in ("AuthenticationError",) or status == 401:
        return (
            f"the server at {url} rejected the API key (401): set OPENAI_API_KEY to a key it "
            "accepts"
        )
    if name == "PermissionDeniedError" or status == 403:
        return f"the server at {url} refused access (403): check the key's permissions for {spec.name!r}"
    if name == "NotFoundError" or status == 404:
        return f"model {spec.name!r} was not found at {url} (404): check --model and --base-url"
    if name in ("APITimeoutError", "ReadTimeout", "ConnectTimeout", "TimeoutException", "TimeoutError"):
        return (
            f"no answer from {url} within {spec.timeout_s:g}s: raise --timeout or check that "
            "the server is not stuck"
        )
    if name in ("ConnectError", "APIConnectionError", "ConnectionRefusedError") and not any(
        isinstance(e, _midstream_types()) for e in _chain(error)
    ):
        if spec.provider == "ollama":
            return f"Ollama is not running at {url}; start it with `ollama serve`"
        if spec.provider == "openai":
            return f"cannot reach the OpenAI-compatible server at {url}: start it or fix --base-url"
    if name in _TRANSPORT_MIDSTREAM:
        return f"the server at {url} closed the stream mid-answer; the partial output is kept"
    if isinstance(error, json.JSONDecodeError) or "JSONDecodeError" in name:
        return f"the server at {url} sent a malformed chunk ({error}); the partial output is kept"
    return None


def _midstream_types() -> tuple[type[BaseException], ...]:
    try:
        import httpx
    except ImportError:
        return ()
    return (httpx.RemoteProtocolError, httpx.ReadError)
