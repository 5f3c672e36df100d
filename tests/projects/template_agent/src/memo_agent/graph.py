"""Reads the user's memories from the store, answers, and saves what it learned:
the runtime context, the store and a package-absolute import, as the templates do."""

import os
import uuid
from typing import Annotated

from langchain_core.messages import AnyMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.runtime import Runtime
from typing_extensions import TypedDict

from memo_agent.context import Context
from tui.providers.scripted import ScriptedChatModel


class State(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


async def call_model(state: State, runtime: Runtime[Context]) -> dict:
    namespace = ("memories", runtime.context.user_id)
    memories = await runtime.store.asearch(namespace, query=str(state["messages"][-1].content))
    known = "; ".join(m.value["text"] for m in memories) or "nothing yet"
    greeting = os.environ.get("MEMO_AGENT_GREETING", "")
    model = ScriptedChatModel(tokens_per_second=None, think=False)
    reply = await model.ainvoke(
        [
            ("system", f"{runtime.context.system_prompt} {greeting} Known: {known}"),
            *state["messages"],
        ]
    )
    return {"messages": [reply]}


async def remember(state: State, runtime: Runtime[Context]) -> dict:
    said = str(state["messages"][-2].content)
    await runtime.store.aput(
        ("memories", runtime.context.user_id), uuid.uuid4().hex[:8], {"text": said}
    )
    return {}


builder = StateGraph(State, context_schema=Context)
builder.add_node("call_model", call_model)
builder.add_node("remember", remember)
builder.add_edge(START, "call_model")
builder.add_edge("call_model", "remember")
builder.add_edge("remember", END)
graph = builder.compile(name="Memo Agent")
