"""Server stream parts -> the parts ``graph.astream(..., version="v2")`` yields, so
the engine's ``Normalizer`` makes the same events from both.

The SDK's v2 parts are already ``{"type", "ns", "data"}`` with ``__interrupt__`` taken
out of ``values`` (measured on langgraph-api 0.16). What differs is JSON where
LangGraph has objects: a ``messages`` part (asked for as ``messages-tuple``, the mode
that keeps token deltas and namespaces) carries a message dict, and a failed task's
error is ``{"error": type, "message": text}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_core.messages import BaseMessage, messages_from_dict

STREAM_MODES = ["messages-tuple", "updates", "values", "debug", "custom"]
"""What a run streams: the engine's modes, with ``messages`` in the tuple form."""


def local_part(part: Mapping[str, Any]) -> dict[str, Any] | None:
    """The local form of a server part, or ``None`` for parts that are not graph
    output (``metadata``, ``error``, ``end``: the session reads those itself)."""
    kind = part.get("type")
    ns = tuple(str(segment) for segment in part.get("ns") or ())
    data = part.get("data")
    if kind == "messages":
        message = _message(data)
        if message is None:
            return None
        return {"type": "messages", "ns": ns, "data": message}
    if kind == "debug" and isinstance(data, dict):
        return {"type": "debug", "ns": ns, "data": as_objects(_debug(data))}
    if kind in ("updates", "values"):
        return {"type": kind, "ns": ns, "data": as_objects(data)}
    if kind == "custom":
        return {"type": kind, "ns": ns, "data": data}
    return None


def as_objects(value: Any) -> Any:
    """``value`` with the messages in it (the server sends them as their
    ``model_dump``) made messages again, so they are shown, recorded and compared
    exactly as a local run's are."""
    if isinstance(value, list):
        return [as_objects(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.keys() >= _MESSAGE_KEYS and isinstance(value.get("type"), str):
        try:
            return messages_from_dict([{"type": value["type"], "data": value}])[0]
        except (ValueError, TypeError, KeyError):
            pass  # not a message after all
    return {k: as_objects(v) for k, v in value.items()}


# Every message's model_dump has these; a graph's own dict rarely has all four.
_MESSAGE_KEYS = frozenset({"type", "content", "additional_kwargs", "response_metadata"})


def error_text(error: Any) -> tuple[str, str]:
    """``(type, message)`` of an error as the server sends it."""
    if isinstance(error, Mapping):
        return str(error.get("error") or "Error"), str(error.get("message") or "")
    return "Error", str(error)


def _message(data: Any) -> tuple[BaseMessage, dict[str, Any]] | None:
    if not isinstance(data, list | tuple) or len(data) != 2 or not isinstance(data[0], dict):
        return None
    body, metadata = data
    try:
        message = messages_from_dict([{"type": body.get("type"), "data": body}])[0]
    except (ValueError, TypeError, KeyError):
        return None
    return message, metadata if isinstance(metadata, dict) else {}


def _debug(data: dict[str, Any]) -> dict[str, Any]:
    payload = data.get("payload")
    if data.get("type") != "task_result" or not isinstance(payload, dict):
        return data
    error = payload.get("error")
    if error is None:
        return data
    kind, message = error_text(error)
    return {**data, "payload": {**payload, "error": f"{kind}: {message}" if message else kind}}
