"""Per-LLM-call figures (time to first token, tokens per second, usage), and what
each call was sent and answered (``llm_request``).

``messages`` mode gives the tokens but not when a call started, so time to first
token cannot be derived from it. A callback handler sees the call's start, every
token and its end, in every node and subgraph (callbacks are inherited), and the
provider's usage at the end. It runs inline on the engine loop, so it needs no
locks. Its events go straight to the session, while stream parts wait in
LangGraph's queue: an ``llm_finished`` can precede the last ``token`` of its call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult

from tui.engine.events import Event, LlmFinished, LlmStarted
from tui.engine.jsonify import Jsonifier
from tui.engine.llm_request import (
    bound_tools,
    call_params,
    prompt_messages,
    reply_of,
    request_messages,
)
from tui.engine.normalize import ns_from_checkpoint_ns, task_id_from_checkpoint_ns
from tui.engine.status import TaskStatus


@dataclass
class _Call:
    ns: tuple[str, ...]
    node: str | None
    task_id: str | None
    model: str | None
    started: float
    first_token: float | None = None
    chunks: int = 0


class LlmStatsHandler(BaseCallbackHandler):
    run_inline = True

    def __init__(
        self,
        emit: Callable[[Event], None],
        now: Callable[[], float],
        jsonify: Jsonifier | None = None,
    ) -> None:
        self._emit = emit
        self._now = now
        self._jsonify = jsonify or Jsonifier()
        self._calls: dict[UUID, _Call] = {}
        # The call the last token belonged to, by its run id's identity: LangChain
        # hands every event of a call the same UUID object, whose hash is Python code.
        self._streaming: tuple[UUID | None, _Call | None] = (None, None)

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[Any]],
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self._start(run_id, metadata, kwargs, request_messages(messages, self._jsonify))

    def on_llm_start(
        self,
        serialized: dict[str, Any],
        prompts: list[str],
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self._start(run_id, metadata, kwargs, prompt_messages(prompts, self._jsonify))

    def _start(
        self,
        run_id: UUID,
        metadata: dict[str, Any] | None,
        kwargs: dict,
        messages: list[dict[str, Any]],
    ) -> None:
        metadata = metadata or {}
        checkpoint_ns = metadata.get("langgraph_checkpoint_ns") or metadata.get("checkpoint_ns")
        params = kwargs.get("invocation_params") or {}
        model = metadata.get("ls_model_name") or params.get("model") or params.get("model_name")
        call = _Call(
            ns=ns_from_checkpoint_ns(checkpoint_ns),
            node=metadata.get("langgraph_node"),
            task_id=task_id_from_checkpoint_ns(checkpoint_ns),
            model=str(model) if model else None,
            started=self._now(),
        )
        self._calls[run_id] = call
        self._streaming = (None, None)  # a token seen before its call's start found none
        self._emit(
            LlmStarted(
                ns=call.ns,
                node=call.node,
                task_id=call.task_id,
                run_id=str(run_id),
                model=call.model,
                messages=messages,
                tools=bound_tools(params, self._jsonify),
                params=call_params(params, metadata, self._jsonify),
            )
        )

    def on_llm_new_token(
        self,
        token: Any,
        *,
        run_id: UUID,
        chunk: Any = None,
        parent_run_id: UUID | None = None,  # named, so that no dict is made for them
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        # Runs for every streamed chunk: text (nearly every one) is output at once.
        last_id, call = self._streaming
        if run_id is not last_id:
            call = self._calls.get(run_id)
            self._streaming = (run_id, call)
        if call is not None and (token or _has_output(chunk)):
            call.chunks += 1
            if call.first_token is None:
                call.first_token = self._now()

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        call = self._calls.pop(run_id, None)
        if call is not None:
            reply, finish_reason = reply_of(response, self._jsonify)
            self._finish(run_id, call, TaskStatus.OK, None, _usage(response), reply, finish_reason)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        call = self._calls.pop(run_id, None)
        if call is None:
            return
        cancelled = isinstance(error, asyncio.CancelledError)
        status = TaskStatus.CANCELLED if cancelled else TaskStatus.ERROR
        self._finish(run_id, call, status, f"{type(error).__name__}: {error}", {})

    def close_open(self, status: TaskStatus, error: str | None = None) -> None:
        """End every call still open. A cancelled ``ainvoke`` never reports its end:
        the cancel lands in LangChain's ``asyncio.gather`` before its error callback."""
        for run_id, call in list(self._calls.items()):
            self._calls.pop(run_id, None)
            self._finish(run_id, call, status, error, {})

    def _finish(
        self,
        run_id: UUID,
        call: _Call,
        status: TaskStatus,
        error: str | None,
        usage: dict[str, int],
        reply: dict[str, Any] | None = None,
        finish_reason: str | None = None,
    ) -> None:
        end = self._now()
        output_tokens = usage.get("output_tokens")
        produced = output_tokens if output_tokens is not None else call.chunks
        ttft: float | None = None
        generating = 0.0
        if call.first_token is not None:
            ttft, generating = call.first_token - call.started, end - call.first_token
        elif status == TaskStatus.OK:
            # A whole-message reply (not streamed): its first token came with its last.
            ttft = generating = end - call.started
        self._emit(
            LlmFinished(
                ns=call.ns,
                node=call.node,
                task_id=call.task_id,
                run_id=str(run_id),
                model=call.model,
                status=status,
                error=error,
                input_tokens=usage.get("input_tokens"),
                output_tokens=output_tokens,
                chunks=call.chunks,
                ttft_s=ttft,
                duration_s=end - call.started,
                tokens_per_s=produced / generating if generating > 0 and produced else None,
                reply=reply,
                finish_reason=finish_reason,
            )
        )


def _has_output(chunk: Any) -> bool:
    """A chunk with no text still counts if it carries tool-call chunks or reasoning."""
    message = getattr(chunk, "message", None)
    if message is None:
        return False
    if getattr(message, "tool_call_chunks", None):
        return True
    return bool(message.additional_kwargs.get("reasoning_content"))


def _usage(response: LLMResult) -> dict[str, int]:
    for generations in response.generations:
        for generation in generations:
            usage = getattr(getattr(generation, "message", None), "usage_metadata", None)
            if usage:
                return {k: int(v) for k, v in usage.items() if isinstance(v, int)}
    token_usage = (response.llm_output or {}).get("token_usage") or {}
    if token_usage:
        return {
            "input_tokens": int(token_usage.get("prompt_tokens", 0)),
            "output_tokens": int(token_usage.get("completion_tokens", 0)),
        }
    return {}
