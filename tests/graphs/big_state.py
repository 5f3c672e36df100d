"""State with a 1 MB string (900 lines) and a 10,000-item list: the inspector must page
them. A megabyte pages as ten would, at a tenth of the run's cost (LangGraph looks for
messages in a node's output one character at a time); benchmarks/bench_big_state.py
times the inspector on ten."""

from typing import TypedDict

from langgraph.graph import END, START, StateGraph

BIG_TEXT = ("lorem ipsum dolor sit amet " * 40 + "\n") * 900  # ~1 MB
MANY = [{"index": i, "label": f"item {i}"} for i in range(10_000)]


class State(TypedDict, total=False):
    blob: str
    items: list
    small: int


def fill(state: State) -> State:
    return {"blob": BIG_TEXT, "items": MANY, "small": 1}


builder = StateGraph(State)
builder.add_node("fill", fill)
builder.add_edge(START, "fill")
builder.add_edge("fill", END)
graph = builder.compile()

default_input = {"small": 0}
