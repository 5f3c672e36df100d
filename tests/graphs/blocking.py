"""A node with the classic bug: a blocking call inside `async def`.

It blocks its event loop until a test sets ``RELEASE`` (or ``BLOCK_S`` passes), and
sets ``LEFT`` when it returns, so a test can tell "the debugger answered while the
node still blocked" from "the node had already finished", without timing anything.
"""

import threading
from typing import TypedDict

from langgraph.graph import END, START, StateGraph

BLOCK_S = 30.0
RELEASE = threading.Event()
LEFT = threading.Event()


class State(TypedDict, total=False):
    done: bool


def prepare(state: State) -> State:
    return {"done": False}


async def stuck(state: State) -> State:
    # The events of the test that started this run: a node an earlier test abandoned
    # may wake late, and must not signal the next test's.
    release, left = RELEASE, LEFT
    release.wait(BLOCK_S)  # blocks the event loop: the debugger must stay usable
    left.set()
    return {"done": True}


builder = StateGraph(State)
builder.add_node("prepare", prepare)
builder.add_node("stuck", stuck)
builder.add_edge(START, "prepare")
builder.add_edge("prepare", "stuck")
builder.add_edge("stuck", END)
graph = builder.compile()

default_input = {"done": False}
