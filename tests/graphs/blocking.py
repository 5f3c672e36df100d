"""A node with the classic bug: a blocking sleep inside `async def`."""

import time
from typing import TypedDict

from langgraph.graph import END, START, StateGraph

BLOCK_S = 4.0


class State(TypedDict, total=False):
    done: bool


def prepare(state: State) -> State:
    return {"done": False}


async def stuck(state: State) -> State:
    time.sleep(BLOCK_S)  # blocks the event loop: the debugger must stay usable
    return {"done": True}


builder = StateGraph(State)
builder.add_node("prepare", prepare)
builder.add_node("stuck", stuck)
builder.add_edge(START, "prepare")
builder.add_edge("prepare", "stuck")
builder.add_edge("stuck", END)
graph = builder.compile()

default_input = {"done": False}
