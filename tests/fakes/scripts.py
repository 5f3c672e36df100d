"""Reply scripts that make the sample graphs' agents loop the way a real model does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .http_base import Reply, ToolCall, tokens

ANSWER = "It is sunny and 21 degrees in Paris, and the local time is five past two."

_SAMPLE_VALUES = {"string": "Paris", "number": 21, "integer": 21, "boolean": True}


def arguments_for(schema: dict[str, Any]) -> dict[str, Any]:
    """Plausible arguments for a tool's JSON schema: every required parameter filled."""
    properties = schema.get("properties") or {}
    arguments: dict[str, Any] = {}
    for name in schema.get("required") or list(properties):
        spec = properties.get(name) or {}
        if spec.get("enum"):
            arguments[name] = spec["enum"][0]
        else:
            arguments[name] = _SAMPLE_VALUES.get(spec.get("type", "string"), "Paris")
    return arguments


def tool_names(body: dict[str, Any]) -> list[str]:
    return [t["function"]["name"] for t in body.get("tools") or [] if "function" in t]


def has_tool_results(body: dict[str, Any]) -> bool:
    return any(m.get("role") == "tool" for m in body.get("messages") or [])


def tool_loop(
    answer: str = ANSWER,
    *,
    max_calls: int = 2,
    thinking: str = "",
    **reply_options: Any,
) -> Callable[[dict[str, Any]], Reply]:
    """Call the bound tools (up to ``max_calls`` at once) until results come back, then
    answer. Without tools bound it just answers, so one script serves every sample."""

    def script(body: dict[str, Any]) -> Reply:
        think = tokens(thinking)
        tools = [t["function"] for t in body.get("tools") or [] if "function" in t]
        if tools and not has_tool_results(body):
            calls = [
                ToolCall(t["name"], arguments_for(t.get("parameters") or {}))
                for t in tools[:max_calls]
            ]
            return Reply(tokens=[], thinking=think, tool_calls=calls, **reply_options)
        return Reply(tokens=tokens(answer), thinking=think, **reply_options)

    return script
