"""An agent on an OpenAI-compatible server, for cassettes: an async node that
streams its calls (``astream``), a tool node, and a sync node that streams with
``stream()``. ``make(base_url, tools_then="agent")`` builds it; ``tools_then=
"summarize"`` is the same graph with one edge changed."""

from __future__ import annotations

import os

from langchain_core.messages import AIMessageChunk, HumanMessage, SystemMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition


@tool
def lookup(city: str) -> str:
    """What the weather is in a city."""
    return f"{city}: 4°C and snowing"


def make(base_url: str, *, tools_then: str = "agent"):
    model = ChatOpenAI(model="fake-model", base_url=base_url, max_retries=0, timeout=10)

    async def agent(state: MessagesState) -> dict:
        # The secret reaches the prompt, as a careless prompt template might do it.
        system = SystemMessage(f"Use lookup. Deployment token: {os.environ['DEPLOY_TOKEN']}")
        reply: AIMessageChunk | None = None
        async for chunk in model.bind_tools([lookup]).astream([system, *state["messages"]]):
            reply = chunk if reply is None else reply + chunk
        assert reply is not None
        return {"messages": [reply]}

    def summarize(state: MessagesState) -> dict:
        text = "".join(
            str(chunk.content)
            for chunk in model.stream([HumanMessage(f"Summarize: {state['messages'][-1].content}")])
        )
        return {"messages": [HumanMessage(text, name="summary")]}

    builder = StateGraph(MessagesState)
    builder.add_node("agent", agent)
    builder.add_node("tools", ToolNode([lookup]))
    builder.add_node("summarize", summarize)
    builder.add_edge(START, "agent")
    builder.add_conditional_edges("agent", tools_condition, {"tools": "tools", END: "summarize"})
    builder.add_edge("tools", tools_then)
    builder.add_edge("summarize", END)
    return builder.compile(name="cassette_agent")


INPUT = {"messages": [{"role": "user", "content": "Weather in Oslo?"}]}
