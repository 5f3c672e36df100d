"""ChatOllama that keeps a thinking model's reasoning apart from its answer.

ChatOllama ties two things to one ``reasoning`` setting: whether the request asks
for thinking (``think`` on the wire) and whether the ``thinking`` field of the
reply is read at all. Neither of its choices suits a debugger:

* ``reasoning=None`` sends no ``think``, and a current Ollama then lets a
  thinking-capable model think by default, in ``message.thinking``, which
  ChatOllama silently drops: the reasoning is lost.
* ``reasoning=True`` sends ``think: true``, which Ollama answers with a 400 for
  every model that cannot think (llama3.2 and most others).

``ChatOllamaThinking`` reads ``thinking`` whenever the server sends it and sends
``think`` only when ``think`` is set, so each model does what it does by default
and whatever reasoning arrives goes to ``additional_kwargs["reasoning_content"]``,
the same place ``ChatOpenAICompatible`` puts it. Older servers, and models run
without a thinking parser, put the reasoning inline as ``<think>...</think>`` at
the start of the content; that is split out the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, cast

from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from langchain_ollama import ChatOllama

from tui.net.tls import shared_context
from tui.providers.spec import ModelSpec, ollama_base_url

OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"


class InlineThinking:
    """Splits a ``<think>...</think>`` prelude out of streamed content, chunk by chunk.

    Tags may be cut across chunks (``"<thi"``, ``"nk>"``), so text that could still
    turn out to be part of a tag is held back until the next chunk decides it.
    """

    def __init__(self) -> None:
        self.state = "start"  # start | thinking | answer
        self._held = ""
        self._strip_next = False

    def feed(self, text: str) -> tuple[str, str]:
        """Returns ``(answer, reasoning)`` that ``text`` completes."""
        if self.state == "answer" and not self._held and not self._strip_next:
            return text, ""
        buffer = self._held + text
        self._held = ""
        answer = reasoning = ""
        if self.state == "start":
            stripped = buffer.lstrip()
            if stripped.startswith(OPEN_TAG):
                buffer = stripped[len(OPEN_TAG) :]
                self.state = "thinking"
            elif OPEN_TAG.startswith(stripped):
                self._held = buffer
                return "", ""
            else:
                self.state = "answer"
        if self.state == "thinking":
            end = buffer.find(CLOSE_TAG)
            if end < 0:
                keep = _partial_suffix(buffer, CLOSE_TAG)
                self._held = buffer[len(buffer) - keep :]
                return "", buffer[: len(buffer) - keep]
            reasoning = buffer[:end]
            buffer = buffer[end + len(CLOSE_TAG) :]
            self.state = "answer"
            self._strip_next = True
        if self._strip_next:
            # Models put a blank line between the reasoning and the answer.
            buffer = buffer.lstrip()
            self._strip_next = not buffer
        answer = buffer
        return answer, reasoning

    def flush(self) -> tuple[str, str]:
        """What is held back when the stream ends: an unfinished tag is just text."""
        held, self._held = self._held, ""
        if self.state == "thinking":
            return "", held
        return held, ""


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of ``text`` that begins ``tag``."""
    for size in range(min(len(text), len(tag) - 1), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0


class ChatOllamaThinking(ChatOllama):
    think: bool | str | None = None
    """``think`` as sent to Ollama; ``None`` leaves it to the model's default."""

    reasoning: bool | str | None = True
    """Always read ``message.thinking``; what is asked for is ``think``'s business."""

    def _chat_params(
        self, messages: list[BaseMessage], stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        explicit = "reasoning" in kwargs
        params = super()._chat_params(messages, stop, **kwargs)
        if not explicit:
            params["think"] = self.think
        return params

    def _iterate_over_stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        splitter = InlineThinking()
        for chunk in super()._iterate_over_stream(messages, stop, **kwargs):
            yield _split(chunk, splitter)

    async def _aiterate_over_stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None, **kwargs: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        splitter = InlineThinking()
        async for chunk in super()._aiterate_over_stream(messages, stop, **kwargs):
            yield _split(chunk, splitter)


def _split(chunk: ChatGenerationChunk, splitter: InlineThinking) -> ChatGenerationChunk:
    message = chunk.message
    content = message.content
    if not isinstance(content, str):
        return chunk
    answer, reasoning = splitter.feed(content)
    if (chunk.generation_info or {}).get("done"):
        rest_answer, rest_reasoning = splitter.flush()
        answer += rest_answer
        reasoning += rest_reasoning
    if answer == content and not reasoning:
        return chunk
    extra = dict(message.additional_kwargs)
    if reasoning:
        extra["reasoning_content"] = extra.get("reasoning_content", "") + reasoning
    updated = cast(
        "AIMessageChunk", message.model_copy(update={"content": answer, "additional_kwargs": extra})
    )
    return ChatGenerationChunk(message=updated, generation_info=chunk.generation_info)


def build(spec: ModelSpec, options: dict[str, Any]) -> ChatOllamaThinking:
    # No `think` on the wire (a model that cannot think answers it with a 400), but
    # whatever thinking the server sends is kept apart from the answer.
    return ChatOllamaThinking(
        model=spec.name,
        base_url=ollama_base_url(spec.base_url),
        num_predict=spec.max_tokens,
        client_kwargs={"timeout": spec.timeout_s, "verify": shared_context()},
        **options,
    )
