"""A small ReAct agent, the graph under test in this example suite.

The model looks up a forecast and a packing list with its tools, answers, and a
person approves (or rewrites) the answer before it is sent: ``interrupt()``.

``make_graph(model)`` builds it on any chat model; ``graph`` (what
``langgraph-tui run examples/testing/weather_agent.py`` opens) takes its model from
``tui.providers.chat_model()``, so it follows ``--model`` and runs offline on the
scripted model by default.
"""

from __future__ import annotations

from typing import Any, NotRequired

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.types import interrupt

from tui.providers import chat_model

SYSTEM = "You plan trips. Use the tools, then answer in one short paragraph."


@tool
def forecast(city: str) -> str:
    """Tomorrow's weather in a city."""
    return f"{city}: 6°C, light rain"


@tool
def packing_list(city: str) -> str:
    """What to pack for a trip to a city tomorrow."""
    return "coat, umbrella, boots"


TOOLS = [forecast, packing_list]


class TripState(MessagesState):
    approved: NotRequired[bool]


def make_graph(model: BaseChatModel | None = None, *, review: bool = True) -> Any:
    """The agent on ``model`` (default: ``chat_model()``, asked when a node runs).
    ``review=False`` drops the approval step (an edge a change might remove)."""

    async def agent(state: TripState) -> dict:
        llm = (model or chat_model()).bind_tools(TOOLS)
        reply = await llm.ainvoke([("system", SYSTEM), *state["messages"]])
        return {"messages": [reply]}

    def approve(state: TripState) -> dict:
        answer = state["messages"][-1]
        verdict = interrupt({"question": "Send this answer?", "answer": answer.content})
        if verdict == "approve":
            return {"approved": True}
        return {"approved": True, "messages": [AIMessage(str(verdict), id=answer.id)]}

    builder = StateGraph(TripState)
    builder.add_node("agent", agent)
    builder.add_node("tools", ToolNode(TOOLS))
    builder.add_node("approve", approve)
    builder.add_edge(START, "agent")
    builder.add_conditional_edges(
        "agent", tools_condition, {"tools": "tools", END: "approve" if review else END}
    )
    builder.add_edge("tools", "agent")
    builder.add_edge("approve", END)
    return builder.compile(name="weather_agent")


graph = make_graph()

default_input = {"messages": [{"role": "user", "content": "What should I pack for Bergen?"}]}
