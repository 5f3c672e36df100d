"""A graph that plants the secret in ``LEAKY_SECRET`` in everything it produces:
state values and keys, bytes, header pairs, secret-named fields, streamed text and
tool-call arguments split across chunks, a custom event, an interrupt, a model
error and a node failure. ``LEAKY_SPLIT`` says where streams cut the secret."""

import base64
import os
from collections.abc import AsyncIterator
from typing import Any, TypedDict

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

SECRET = os.environ.get("LEAKY_SECRET", "sk-leaky-0123456789")
SPLIT = int(os.environ.get("LEAKY_SPLIT", "5")) % max(1, len(SECRET))


class Leaky(BaseChatModel):
    """Streams a reply and a tool call whose arguments carry the secret, cut in two."""

    @property
    def _llm_type(self) -> str:
        return "leaky"

    def _generate(
        self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=SECRET))])

    async def _astream(
        self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        head, tail = SECRET[:SPLIT], SECRET[SPLIT:]
        parts = [
            AIMessageChunk(content="", additional_kwargs={"reasoning_content": f"think {head}"}),
            AIMessageChunk(content="", additional_kwargs={"reasoning_content": f"{tail} done"}),
            AIMessageChunk(content=f"the key is {head}"),
            AIMessageChunk(content=f"{tail}, keep it"),
            AIMessageChunk(
                content="",
                tool_call_chunks=[
                    {"name": "use", "args": '{"k": "' + head, "id": "c1", "index": 0}
                ],
            ),
            AIMessageChunk(
                content="",
                tool_call_chunks=[{"name": None, "args": tail + '"}', "id": None, "index": 0}],
                chunk_position="last",
            ),
        ]
        for part in parts:
            if run_manager:
                await run_manager.on_llm_new_token(
                    part.text, chunk=ChatGenerationChunk(message=part)
                )
            yield ChatGenerationChunk(message=part)


class Broken(BaseChatModel):
    @property
    def _llm_type(self) -> str:
        return "broken"

    def _generate(
        self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        raise PermissionError(f"401 Unauthorized: invalid api key {SECRET}")


class State(TypedDict, total=False):
    request: str
    data: dict
    answer: Any
    reply: str


async def leak(state: State) -> State:
    reply = await Leaky().ainvoke("hi")
    get_stream_writer()({"note": f"custom {SECRET}", SECRET: "as a key"})
    data = {
        "plain": f"value {SECRET} inside",
        SECRET: "a key that is the secret",
        "blob": SECRET.encode(),
        "headers": [("Authorization", f"Bearer {SECRET}"), ("Accept", "json")],
        "token": "abc123-not-in-env",
        "session_token": "st-4567-not-in-env",
        "pwd": "hunter2hunter2",
        "pass": "letmein-please",
        "credentials": {"user": "ada", "secret": "x"},
        "nested": [{"api_key": "nested-key-123"}],
        "b64": base64.b64encode(SECRET.encode()).decode(),
        "url": "postgres://ada:pa55word-in-url@db.local/app",
    }
    return {"data": data, "reply": reply.text}


def ask(state: State) -> State:
    return {"answer": interrupt({"question": f"approve {SECRET}?"})}


async def call_broken(state: State) -> State:
    try:
        await Broken().ainvoke("hi")
    except PermissionError as exc:
        return {"reply": f"the model said: {exc}"}
    return {}


def fail(state: State) -> State:
    raise RuntimeError(f"could not connect with {SECRET}")


builder = StateGraph(State)
for name, node in (("leak", leak), ("ask", ask), ("call_broken", call_broken), ("fail", fail)):
    builder.add_node(name, node)
builder.add_edge(START, "leak")
builder.add_edge("leak", "ask")
builder.add_edge("ask", "call_broken")
builder.add_edge("call_broken", "fail")
builder.add_edge("fail", END)
graph = builder.compile()

default_input = {"request": f"use {SECRET}"}
