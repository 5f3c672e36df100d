"""A fake Ollama that speaks its HTTP API the way ChatOllama and ``ollama`` 0.6 use it.

``POST /api/chat`` streams NDJSON (``application/x-ndjson``): one ``done: false``
record per token, whole tool calls in one record, thinking in ``message.thinking``,
then a ``done: true`` record with the timings and token counts. As in Ollama's own
ChatHandler, a model with the ``thinking`` capability thinks unless the request
says ``think: false``, and ``think: true`` for a model without it is a 400.
``GET /api/tags``, ``POST /api/show`` and ``GET /api/version`` answer too.

    with FakeOllama(Reply(tokens=tokens("Hi there"))) as server:
        model = ChatOllama(model="llama3.2", base_url=server.url)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .http_base import FakeHandler, FakeServer, RecordedRequest, Reply, Script, prompt_token_count

NS = 1_000_000_000


@dataclass(frozen=True)
class OllamaModelInfo:
    name: str
    family: str
    parameter_size: str
    quantization_level: str
    size: int
    capabilities: tuple[str, ...] = ("completion", "tools")
    digest: str = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72"

    def tag(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "model": self.name,
            "modified_at": "2025-06-01T10:00:00.000000000Z",
            "size": self.size,
            "digest": self.digest,
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": self.family,
                "families": [self.family],
                "parameter_size": self.parameter_size,
                "quantization_level": self.quantization_level,
            },
        }


DEFAULT_MODELS = (
    OllamaModelInfo("llama3.2:latest", "llama", "3.2B", "Q4_K_M", 2_019_393_189),
    OllamaModelInfo(
        "qwen3:latest",
        "qwen3",
        "8.2B",
        "Q4_K_M",
        5_225_388_164,
        capabilities=("completion", "tools", "thinking"),
        digest="500a1f067a9f782620b40bee6f7b0c89e17ae61f686b92c24933e4ca4b2b8b41",
    ),
)


def _full_name(name: str) -> str:
    return name if ":" in name else f"{name}:latest"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _OllamaHandler(FakeHandler):
    routes = {
        ("POST", "/api/chat"): "chat",
        ("GET", "/api/tags"): "tags",
        ("POST", "/api/show"): "show",
        ("GET", "/api/version"): "version",
        ("GET", "/"): "root",
        ("HEAD", "/"): "root",
    }
    fake: FakeOllama  # type: ignore[assignment]

    def root(self, record: RecordedRequest) -> None:
        self.send_text(200, "Ollama is running")

    def version(self, record: RecordedRequest) -> None:
        self.send_json(200, {"version": "0.12.6"})

    def tags(self, record: RecordedRequest) -> None:
        self.send_json(200, {"models": [m.tag() for m in self.fake.models]})

    def show(self, record: RecordedRequest) -> None:
        body = record.body or {}
        name = body.get("model") or body.get("name") or ""
        info = self.fake.find(name)
        if info is None:
            self.send_json(404, {"error": f"model '{name}' not found"})
            return
        tag = info.tag()
        self.send_json(
            200,
            {
                "modelfile": f"FROM {info.name}\n",
                "parameters": "",
                "template": "{{ .Prompt }}",
                "details": tag["details"],
                "model_info": {"general.architecture": info.family},
                "capabilities": list(info.capabilities),
                "modified_at": tag["modified_at"],
            },
        )

    def chat(self, record: RecordedRequest) -> None:
        body = record.body if isinstance(record.body, dict) else {}
        name = str(body.get("model") or "")
        info = self.fake.find(name)
        if info is None:
            self.send_json(404, {"error": f'model "{name}" not found, try pulling it first'})
            return
        think = body.get("think")
        if think not in (None, False) and "thinking" not in info.capabilities:
            self.send_json(400, {"error": f'"{name}" does not support thinking'})
            return
        if body.get("tools") and "tools" not in info.capabilities:
            self.send_json(400, {"error": f"{info.name} does not support tools"})
            return
        reply = self.scripted_reply(body, record)
        if reply is None:
            return
        thinks = "thinking" in info.capabilities and think is not False
        messages = self._messages(reply, thinks)
        prompt = (
            reply.prompt_tokens if reply.prompt_tokens is not None else prompt_token_count(body)
        )
        output = reply.completion_tokens if reply.completion_tokens is not None else len(messages)
        record.usage = (prompt, output)
        final = {
            "model": name,
            "created_at": _now(),
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": reply.finish_reason or "stop",
            "total_duration": 2 * NS,
            "load_duration": NS // 10,
            "prompt_eval_count": prompt,
            "prompt_eval_duration": NS // 5,
            "eval_count": output,
            "eval_duration": NS,
        }
        if body.get("stream", True) is False:
            self._whole(reply, name, messages, final)
            return
        chunks = [
            _line({"model": name, "created_at": _now(), "message": m, "done": False})
            for m in messages
        ]
        self.start_stream("application/x-ndjson")
        self.play(
            reply,
            chunks,
            [_line(final)],
            malformed=b'{"model": "' + name.encode() + b'", "message": {"role": "assis\n',
            error=_line({"error": reply.error_message}),
        )

    def _messages(self, reply: Reply, thinks: bool) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        if thinks:
            messages += [
                {"role": "assistant", "content": "", "thinking": piece} for piece in reply.thinking
            ]
        messages += [{"role": "assistant", "content": piece} for piece in reply.tokens]
        if reply.tool_calls:
            messages.append(
                {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [
                        {
                            "id": call.id or f"call_{self.fake.next_id()}",
                            "function": {
                                "index": index,
                                "name": call.name,
                                "arguments": call.arguments,
                            },
                        }
                        for index, call in enumerate(reply.tool_calls)
                    ],
                }
            )
        return messages

    def _whole(
        self, reply: Reply, name: str, messages: list[dict[str, Any]], final: dict[str, Any]
    ) -> None:
        if reply.die_after is not None or reply.stall_after is not None:
            self.hang() if reply.stall_after is not None else self.drop_connection()
            return
        if reply.malformed_after is not None:
            self.send_text(
                200, '{"model": "' + name + '", "mess', "application/json; charset=utf-8"
            )
            return
        message: dict[str, Any] = {
            "role": "assistant",
            "content": "".join(m["content"] for m in messages),
        }
        thinking = "".join(m.get("thinking", "") for m in messages)
        if thinking:
            message["thinking"] = thinking
        calls = [c for m in messages for c in m.get("tool_calls", [])]
        if calls:
            message["tool_calls"] = calls
        self.send_json(200, {**final, "message": message})


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record).encode() + b"\n"


class FakeOllama(FakeServer):
    """A fake Ollama; ``models`` are the pulled ones (default: llama3.2 and qwen3)."""

    handler_class = _OllamaHandler

    def __init__(
        self,
        script: Script | None = None,
        *,
        models: tuple[OllamaModelInfo, ...] = DEFAULT_MODELS,
    ) -> None:
        self.models = models
        super().__init__(script)

    def find(self, name: str) -> OllamaModelInfo | None:
        wanted = _full_name(name)
        return next((m for m in self.models if m.name == wanted), None)

    def chats(self) -> list[RecordedRequest]:
        return self.calls("/api/chat")
