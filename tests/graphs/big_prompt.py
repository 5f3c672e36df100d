"""One model call with a huge prompt: 200 messages, every tool result 50 KB."""

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.graph import START, MessagesState, StateGraph

from tui.providers import chat_model

RESULT = "x" * 49_990


async def agent(state: MessagesState) -> dict:
    reply = await chat_model().ainvoke([("system", "Summarise."), *state["messages"]])
    return {"messages": [reply]}


def _history() -> list:
    messages: list = []
    for turn in range(50):
        call = {"name": "fetch", "args": {"page": turn}, "id": f"c{turn}", "type": "tool_call"}
        messages += [
            HumanMessage(f"page {turn}?"),
            AIMessage("", tool_calls=[call]),
            ToolMessage(f"{turn:08d}: {RESULT}", tool_call_id=f"c{turn}", name="fetch"),
            AIMessage(f"page {turn} read"),
        ]
    return messages


builder = StateGraph(MessagesState)
builder.add_node("agent", agent)
builder.add_edge(START, "agent")
graph = builder.compile()
default_input = {"messages": _history()}
