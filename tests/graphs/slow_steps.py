"""Three sequential nodes that each take a moment: room to pause between steps."""

import asyncio
import operator
import os
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph

# Tests that must catch a node mid-flight on screen slow it down through the env.
DELAY_S = float(os.environ.get("LGTUI_TEST_STEP_DELAY", "0.15"))


class State(TypedDict, total=False):
    visited: Annotated[list[str], operator.add]


def _node(name: str):
    async def run(state: State) -> State:
        await asyncio.sleep(DELAY_S)
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
