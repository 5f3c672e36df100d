"""What one chat-model call was sent and what it answered, as plain data.

The callback that times LLM calls (``llm_stats``) sees the request as LangChain
hands it to the provider: the messages (system prompt, history, the tool results of
the previous turn), the invocation parameters with the tools bound to the model,
and at the end the reply with its finish reason. This module turns those into JSON
for ``llm_started`` and ``llm_finished``, through the session's ``Jsonifier`` so
secrets are redacted as everywhere else.

Large prompts stay cheap: a message's text passes through as the same string
object unless a secret had to be cut out of it, so a 200-message prompt costs a
list of small dicts per call, not a copy of its tool results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.outputs import LLMResult

from tui.engine.jsonify import Jsonifier

ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}
# Invocation parameters that say how the model was asked, shown first; the rest follow.
_KNOWN_PARAMS = (
    "model",
    "temperature",
    "max_tokens",
    "tool_choice",
    "stop",
    "response_format",
    "top_p",
    "seed",
    "parallel_tool_calls",
    "reasoning_effort",
)
_ALIASES = {
    "model_name": "model",
    "max_completion_tokens": "max_tokens",
    "num_predict": "max_tokens",
    "format": "response_format",
}
# Not parameters of the request: LangChain's class tag, and the tools (shown apart).
_NOT_PARAMS = frozenset({"_type", "tools", "functions"})
_LS_PARAMS = {"ls_temperature": "temperature", "ls_max_tokens": "max_tokens", "ls_stop": "stop"}


def request_messages(batches: Sequence[Sequence[Any]], jsonify: Jsonifier) -> list[dict[str, Any]]:
    """The messages of the call (the first prompt of a batch: a chat model is called
    with one), each as ``{role, content, name?, tool_calls?, tool_call_id?, reasoning?,
    id?}``."""
    messages = batches[0] if batches else []
    return [message_data(m, jsonify) for m in messages]


def prompt_messages(prompts: Sequence[str], jsonify: Jsonifier) -> list[dict[str, Any]]:
    """A completion model's prompt, as one message."""
    return [{"role": "prompt", "content": jsonify(p)} for p in prompts[:1]]


def message_data(message: Any, jsonify: Jsonifier) -> dict[str, Any]:
    if not isinstance(message, BaseMessage):
        return {"role": "unknown", "content": jsonify(message)}
    data: dict[str, Any] = {
        "role": ROLES.get(message.type, message.type),
        "content": jsonify(message.content),
    }
    if message.name:
        data["name"] = jsonify(message.name)
    if isinstance(message, AIMessage):
        reasoning = message.additional_kwargs.get("reasoning_content")
        if isinstance(reasoning, str) and reasoning:
            data["reasoning"] = jsonify(reasoning)
        if message.tool_calls:
            data["tool_calls"] = [_tool_call(call, jsonify) for call in message.tool_calls]
    if isinstance(message, ToolMessage):
        data["tool_call_id"] = jsonify(message.tool_call_id)
        if message.status != "success":
            data["status"] = message.status
    if message.id:
        data["id"] = jsonify(message.id)
    return data


def _tool_call(call: Mapping[str, Any], jsonify: Jsonifier) -> dict[str, Any]:
    return {
        "id": jsonify(call.get("id")),
        "name": jsonify(call.get("name")),
        "args": jsonify(call.get("args")),
    }


def bound_tools(params: Mapping[str, Any], jsonify: Jsonifier) -> list[dict[str, Any]]:
    """The tools bound to the model, as ``{name, description, parameters}``, whatever
    shape the provider was given them in (OpenAI's ``function`` wrapper, Anthropic's
    ``input_schema``)."""
    tools = params.get("tools") or params.get("functions") or []
    if not isinstance(tools, list | tuple):
        return []
    out: list[dict[str, Any]] = []
    for tool in tools:
        spec = tool.get("function", tool) if isinstance(tool, Mapping) else None
        if not isinstance(spec, Mapping):
            out.append({"name": None, "description": None, "parameters": jsonify(tool)})
            continue
        out.append(
            {
                "name": jsonify(spec.get("name")),
                "description": jsonify(spec.get("description")),
                "parameters": jsonify(spec.get("parameters", spec.get("input_schema"))),
            }
        )
    return out


def call_params(
    params: Mapping[str, Any], metadata: Mapping[str, Any], jsonify: Jsonifier
) -> dict[str, Any]:
    """The invocation parameters (model, temperature, max tokens, tool choice, stop,
    response format, …): the known ones first, under one name each; unset ones left out."""
    merged: dict[str, Any] = {}
    for key, value in params.items():
        if key in _NOT_PARAMS or value is None:
            continue
        merged.setdefault(_ALIASES.get(key, key), value)
    for key, name in _LS_PARAMS.items():
        if metadata.get(key) is not None:
            merged.setdefault(name, metadata[key])
    if "model" not in merged and metadata.get("ls_model_name"):
        merged["model"] = metadata["ls_model_name"]
    ordered = {key: merged.pop(key) for key in _KNOWN_PARAMS if key in merged}
    ordered.update(sorted(merged.items()))
    converted = jsonify(ordered)
    return converted if isinstance(converted, dict) else {}


def reply_of(response: LLMResult, jsonify: Jsonifier) -> tuple[dict[str, Any] | None, str | None]:
    """The reply (``{content, reasoning?, tool_calls?, invalid_tool_calls?}``) and its
    finish reason, as the provider reported them."""
    for generations in response.generations:
        for generation in generations:
            message = getattr(generation, "message", None)
            info = generation.generation_info or {}
            if isinstance(message, BaseMessage):
                reply = message_data(message, jsonify)
                reply.pop("role", None)
                reply.pop("id", None)
                invalid = getattr(message, "invalid_tool_calls", None)
                if invalid:
                    reply["invalid_tool_calls"] = jsonify(
                        [{k: c.get(k) for k in ("id", "name", "args", "error")} for c in invalid]
                    )
                return reply, _finish_reason(message.response_metadata, info)
            return {"content": jsonify(generation.text)}, _finish_reason({}, info)
    return None, None


def _finish_reason(*sources: Mapping[str, Any]) -> str | None:
    for source in sources:
        for key in ("finish_reason", "done_reason", "stop_reason"):
            value = source.get(key)
            if isinstance(value, str) and value:
                return value
    return None
