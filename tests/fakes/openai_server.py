"""A fake OpenAI-compatible server: ``/v1/chat/completions`` and ``/v1/models``.

Streaming answers are server-sent events, ``data: {chat.completion.chunk}`` per
delta: the role first, then text (``content``), reasoning (``reasoning_content``,
as vLLM, llama.cpp and DeepSeek send it) and tool calls, whose arguments arrive
split over several chunks with the id and name in the first only. Then a chunk
with ``finish_reason``, a usage chunk (``choices: []``) when the request asked for
``stream_options.include_usage``, and ``data: [DONE]``.

With ``api_key`` set, requests without ``Authorization: Bearer KEY`` get OpenAI's
401; with ``forbidden`` set, every chat request gets its 403.
"""

from __future__ import annotations

import json
import time
from typing import Any

from .http_base import FakeHandler, FakeServer, RecordedRequest, Reply, Script, prompt_token_count

_ARGUMENT_PIECE = 6


def _error(message: str, code: str | None, type_: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


def _event(payload: Any) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {data}\n\n".encode()


class _OpenAIHandler(FakeHandler):
    routes = {
        ("POST", "/v1/chat/completions"): "chat",
        ("GET", "/v1/models"): "models",
    }
    fake: FakeOpenAI  # type: ignore[assignment]

    def not_found(self, record: RecordedRequest) -> None:
        self.send_json(404, _error(f"Invalid URL ({record.method} {record.path})", None))

    def _authorized(self, record: RecordedRequest) -> bool:
        key = self.fake.api_key
        if key is None:
            return True
        sent = record.headers.get("authorization", "")
        if sent == f"Bearer {key}":
            return True
        given = sent.removeprefix("Bearer ").strip()
        shown = f"{given[:3]}***{given[-2:]}" if len(given) > 5 else given
        self.send_json(
            401,
            _error(
                f"Incorrect API key provided: {shown}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                "invalid_api_key",
            ),
        )
        return False

    def models(self, record: RecordedRequest) -> None:
        if not self._authorized(record):
            return
        names = self.fake.model_names or ("gpt-4o-mini",)
        self.send_json(
            200,
            {
                "object": "list",
                "data": [
                    {"id": n, "object": "model", "created": 1_715_367_049, "owned_by": "system"}
                    for n in names
                ],
            },
        )

    def chat(self, record: RecordedRequest) -> None:
        if not self._authorized(record):
            return
        body = record.body if isinstance(record.body, dict) else {}
        model = str(body.get("model") or "")
        if self.fake.forbidden:
            self.send_json(
                403,
                _error(
                    f"Project `proj_fake` does not have access to model `{model}`",
                    "model_not_found",
                ),
            )
            return
        if self.fake.model_names is not None and model not in self.fake.model_names:
            self.send_json(
                404,
                _error(
                    f"The model `{model}` does not exist or you do not have access to it.",
                    "model_not_found",
                ),
            )
            return
        reply = self.scripted_reply(body, record)
        if reply is None:
            return
        completion_id = f"chatcmpl-{self.fake.next_id()}"
        calls = [
            (call.id or f"call_{self.fake.next_id()}", call.name, json.dumps(call.arguments))
            for call in reply.tool_calls
        ]
        prompt = (
            reply.prompt_tokens if reply.prompt_tokens is not None else prompt_token_count(body)
        )
        output = (
            reply.completion_tokens
            if reply.completion_tokens is not None
            else len(reply.tokens) + len(reply.thinking) + len(calls)
        )
        record.usage = (prompt, output)
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": output,
            "total_tokens": prompt + output,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": len(reply.thinking),
                "audio_tokens": 0,
            },
        }
        finish = reply.finish_reason or ("tool_calls" if calls else "stop")
        if not body.get("stream"):
            self._whole(reply, model, completion_id, calls, usage, finish)
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        created = int(time.time())

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            data: dict[str, Any] = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
                ],
            }
            if include_usage:
                data["usage"] = None
            return data

        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": "", "refusal": None}]
        key = self.fake.reasoning_key
        deltas += [{key: piece} for piece in reply.thinking]
        deltas += [{"content": piece} for piece in reply.tokens]
        for index, (call_id, name, arguments) in enumerate(calls):
            deltas.append(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call_id,
                            "type": "function",
                            "function": {"name": name, "arguments": ""},
                        }
                    ]
                }
            )
            deltas += [
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "function": {
                                **({"name": name} if self.fake.repeat_tool_names else {}),
                                "arguments": arguments[i : i + _ARGUMENT_PIECE],
                            },
                        }
                    ]
                }
                for i in range(0, len(arguments), _ARGUMENT_PIECE)
            ]
        final = [_event(chunk({}, finish))]
        if include_usage:
            final.append(
                _event(
                    {
                        "id": completion_id,
                        "object": "chat.completion.chunk",
                        "created": created,
                        "model": model,
                        "system_fingerprint": "fp_fake",
                        "choices": [],
                        "usage": usage,
                    }
                )
            )
        final.append(_event("[DONE]"))
        self.start_stream("text/event-stream; charset=utf-8")
        self.play(
            reply,
            [_event(chunk(d)) for d in deltas],
            final,
            malformed=b'data: {"choices": [{"index": 0, "delta": {"content": "bro\n\n',
            error=_event(_error(reply.error_message, None, "server_error")),
        )

    def _whole(
        self,
        reply: Reply,
        model: str,
        completion_id: str,
        calls: list[tuple[str, str, str]],
        usage: dict[str, Any],
        finish: str,
    ) -> None:
        if reply.stall_after is not None:
            self.hang()
            return
        if reply.die_after is not None:
            self.drop_connection()
            return
        if reply.malformed_after is not None:
            self.send_text(200, '{"id": "' + completion_id + '", "choi', "application/json")
            return
        message: dict[str, Any] = {
            "role": "assistant",
            "content": reply.text or None,
            "refusal": None,
        }
        if reply.thinking:
            message[self.fake.reasoning_key] = "".join(reply.thinking)
        if calls:
            message["tool_calls"] = [
                {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}
                for call_id, name, args in calls
            ]
        self.send_json(
            200,
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [
                    {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
                ],
                "usage": usage,
            },
        )


class FakeOpenAI(FakeServer):
    """A fake OpenAI-compatible server; its base URL for clients is ``base_url``.

    ``model_names=None`` accepts any model name, as local servers (llama.cpp, vLLM
    with one model) do; a tuple makes other names a 404 as on api.openai.com.
    """

    handler_class = _OpenAIHandler

    def __init__(
        self,
        script: Script | None = None,
        *,
        api_key: str | None = None,
        forbidden: bool = False,
        model_names: tuple[str, ...] | None = None,
        reasoning_key: str = "reasoning_content",
        repeat_tool_names: bool = False,
    ) -> None:
        self.api_key = api_key
        # llama.cpp's server repeats a streamed tool call's name in every chunk.
        self.repeat_tool_names = repeat_tool_names
        self.forbidden = forbidden
        self.model_names = model_names
        self.reasoning_key = reasoning_key
        super().__init__(script)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def chats(self) -> list[RecordedRequest]:
        return self.calls("/v1/chat/completions")
