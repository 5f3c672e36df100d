"""One-line explanations, with the fix, for the ways a model server fails.

Client libraries raise errors that are accurate but say little to someone who
just wanted to try a local model ("ConnectError: All connection attempts
failed"). ``explain_error`` maps them to what happened and what to do, using the
active model spec for the URL and the model name.

Only errors that came out of a model client (ollama, openai, or httpx called by
one of them) are explained: a graph's own ``ConnectionError`` or ``json.loads``
failure is its own business, and a hint about the model server would mislead.
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Callable, Iterator
from types import TracebackType

from tui.providers.active import active_model
from tui.providers.spec import ModelSpec

_FAMILY_MODULES = {
    "ollama": ("ollama", "langchain_ollama", "tui.providers.ollama_chat"),
    "openai": ("openai", "langchain_openai", "tui.providers.openai_compatible"),
}
_ENDPOINTS = re.compile(r"/(api/[a-z]+|chat/completions|completions|models|responses)/?$")
_NOT_FOUND_NAME = re.compile(r"""model ["'](?P<name>[^"']+)["'] not found""")
_HTTP_PACKAGES = ("httpx", "httpx2", "httpcore", "httpcore2", "h11")
_API_PACKAGES = ("openai", "langchain_openai", "langchain_core")
_TIMEOUTS = frozenset({"TimeoutException"})
_API_TIMEOUTS = frozenset({"APITimeoutError", "ModelTimeoutError"})
_CUTS = frozenset({"RemoteProtocolError", "ReadError"})
_CONNECTS = frozenset({"ConnectError"})
_API_CONNECTS = frozenset({"APIConnectionError", "ModelConnectionError"})
_API_STATUS = frozenset({"APIStatusError"})


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _module_family(module: str) -> str | None:
    for family, prefixes in _FAMILY_MODULES.items():
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return family
    return None


def _origin(error: BaseException) -> str | None:
    """Which client raised ``error``: its class's package, else the innermost frame
    of its traceback that belongs to a client (httpx errors, json errors)."""
    family = _module_family(type(error).__module__)
    if family:
        return family
    tb: TracebackType | None = error.__traceback__
    found = None
    while tb is not None:
        found = _module_family(str(tb.tb_frame.f_globals.get("__name__", ""))) or found
        tb = tb.tb_next
    return found


class _Where:
    """The server and model an error is about, in the words the hints use.

    The active spec knows the URL, model and timeout when it chose this client;
    a graph that builds its own client is described from the failed request."""

    def __init__(self, family: str, spec: ModelSpec, errors: list[BaseException]) -> None:
        self.family = family
        matches_spec = spec.provider == family
        self.timeout_s = spec.timeout_s if matches_spec else None
        self.model = spec.name if matches_spec else None
        url = spec.resolved_base_url() if matches_spec else _request_base(errors)
        if url is not None:
            self.url = url
            self.server = f"Ollama at {url}" if family == "ollama" else f"the server at {url}"
        elif family == "ollama":
            self.url = self.server = "the Ollama server"
        elif matches_spec:
            self.url = self.server = "the default OpenAI endpoint"
        else:
            self.url = self.server = "the model server"


def _request_base(errors: list[BaseException]) -> str | None:
    for error in errors:
        try:
            request = getattr(error, "request", None)
        except RuntimeError:  # httpx raises when an error has no request attached
            request = None
        url = getattr(request, "url", None)
        if url is not None:
            return _ENDPOINTS.sub("", str(url).split("?", 1)[0])
    return None


def explain_error(exc: BaseException, spec: ModelSpec | None = None) -> str | None:
    """A one-line hint for a model-server failure, or ``None`` if it is not one."""
    errors = list(_chain(exc))
    family = next((f for f in map(_origin, errors) if f), None)
    if family is None:
        return None
    where = _Where(family, spec or active_model(), errors)
    # Most specific first: a 401 wrapped in a connection error is still a 401, and a
    # stream cut mid-answer surfaces wrapped in a "connection error" too.
    for explain in _EXPLAINERS:
        for error in errors:
            hint = explain(error, where)
            if hint:
                return hint
    return None


def _ollama_response(error: BaseException, where: _Where) -> str | None:
    if not (
        type(error).__module__.startswith("ollama") and type(error).__name__ == "ResponseError"
    ):
        return None
    text = str(getattr(error, "error", error))
    status = getattr(error, "status_code", None)
    if status == 404 or "not found" in text.lower():
        found = _NOT_FOUND_NAME.search(text)
        name = found.group("name") if found else where.model or "MODEL"
        return f"model {name!r} is not pulled in {where.server}: run `ollama pull {name}`"
    if "does not support tools" in text:
        name = where.model or "this model"
        return (
            f"{name!r} cannot call tools in Ollama: choose a model with tool support "
            "(llama3.2, qwen3, ...)"
        )
    if status is None or status < 0:
        # Ollama reports a failure after the answer has started as an {"error"} record.
        return f"{where.server} failed mid-answer ({text}); the partial output is kept"
    return f"{where.server} answered {status}: {text}"


def _openai_status(error: BaseException, where: _Where) -> str | None:
    # By name, so that explaining an Ollama failure never pays for importing openai.
    if not _is(error, _API_STATUS, _API_PACKAGES):
        return None
    status = getattr(error, "status_code", None)
    if status == 401:
        return f"{where.server} rejected the API key (401): set OPENAI_API_KEY to a key it accepts"
    if status == 403:
        name = where.model or _body_model(error) or "this model"
        return f"{where.server} refused access (403): check the key's permissions for {name!r}"
    if status == 404:
        name = where.model or _body_model(error) or "the model"
        if where.url.startswith("http") and not where.url.rstrip("/").endswith("/v1"):
            # llama.cpp, vLLM and most others serve the API under /v1.
            return (
                f"{where.server} answered 404: is --base-url missing /v1? "
                f"(try --base-url {where.url.rstrip('/')}/v1)"
            )
        return f"model {name!r} was not found at {where.url} (404): check --model and --base-url"
    if status == 429:
        return f"{where.server} is rate-limiting requests (429): wait, or lower the load"
    return f"{where.server} answered {status}: {_openai_message(error)}"


def _body_model(error: BaseException) -> str | None:
    found = re.search(r"model `([^`]+)`", str(getattr(error, "message", "")))
    return found.group(1) if found else None


def _openai_message(error: BaseException) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if isinstance(message, str) and message:
            return message
    return str(getattr(error, "message", "") or error)


def _is(error: BaseException, names: frozenset[str], packages: tuple[str, ...]) -> bool:
    """Whether ``error`` is one of ``names`` from one of ``packages``, by its class
    hierarchy: the OpenAI SDK uses ``httpx2``, ollama uses ``httpx``, and both must
    be recognized without importing either."""
    return any(
        cls.__name__ in names and cls.__module__.split(".")[0] in packages
        for cls in type(error).__mro__
    )


def _timeout(error: BaseException, where: _Where) -> str | None:
    if not (
        isinstance(error, TimeoutError)
        or _is(error, _TIMEOUTS, _HTTP_PACKAGES)
        or _is(error, _API_TIMEOUTS, _API_PACKAGES)
    ):
        return None
    within = f"within {where.timeout_s:g}s" if where.timeout_s is not None else "in time"
    return f"no answer from {where.url} {within}: raise --timeout or check that the server is not stuck"


def _cut_stream(error: BaseException, where: _Where) -> str | None:
    if not (isinstance(error, http.client.IncompleteRead) or _is(error, _CUTS, _HTTP_PACKAGES)):
        return None
    if "without sending a response" in str(error):
        return f"{where.server} closed the connection without answering: check its log"
    return f"{where.server} closed the stream mid-answer; the partial output is kept"


def _malformed(error: BaseException, where: _Where) -> str | None:
    if not isinstance(error, json.JSONDecodeError):
        return None
    snippet = error.doc.strip()
    if len(snippet) > 40:
        snippet = snippet[:40] + "..."
    return f"{where.server} sent a chunk that is not JSON ({snippet!r}); the partial output is kept"


def _stream_error(error: BaseException, where: _Where) -> str | None:
    # The OpenAI SDK raises a bare APIError for an {"error"} event inside a stream.
    if type(error).__name__ != "APIError" or not type(error).__module__.startswith("openai"):
        return None
    return (
        f"{where.server} failed mid-answer ({_openai_message(error)}); the partial output is kept"
    )


def _unreachable(error: BaseException, where: _Where) -> str | None:
    if not (
        isinstance(error, ConnectionError)
        or _is(error, _CONNECTS, _HTTP_PACKAGES)
        or _is(error, _API_CONNECTS, _API_PACKAGES)
    ):
        return None
    if where.family == "ollama":
        return f"Ollama is not running at {where.url}; start it with `ollama serve`"
    return f"cannot reach the OpenAI-compatible server at {where.url}: start it or fix --base-url"


_EXPLAINERS: tuple[Callable[[BaseException, _Where], str | None], ...] = (
    _ollama_response,
    _openai_status,
    _timeout,
    _cut_stream,
    _malformed,
    _stream_error,
    _unreachable,
)
