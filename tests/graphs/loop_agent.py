"""An agent whose model repeats itself: with ``mode: "tool"`` it asks for the same tool
call (same arguments, a new call id each time, as a real model does) four times, then
answers; with ``mode: "reply"`` it gives the same text three times before the graph
lets it stop."""

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode

TURNS = 4


@tool
def search(query: str) -> str:
    """Search the notes."""
    return f"no notes about {query}"


class Repeater(BaseChatModel):
    mode: str = "tool"

    @property
    def _llm_type(self) -> str:
        return "repeater"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        asked = sum(isinstance(m, AIMessage) for m in messages)
        if self.mode == "tool" and asked < TURNS:
            call = {
                "name": "search",
                "args": {"query": "the bug"},
                "id": f"call_{asked}",
                "type": "tool_call",
            }
            message = AIMessage("", tool_calls=[call])
        else:
            message = AIMessage("I could not find it." if self.mode == "tool" else "Draft one.")
        return ChatResult(generations=[ChatGeneration(message=message)])


class State(MessagesState):
    mode: str


def agent(state: State) -> dict:
    return {"messages": [Repeater(mode=state["mode"]).invoke(state["messages"])]}


def route(state: State) -> str:
    last = state["messages"][-1]
    if getattr(last, "tool_calls", None):
        return "tools"
    drafts = sum(isinstance(m, AIMessage) for m in state["messages"])
    return "agent" if state["mode"] == "reply" and drafts < 3 else END


builder = StateGraph(State)
builder.add_node("agent", agent)
builder.add_node("tools", ToolNode([search]))
builder.add_edge(START, "agent")
builder.add_conditional_edges("agent", route, ["tools", "agent", END])
builder.add_edge("tools", "agent")
graph = builder.compile()
default_input = {"messages": [{"role": "user", "content": "Find the bug."}], "mode": "tool"}
