"""Reaching a LangGraph Server: the SDK client, which graph to run, and what a
failure means, in one line with the fix."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from tui.net.tls import shared_context

if TYPE_CHECKING:
    from langgraph_sdk.client import LangGraphClient


class ServerError(RuntimeError):
    """The server cannot be used as asked; ``str()`` is one line with the fix."""


def missing_sdk() -> ServerError:
    return ServerError(
        'attach needs the server extra: pip install "langgraph-tui[server]" (adds langgraph-sdk)'
    )


def make_client(url: str, api_key: str | None, timeout_s: float) -> LangGraphClient:
    """An SDK client that fails at once on a server that is down: the SDK's own
    ``get_client`` retries a refused connection five times (about 8 s)."""
    try:
        from langgraph_sdk import __version__
        from langgraph_sdk.client import LangGraphClient
    except ImportError as exc:
        raise missing_sdk() from exc
    headers = {"User-Agent": f"langgraph-tui (langgraph-sdk-py/{__version__})"}
    if api_key:
        headers["x-api-key"] = api_key
    # A proxy from the environment is for the world, not for a server on this
    # machine (httpx does not leave loopback out of HTTP_PROXY by itself).
    trust_env = httpx.URL(url).host not in _LOOPBACK
    http = httpx.AsyncClient(
        base_url=url,
        trust_env=trust_env,
        transport=httpx.AsyncHTTPTransport(
            retries=0, verify=shared_context(trust_env=trust_env), trust_env=trust_env
        ),
        # Reads wait as long as a run streams nothing (a slow node): no read limit.
        timeout=httpx.Timeout(timeout_s, read=None),
        headers=headers,
    )
    return LangGraphClient(http)


_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def normal_url(url: str) -> str:
    """``127.0.0.1:2024`` -> ``http://127.0.0.1:2024``; no trailing slash."""
    url = url.strip().rstrip("/")
    return url if "://" in url else f"http://{url}"


def explain(exc: BaseException, url: str) -> str:
    """One line for what went wrong talking to the server at ``url``, with the fix."""
    status = _status(exc)
    if status in (401, 403):
        return (
            f"the server at {url} refused the request (HTTP {status}): pass --api-key KEY or "
            "set LANGSMITH_API_KEY to a key this deployment accepts"
        )
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return (
            f"no LangGraph Server answers at {url}: start one (langgraph dev --port PORT) "
            "or check the URL"
        )
    if isinstance(exc, httpx.TimeoutException):
        return f"the server at {url} did not answer in time: check it is up, or raise --timeout"
    if isinstance(exc, httpx.TransportError):
        return f"lost the connection to {url} ({type(exc).__name__}): check the server is up"
    if status == 404:
        return f"{url} answered 404: is it a LangGraph Server (the URL without a path)?"
    if status == 409:
        return (
            f"the server at {url} is busy with this thread (HTTP 409: {_detail(exc)}): "
            "wait for its run to end, or cancel it"
        )
    if status is not None:
        return f"the server at {url} answered HTTP {status}: {_detail(exc)}"
    return f"{type(exc).__name__}: {exc}"


def _status(exc: BaseException) -> int | None:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code
    return None


def _detail(exc: BaseException) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        try:
            body = exc.response.json()
        except Exception:
            body = None
        if isinstance(body, dict) and isinstance(body.get("detail"), str):
            return _one_line(body["detail"])  # a 409 quotes the whole run here
        text = exc.response.text.strip()
        if text:
            return _one_line(text)
    return _one_line(str(exc)) if str(exc) else type(exc).__name__


def _one_line(text: str, limit: int = 200) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"


@dataclass(frozen=True)
class Assistant:
    assistant_id: str
    graph_id: str
    name: str
    description: str | None = None


def assistant_from(data: dict[str, Any]) -> Assistant:
    return Assistant(
        assistant_id=str(data.get("assistant_id", "")),
        graph_id=str(data.get("graph_id", "")),
        name=str(data.get("name") or data.get("graph_id") or ""),
        description=data.get("description") if isinstance(data.get("description"), str) else None,
    )


async def list_assistants(client: LangGraphClient) -> list[Assistant]:
    found: list[Assistant] = []
    offset = 0
    while True:
        page = await client.assistants.search(limit=100, offset=offset)
        found.extend(assistant_from(dict(a)) for a in page)
        if len(page) < 100:
            return found
        offset += len(page)


def pick_assistant(assistants: list[Assistant], wanted: str, url: str) -> Assistant:
    """``wanted`` is an assistant id, an assistant name or a graph name (its first
    assistant, the one the server made for the graph, as the SDK takes a graph
    name)."""
    for match in (
        lambda a: a.assistant_id == wanted,
        lambda a: a.graph_id == wanted and a.name == wanted,
        lambda a: a.graph_id == wanted,
        lambda a: a.name == wanted,
    ):
        chosen = [a for a in assistants if match(a)]
        if chosen:
            return sorted(chosen, key=lambda a: a.name != a.graph_id)[0]
    names = sorted({a.graph_id for a in assistants})
    choose = f"choose one of {', '.join(names)}" if names else "it serves no graphs"
    return _raise(f"the server at {url} has no graph or assistant named {wanted!r}: {choose}")


def _raise(message: str) -> Any:
    raise ServerError(message)


def check_thread_id(thread_id: str) -> str:
    """A server thread id is a UUID; say so before the server does (HTTP 422)."""
    try:
        return str(uuid.UUID(thread_id))
    except ValueError:
        raise ServerError(
            f"--thread {thread_id!r}: a LangGraph Server's thread ids are UUIDs; pass one it "
            "gave (the run_started event has it), or leave --thread out for a new thread"
        ) from None


def assistants_table(assistants: list[Assistant], url: str) -> str:
    """What ``attach URL`` with no ``--graph`` prints."""
    if not assistants:
        return f"The server at {url} serves no graphs."
    rows = [("GRAPH", "ASSISTANT", "ASSISTANT ID")]
    rows += [
        (a.graph_id, a.name, a.assistant_id)
        for a in sorted(assistants, key=lambda a: (a.graph_id, a.name != a.graph_id, a.name))
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}".rstrip() for r in rows]
    lines.append(f"Attach with: langgraph-tui attach {url} --graph GRAPH (or an assistant id)")
    return "\n".join(lines)
