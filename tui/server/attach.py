"""Attaching: find the graph on the server, read what it says about it, and open a
``ServerSession`` on it. Every failure is a ``ServerError`` with one line."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from tui.engine.clock import Clock
from tui.server.connection import (
    Assistant,
    ServerError,
    assistants_table,
    check_thread_id,
    explain,
    list_assistants,
    make_client,
    normal_url,
    pick_assistant,
)
from tui.server.graph_shape import graph_structure
from tui.server.session import GraphFacts, ServerOptions, ServerSession

T = TypeVar("T")


@dataclass
class AttachSpec:
    url: str
    graph: str
    api_key: str | None = None
    timeout_s: float = 10.0
    thread_id: str | None = None
    interrupt_before: list[str] = field(default_factory=list)
    interrupt_after: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    recursion_limit: int | None = None


def assistants_listing(url: str, api_key: str | None, timeout_s: float) -> str:
    """What ``attach URL`` prints: the server's graphs and assistants."""
    url = normal_url(url)
    return _run_apart(_listing(url, api_key, timeout_s))


async def _listing(url: str, api_key: str | None, timeout_s: float) -> str:
    client = make_client(url, api_key, timeout_s)
    try:
        return assistants_table(await list_assistants(client), url)
    except httpx.HTTPError as exc:
        raise ServerError(explain(exc, url)) from exc
    finally:
        await client.aclose()


def open_server_session(spec: AttachSpec, *, clock: Clock | None = None) -> ServerSession:
    url = normal_url(spec.url)
    thread_id = check_thread_id(spec.thread_id) if spec.thread_id else None
    assistant, facts = _run_apart(_describe(url, spec))
    known = [n["id"] for n in facts.structure["nodes"] if not n["id"].startswith("__")]
    for node in [*spec.interrupt_before, *spec.interrupt_after]:
        if node not in known:
            raise ServerError(
                f"no node named {node!r} for a breakpoint: choose from {', '.join(known)}"
            )
    options = ServerOptions(
        thread_id=thread_id,
        interrupt_before=list(spec.interrupt_before),
        interrupt_after=list(spec.interrupt_after),
        config=dict(spec.config),
        context=dict(spec.context),
        recursion_limit=spec.recursion_limit,
        secrets=[spec.api_key] if spec.api_key else [],
    )
    if clock is not None:
        options.clock = clock
    return ServerSession(
        lambda: make_client(url, spec.api_key, spec.timeout_s),
        url=url,
        assistant=assistant,
        facts=facts,
        options=options,
    )


def _run_apart(coro: Coroutine[Any, Any, T]) -> T:
    """``coro`` run to the end on a loop of its own: the caller may be on one (the
    app's, a test's)."""
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="attach") as pool:
        return pool.submit(asyncio.run, coro).result()


async def _describe(url: str, spec: AttachSpec) -> tuple[Assistant, GraphFacts]:
    client = make_client(url, spec.api_key, spec.timeout_s)
    try:
        assistant = pick_assistant(await list_assistants(client), spec.graph, url)
        drawn = await client.assistants.get_graph(assistant.assistant_id)
        xray = await client.assistants.get_graph(assistant.assistant_id, xray=True)
        try:
            schemas = await client.assistants.get_schemas(assistant.assistant_id)
            input_schema = schemas.get("input_schema") or {}
            state_schema = schemas.get("state_schema") or {}
        except httpx.HTTPStatusError:
            # The server cannot describe some schemas (a typing.TypedDict context on
            # Python < 3.12 is a 500): then the input is not checked here.
            input_schema = state_schema = {}
    except httpx.HTTPError as exc:
        raise ServerError(explain(exc, url)) from exc
    finally:
        await client.aclose()
    xray_shape = graph_structure(xray)
    xray_ids = {n["id"] for n in xray_shape["nodes"]}
    return assistant, GraphFacts(
        structure=graph_structure(drawn, xray_ids),
        xray_structure=xray_shape,
        input_schema=input_schema if isinstance(input_schema, dict) else {},
        state_schema=state_schema if isinstance(state_schema, dict) else {},
    )
