"""A graph whose state is a pydantic model, with a reducer on one field: time travel
must work for any state schema, not only TypedDicts with ``messages``."""

import operator
from typing import Annotated

from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel


class State(BaseModel):
    items: Annotated[list[str], operator.add] = []
    count: int = 0


def first(state: State) -> dict:
    return {"items": ["first"], "count": state.count + 1}


async def second(state: State) -> dict:
    return {"items": [f"second saw {state.count}"], "count": state.count * 10}


builder = StateGraph(State)
builder.add_node("first", first)
builder.add_node("second", second)
builder.add_edge(START, "first")
builder.add_edge("first", "second")
builder.add_edge("second", END)
graph = builder.compile()

default_input = {"count": 1}
