"""Two nodes that each block their event loop twice (a sync sleep inside
``async def``, with a real await between): the debugger says so once per node."""

import asyncio
import time
from typing import TypedDict

from langgraph.graph import END, START, StateGraph

BLOCK_S = 0.5


class State(TypedDict, total=False):
    n: int


async def _block_twice() -> None:
    time.sleep(BLOCK_S)
    await asyncio.sleep(0.2)  # the loop runs again in between: two separate blocks
    time.sleep(BLOCK_S)


async def first(state: State) -> State:
    await _block_twice()
    return {"n": 1}


async def second(state: State) -> State:
    await _block_twice()
    return {"n": 2}


builder = StateGraph(State)
builder.add_node("first", first)
builder.add_node("second", second)
builder.add_edge(START, "first")
builder.add_edge("first", "second")
builder.add_edge("second", END)
graph = builder.compile()

default_input = {"n": 0}
