"""ChatOpenAI that keeps the reasoning OpenAI-compatible servers send.

``ChatOpenAI`` follows the official API only and drops ``reasoning_content``
(vLLM, llama.cpp, LM Studio, DeepSeek) and ``reasoning`` (some others). A debugger
must show it, apart from the answer, so this subclass copies it into
``additional_kwargs["reasoning_content"]``, where ChatOllama puts Ollama's thinking:
one place for the engine to look whatever the provider.
"""

from __future__ import annotations

import os
from typing import Any

import openai
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from tui.net.tls import library_of, shared_context
from tui.providers.spec import ModelSpec, ModelSpecError

_REASONING_KEYS = ("reasoning_content", "reasoning")
_NO_KEY = "sk-no-key-needed"


def _reasoning_of(message: Any) -> str | None:
    if not isinstance(message, dict):
        return None
    for key in _REASONING_KEYS:
        value = message.get(key)
        if isinstance(value, str) and value:
            return value
    return None


class ChatOpenAICompatible(ChatOpenAI):
    def _convert_chunk_to_generation_chunk(
        self,
        chunk: dict,
        default_chunk_class: type,
        base_generation_info: dict | None,
    ) -> ChatGenerationChunk | None:
        generation = super()._convert_chunk_to_generation_chunk(
            chunk, default_chunk_class, base_generation_info
        )
        choices = chunk.get("choices") or []
        if generation is not None and choices:
            reasoning = _reasoning_of(choices[0].get("delta"))
            if reasoning:
                generation.message.additional_kwargs["reasoning_content"] = reasoning
        return generation

    def _create_chat_result(
        self, response: dict | openai.BaseModel, generation_info: dict | None = None
    ) -> ChatResult:
        result = super()._create_chat_result(response, generation_info)
        data = response if isinstance(response, dict) else response.model_dump()
        for generation, choice in zip(result.generations, data.get("choices") or [], strict=False):
            reasoning = _reasoning_of(choice.get("message"))
            if reasoning:
                generation.message.additional_kwargs["reasoning_content"] = reasoning
        return result


def build(
    spec: ModelSpec, options: dict[str, Any], *, own_async_client: bool
) -> ChatOpenAICompatible:
    base_url = spec.resolved_base_url()
    api_key = os.environ.get("OPENAI_API_KEY")
    if not api_key:
        if base_url is None:
            raise ModelSpecError(
                "OPENAI_API_KEY is not set: export it, or point --base-url at a "
                "local OpenAI-compatible server"
            )
        api_key = _NO_KEY
    extra_body = {"max_tokens": spec.max_tokens} if spec.max_tokens else None
    # openai's own client defaults (timeouts, limits, redirects), on one shared TLS
    # context: each client would otherwise load the CA bundle again.
    tls = shared_context(library_of(openai.DefaultHttpxClient))
    options = {**options, "http_client": openai.DefaultHttpxClient(verify=tls)}
    if own_async_client:
        # langchain-openai shares one async client per URL across the process; a
        # client is bound to the event loop that opened it (see registry.chat_model).
        options["http_async_client"] = openai.DefaultAsyncHttpxClient(verify=tls)
    return ChatOpenAICompatible(
        model=spec.name,
        base_url=base_url,
        api_key=SecretStr(api_key),
        timeout=spec.timeout_s,
        max_retries=0,
        stream_usage=True,
        extra_body=extra_body,
        **options,
    )
