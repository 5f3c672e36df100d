"""A model or tool call as a cassette keeps it: where it was made, what was asked,
what came back.

Where: the thread (numbered by first appearance, so a replay on a new thread id
still matches), the superstep, the subgraph path and node, and the call's number
among that node's calls at that step. LangGraph puts all of these in the metadata
of the config a node's calls run under, whichever way the model is called
(``invoke``, ``ainvoke``, ``stream``, ``astream``, sync or async nodes).

What was asked is kept in a normalized form (message types, contents, tool calls,
the tools bound), without message ids, which differ from run to run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    BaseMessageChunk,
    message_to_dict,
    messages_from_dict,
)
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.runnables.config import var_child_runnable_config


@dataclass(frozen=True)
class Site:
    """Where a call was made: ``thread`` is the run's thread id (the cassette numbers
    threads), ``ns`` the subgraph path by node names (``""`` at the root)."""

    thread: str | None
    step: int | None
    ns: str
    node: str | None

    def describe(self) -> str:
        where = f"{self.ns} › " if self.ns else ""
        return f"{where}{self.node or '(outside a graph)'} at step {self.step}"


def current_site() -> Site:
    """The site of a call made now (in a node, or outside any graph)."""
    config = var_child_runnable_config.get() or {}
    metadata = config.get("metadata") or {}
    configurable = config.get("configurable") or {}
    thread = metadata.get("thread_id") or configurable.get("thread_id")
    checkpoint_ns = str(metadata.get("langgraph_checkpoint_ns") or "")
    # "parent:<task id>|child:<task id>": the node itself is the last part.
    parents = [part.split(":", 1)[0] for part in checkpoint_ns.split("|") if part][:-1]
    step = metadata.get("langgraph_step")
    return Site(
        thread=str(thread) if thread is not None else None,
        step=step if isinstance(step, int) else None,
        ns=" › ".join(parents),
        node=metadata.get("langgraph_node"),
    )


def bare_ns(ns: Any) -> str:
    """A session event's namespace (``["parent:<task id>"]``) as a ``Site.ns``."""
    return " › ".join(str(part).split(":", 1)[0] for part in ns or ())


# -- requests ---------------------------------------------------------------------------


def request_of(messages: list[BaseMessage], kwargs: dict[str, Any]) -> dict[str, Any]:
    """What a model call asked, in the form compared on replay."""
    request: dict[str, Any] = {"messages": [_message_form(m) for m in messages]}
    tools = kwargs.get("tools")
    if tools:
        request["tools"] = [_tool_name(t) for t in tools]
    if kwargs.get("tool_choice") not in (None, "auto"):
        request["tool_choice"] = kwargs["tool_choice"]
    return request


def _message_form(message: BaseMessage) -> dict[str, Any]:
    form: dict[str, Any] = {"type": message.type, "content": message.content}
    calls = getattr(message, "tool_calls", None)
    if calls:
        form["tool_calls"] = [{"name": c["name"], "args": c["args"]} for c in calls]
    for name in ("tool_call_id", "name"):
        value = getattr(message, name, None)
        if value:
            form[name] = value
    return form


def _tool_name(tool: Any) -> str:
    if isinstance(tool, dict):
        function = tool.get("function")
        if isinstance(function, dict) and "name" in function:
            return str(function["name"])
        return str(tool.get("name") or tool.get("title") or json.dumps(tool, sort_keys=True))
    return str(getattr(tool, "name", None) or getattr(tool, "__name__", None) or tool)


def first_difference(recorded: dict[str, Any], now: dict[str, Any]) -> str:
    """Where two requests differ, in a line or two."""
    old, new = recorded.get("messages") or [], now.get("messages") or []
    for index, (a, b) in enumerate(zip(old, new, strict=False)):
        if a != b:
            return f"message {index + 1} ({b.get('type')}) was {_short(a)}, now {_short(b)}"
    if len(old) != len(new):
        return f"{len(new)} messages sent where the recording sent {len(old)}"
    for key in ("tools", "tool_choice"):
        if recorded.get(key) != now.get(key):
            return (
                f"{key}: the recording sent {_short(recorded.get(key))}, now {_short(now.get(key))}"
            )
    return "the requests differ"


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- replies ----------------------------------------------------------------------------


def reply_data(message: BaseMessage) -> dict[str, Any]:
    """A message as the file keeps it: fields left at their defaults are left out
    (reading it back restores them), so a cassette stays short enough to review."""
    data = message_to_dict(message)
    fields = data["data"]
    data["data"] = {
        k: v for k, v in fields.items() if k in ("content", "type") or v not in (None, [], {}, "")
    }
    return data


def reply_message(data: dict[str, Any]) -> BaseMessage:
    return messages_from_dict([data])[0]


def chunk_data(chunk: ChatGenerationChunk) -> dict[str, Any]:
    return reply_data(chunk.message)


class RecordedFailure(RuntimeError):
    """The recorded call failed (or was cut short): its replay fails the same way."""


def raise_recorded_failure(entry: dict[str, Any]) -> None:
    """Raise what the recorded call ended with, if it did not end with a reply."""
    if entry.get("error"):
        raise RecordedFailure(f"the recorded call failed: {entry['error']}")
    if entry.get("reply") is None and entry.get("chunks") is None:
        raise RecordedFailure("the recorded call has no reply: it was cut short")


def replay_chunks(entry: dict[str, Any]) -> list[ChatGenerationChunk]:
    """The recorded stream, chunk by chunk (up to a recorded failure, which
    ``raise_recorded_failure`` then raises); a reply recorded whole streams as one
    chunk holding all of it."""
    if entry.get("chunks") is not None or entry.get("error"):
        return [
            ChatGenerationChunk(message=_chunk(reply_message(c))) for c in entry.get("chunks") or []
        ]
    raise_recorded_failure(entry)
    message = reply_message(entry["reply"])
    chunk = AIMessageChunk(
        content=message.content,
        additional_kwargs=dict(message.additional_kwargs),
        response_metadata=dict(message.response_metadata),
        tool_call_chunks=[
            {
                "name": call["name"],
                "args": json.dumps(call["args"]),
                "id": call.get("id"),
                "index": index,
                "type": "tool_call_chunk",
            }
            for index, call in enumerate(getattr(message, "tool_calls", None) or [])
        ],
        usage_metadata=getattr(message, "usage_metadata", None),
        chunk_position="last",
    )
    return [ChatGenerationChunk(message=chunk)]


def merge_chunks(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Recorded chunks as one chunk holding all of them."""
    merged = _chunk(reply_message(chunks[0]))
    for data in chunks[1:]:
        merged = merged + _chunk(reply_message(data))
    return reply_data(merged)


def _chunk(message: BaseMessage) -> BaseMessageChunk:
    if isinstance(message, BaseMessageChunk):
        return message
    raise ValueError(f"a recorded stream holds a {message.type} message, not a chunk")


def replay_message(entry: dict[str, Any]) -> BaseMessage:
    """The recorded reply as one message (a streamed one merged)."""
    if entry.get("error") or (entry.get("reply") is None and not entry.get("chunks")):
        raise_recorded_failure(entry)
    if entry.get("reply") is not None:
        return reply_message(entry["reply"])
    chunks = replay_chunks(entry)
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged = merged + chunk
    message = merged.message
    if isinstance(message, AIMessageChunk):
        return AIMessage(
            content=message.content,
            additional_kwargs=message.additional_kwargs,
            response_metadata=message.response_metadata,
            tool_calls=message.tool_calls,
            usage_metadata=message.usage_metadata,
            id=message.id,
        )
    return message
