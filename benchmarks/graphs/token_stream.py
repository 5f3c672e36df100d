"""One node, one chat model streaming one-word tokens: the graph of the TUI benchmarks.

``BENCH_TOKENS`` (default 20,000) tokens, at ``BENCH_RATE`` tokens per second (default:
as fast as it can; it still yields to the loop per token, like a real HTTP stream).
The same model and graph as ``bench_engine_throughput.py``'s flood, as a file a
``langgraph-tui run`` subprocess can load.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langgraph.graph import END, START, MessagesState, StateGraph

INPUT = {"messages": [{"role": "user", "content": "stream please"}]}


class StreamChatModel(BaseChatModel):
    """Streams ``chunks`` one-word chunks, ``rate`` per second (0: no delay)."""

    chunks: int = 1000
    rate: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "bench-stream"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        text = "".join(word(i) for i in range(self.chunks))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    async def _astream(
        self, messages, stop=None, run_manager=None, **kwargs: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        start = time.monotonic()
        for i in range(self.chunks):
            chunk = AIMessageChunk(content=word(i))
            if i == self.chunks - 1:
                chunk.chunk_position = "last"
                chunk.usage_metadata = UsageMetadata(
                    input_tokens=3, output_tokens=self.chunks, total_tokens=self.chunks + 3
                )
            if self.rate:
                # Paced against the start, so the rate holds however slow a wake-up is.
                await asyncio.sleep(max(0.0, start + i / self.rate - time.monotonic()))
            else:
                await asyncio.sleep(0)
            if run_manager:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield ChatGenerationChunk(message=chunk)


def word(i: int) -> str:
    return f"w{i % 997} "


def build(chunks: int, rate: float = 0.0) -> StateGraph:
    model = StreamChatModel(chunks=chunks, rate=rate)

    async def agent(state: MessagesState) -> dict:
        reply = await model.ainvoke(state["messages"])
        return {"messages": [reply]}

    builder = StateGraph(MessagesState)
    builder.add_node("agent", agent)
    builder.add_edge(START, "agent")
    builder.add_edge("agent", END)
    return builder


builder = build(
    int(os.environ.get("BENCH_TOKENS", "20000")), float(os.environ.get("BENCH_RATE", "0"))
)
graph = builder.compile()
default_input = INPUT
