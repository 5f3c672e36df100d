"""A graph whose module takes 1.5 s to import (a heavy SDK, a model loaded at import):
what ``bench_first_frame.py`` starts the TUI on. One node, no model: the run ends at once.

``SLOW_IMPORT_S`` sets the delay (default 1.5).
"""

import os
import time
from typing import TypedDict

from langgraph.graph import END, START, StateGraph

time.sleep(float(os.environ.get("SLOW_IMPORT_S", "1.5")))


class State(TypedDict):
    n: int


def count(state: State) -> dict:
    return {"n": state["n"] + 1}


builder = StateGraph(State)
builder.add_node("count", count)
builder.add_edge(START, "count")
builder.add_edge("count", END)
graph = builder.compile()

default_input = {"n": 0}
