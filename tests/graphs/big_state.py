"""State with a 10 MB string and a 10,000-item list: the inspector must stay fast."""

from typing import TypedDict

from langgraph.graph import END, START, StateGraph

BIG_TEXT = ("lorem ipsum dolor sit amet " * 40 + "\n") * 9_000  # ~10 MB
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
