"""Three sequential nodes; each waits for ``GATE`` before it returns. A test can act
while a node is surely running (and then let it finish), whatever the machine's load."""

import asyncio
import operator
import threading
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph

GATE = threading.Event()


class State(TypedDict, total=False):
    visited: Annotated[list[str], operator.add]


def _node(name: str):
    async def run(state: State) -> State:
        await asyncio.to_thread(GATE.wait, 60)
        return {"visited": [name]}

    return run


builder = StateGraph(State)
for name in ("one", "two", "three"):
    builder.add_node(name, _node(name))
builder.add_edge(START, "one")
builder.add_edge("one", "two")
builder.add_edge("two", "three")
builder.add_edge("three", END)
graph = builder.compile()

default_input = {"visited": []}
