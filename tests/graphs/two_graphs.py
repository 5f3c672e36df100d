from typing import TypedDict

from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    n: int


def _build():
    builder = StateGraph(State)
    builder.add_node("inc", lambda s: {"n": 1})
    builder.add_edge(START, "inc")
    builder.add_edge("inc", END)
    return builder.compile()


first = _build()
second = _build()
