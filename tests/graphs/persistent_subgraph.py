"""A parent node that calls a subgraph compiled with ``checkpointer=True``: the
subgraph keeps its own state across runs, and its namespace has no task id."""

import operator
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph


class Notes(TypedDict, total=False):
    visits: Annotated[int, operator.add]


def visit(state: Notes) -> Notes:
    return {"visits": 1}


def tidy(state: Notes) -> Notes:
    return {}


inner = StateGraph(Notes)
inner.add_node("visit", visit)
inner.add_node("tidy", tidy)
inner.add_edge(START, "visit")
inner.add_edge("visit", "tidy")
inner.add_edge("tidy", END)
notes = inner.compile(checkpointer=True)


class State(TypedDict, total=False):
    seen: int


async def call_notes(state: State) -> State:
    result = await notes.ainvoke({"visits": 0})
    return {"seen": result["visits"]}


def first(state: State) -> State:
    return {}


builder = StateGraph(State)
builder.add_node("first", first)
builder.add_node("call_notes", call_notes)
builder.add_edge(START, "first")
builder.add_edge("first", "call_notes")
builder.add_edge("call_notes", END)
graph = builder.compile()

default_input = {"seen": 0}
