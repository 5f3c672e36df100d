"""A graph whose state is a dataclass, with a reducer on one field."""

import operator
from dataclasses import dataclass, field
from typing import Annotated

from langgraph.graph import END, START, StateGraph


@dataclass
class State:
    items: Annotated[list[str], operator.add] = field(default_factory=list)
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
