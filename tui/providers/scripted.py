"""A deterministic, offline chat model that behaves like a real one.

It streams its reply token by token at a set rate, thinks out loud first (as
reasoning content, the way Ollama's ``thinking`` arrives), makes tool calls when
tools are bound, and reports usage metadata. The same prompt always yields the
same reply, so tests and snapshots are stable and the samples run with no network.

The tool policy mirrors a typical agent: the first turn after a user message calls
up to two tools in parallel, later turns call the remaining tools one at a time
(feeding numbers from earlier results into numeric arguments), and once every bound
tool has been called the model answers with a summary of the results.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool

DEFAULT_TOKENS_PER_SECOND = 20.0
_WORD = re.compile(r"\s*\S+\s*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_ARGS_PIECE = 8


@dataclass
class ScriptedReply:
    text: str = ""
    reasoning: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


class ScriptedChatModel(BaseChatModel):
    """Offline chat model with deterministic replies and tool calls."""

    tokens_per_second: float | None = DEFAULT_TOKENS_PER_SECOND
    """Streaming rate; ``None`` streams as fast as possible (tests, benchmarks)."""
    think: bool = True
    """Emit a short reasoning prelude before the answer."""
    model_name: str = "scripted"

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "tokens_per_second": self.tokens_per_second}

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> Any:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_model_name"] = self.model_name
        return params

    def bind_tools(
        self,
        tools: Sequence[Any],
        *,
        tool_choice: str | dict[str, Any] | bool | None = None,
        **kwargs: Any,
    ) -> Any:
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    # -- the script -------------------------------------------------------------

    def reply_for(self, messages: Sequence[BaseMessage], **kwargs: Any) -> ScriptedReply:
        tools = [t["function"] for t in kwargs.get("tools") or [] if "function" in t]
        return _plan_reply(list(messages), tools, kwargs.get("tool_choice"), self.think)

    # -- LangChain hooks ----------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        reply = self.reply_for(messages, **kwargs)
        chunks = _reply_chunks(reply)
        message = AIMessage(
            content=reply.text,
            tool_calls=[
                {"name": c["name"], "args": c["args"], "id": c["id"], "type": "tool_call"}
                for c in reply.tool_calls
            ],
            additional_kwargs={"reasoning_content": reply.reasoning} if reply.reasoning else {},
            usage_metadata=_usage(messages, len(chunks)),
            response_metadata={
                "model_name": self.model_name,
                "finish_reason": "tool_calls" if reply.tool_calls else "stop",
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        delay = self._delay()
        for chunk in self._chunk_stream(messages, kwargs):
            if delay:
                time.sleep(delay)
            if run_manager:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        delay = self._delay()
        for chunk in self._chunk_stream(messages, kwargs):
            # sleep(0) still yields to the loop, so a fast model never starves the
            # debugger's commands (pause, cancel) that share the engine loop.
            await asyncio.sleep(delay or 0)
            if run_manager:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk

    def _delay(self) -> float:
        rate = self.tokens_per_second
        return 1.0 / rate if rate else 0.0

    def _chunk_stream(
        self, messages: list[BaseMessage], kwargs: dict[str, Any]
    ) -> Iterator[ChatGenerationChunk]:
        reply = self.reply_for(messages, **kwargs)
        chunks = _reply_chunks(reply)
        usage = _usage(messages, len(chunks))
        for index, chunk in enumerate(chunks):
            if index == len(chunks) - 1:
                chunk.usage_metadata = usage
                chunk.chunk_position = "last"
                chunk.response_metadata = {
                    "model_name": self.model_name,
                    "finish_reason": "tool_calls" if reply.tool_calls else "stop",
                }
            yield ChatGenerationChunk(message=chunk)


def _reply_chunks(reply: ScriptedReply) -> list[AIMessageChunk]:
    chunks = [
        AIMessageChunk(content="", additional_kwargs={"reasoning_content": piece})
        for piece in _WORD.findall(reply.reasoning)
    ]
    chunks += [AIMessageChunk(content=piece) for piece in _WORD.findall(reply.text)]
    for index, call in enumerate(reply.tool_calls):
        args = json.dumps(call["args"])
        pieces = [args[i : i + _ARGS_PIECE] for i in range(0, len(args), _ARGS_PIECE)] or [""]
        for n, piece in enumerate(pieces):
            head = n == 0
            chunks.append(
                AIMessageChunk(
                    content="",
                    tool_call_chunks=[
                        {
                            "name": call["name"] if head else None,
                            "args": piece,
                            "id": call["id"] if head else None,
                            "index": index,
                            "type": "tool_call_chunk",
                        }
                    ],
                )
            )
    return chunks or [AIMessageChunk(content="")]


def _usage(messages: Sequence[BaseMessage], output_tokens: int) -> UsageMetadata:
    input_tokens = sum(len(_WORD.findall(_text_of(m))) for m in messages) + 3 * len(messages)
    return UsageMetadata(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
    )


def _text_of(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(
        part.get("text", "") if isinstance(part, dict) else str(part) for part in content
    )


def _plan_reply(
    messages: list[BaseMessage],
    tools: list[dict[str, Any]],
    tool_choice: Any,
    think: bool,
) -> ScriptedReply:
    human_index = max(
        (i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1
    )
    prompt = _text_of(messages[human_index]) if human_index >= 0 else ""
    if not prompt:
        prompt = " ".join(_text_of(m) for m in messages if isinstance(m, SystemMessage))
    turn = messages[human_index + 1 :]
    called = {call["name"] for m in turn if isinstance(m, AIMessage) for call in m.tool_calls or []}
    results = [m for m in turn if isinstance(m, ToolMessage)]
    subject = extract_subject(prompt)
    remaining = [t for t in tools if t.get("name") not in called]
    if remaining and tool_choice != "none":
        batch = remaining[:2] if not called else remaining[:1]
        numbers = _NUMBER.findall(" ".join(_text_of(r) for r in results))
        calls = [
            {
                "name": tool["name"],
                "args": _arguments(tool, subject, numbers),
                "id": _call_id(prompt, tool["name"], len(called)),
            }
            for tool in batch
        ]
        names = " and ".join(c["name"] for c in calls)
        reasoning = f"The user asks about {subject}. I should call {names} first."
        return ScriptedReply(reasoning=reasoning if think else "", tool_calls=calls)
    if results:
        lines = [f"- {r.name or 'tool'}: {_shorten(_text_of(r), 160)}" for r in results]
        text = "Here is what I found:\n" + "\n".join(lines) + f"\nThat covers {subject}."
        count = f"{len(results)} tool result{'s' if len(results) != 1 else ''}"
        reasoning = f"I have {count}; time to summarise them."
    else:
        text = _compose(prompt, subject)
        reasoning = f"Let me think about {subject} and answer briefly."
    return ScriptedReply(text=text, reasoning=reasoning if think else "")


def extract_subject(prompt: str) -> str:
    """The thing a prompt is about: what follows 'about', 'in', 'on' or 'for'."""
    match = re.search(r"\b(?:about|in|on|for|of)\s+([^.?!,;:\n]+)", prompt, re.IGNORECASE)
    if match:
        subject = re.split(r"\s+(?:and|then|with|please)\b", match.group(1))[0]
        return subject.strip(" \"'") or "it"
    words = prompt.split()
    return " ".join(words[:6]).strip(" .?!\"'") or "the question"


def _arguments(tool: dict[str, Any], subject: str, numbers: list[str]) -> dict[str, Any]:
    params = tool.get("parameters") or {}
    required = set(params.get("required") or [])
    args: dict[str, Any] = {}
    for name, prop in (params.get("properties") or {}).items():
        if name not in required and "default" in prop:
            continue
        args[name] = _value_for(prop, subject, numbers)
    return args


def _value_for(prop: dict[str, Any], subject: str, numbers: list[str]) -> Any:
    if prop.get("examples"):
        return prop["examples"][0]
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type")
    if kind in ("number", "integer"):
        value = float(numbers[0]) if numbers else 21.0
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    if kind == "array":
        return [subject]
    if kind == "object":
        return {}
    return subject


def _call_id(prompt: str, name: str, turn: int) -> str:
    digest = hashlib.sha1(f"{prompt}|{name}|{turn}".encode("utf-8", "surrogatepass")).hexdigest()[
        :12
    ]
    return f"call_{digest}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_JOKES = (
    "Why did the {s} go to therapy? It had too many layers of unresolved feelings, "
    "and every session ended with a cliffhanger about {s}.",
    "I tried to write a joke about {s}, but it kept melting under pressure. "
    "The punchline is still in the freezer, next to my ambitions.",
    "What do you call {s} that tells jokes? A comedian with excellent timing, "
    "terrible puns, and a standing ovation from absolutely nobody.",
)
_ANSWERS = (
    "Here is a short answer about {s}. First, the key idea: {s} is best understood by "
    "looking at what it does, not what it is called. Second, the details matter less "
    "than the overall shape. Third, try a small example before a big one.",
    "Good question about {s}. In brief: start from the basics, check each assumption, "
    "and measure before you optimise. Most surprises around {s} come from skipped steps, "
    "so write each one down.",
    "Thinking about {s}: there are two sides. On one hand it is simpler than it looks; "
    "on the other, the edge cases take most of the time. A careful plan and a quick "
    "experiment usually settle it.",
)


def _compose(prompt: str, subject: str) -> str:
    bank = _JOKES if "joke" in prompt.lower() else _ANSWERS
    pick = int(hashlib.sha1(prompt.encode("utf-8", "surrogatepass")).hexdigest(), 16) % len(bank)
    return bank[pick].format(s=subject)


def build(spec: Any) -> ScriptedChatModel:
    """The scripted model for a ``scripted[:fast|:RATE]`` spec."""
    from tui.providers.spec import scripted_rate

    return ScriptedChatModel(tokens_per_second=scripted_rate(spec))
