"""Steps that change the state in each way the step diff shows: a message appended,
a message replaced (same id), text edited, a number changed, a key added and one
removed, and a step that changes nothing."""

from typing import Annotated, TypedDict

from langchain_core.messages import AIMessage, AnyMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages


class State(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    summary: str
    count: int
    notes: dict


def reply(state: State) -> dict:
    return {"messages": [AIMessage("Looking into it.", id="reply-1")]}


def edit(state: State) -> dict:
    return {
        "summary": "line one\nline two, edited\nline three\nline four",
        "count": state["count"] + 1,
        "notes": {"kept": 1, "new": "added"},
    }


def idle(state: State) -> dict:
    return {}


def revise(state: State) -> dict:
    return {"messages": [AIMessage("Looked into it: all good.", id="reply-1")]}


builder = StateGraph(State)
for name, node in (("reply", reply), ("edit", edit), ("idle", idle), ("revise", revise)):
    builder.add_node(name, node)
builder.add_edge(START, "reply")
builder.add_edge("reply", "edit")
builder.add_edge("edit", "idle")
builder.add_edge("idle", "revise")
builder.add_edge("revise", END)
graph = builder.compile()
default_input = {
    "messages": [{"role": "user", "content": "Check the build.", "id": "ask-1"}],
    "summary": "line one\nline two\nline three\nline four",
    "count": 1,
    "notes": {"kept": 1, "old": "gone soon"},
}
