from typing import TypedDict

from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    n: int


_b = StateGraph(State)
_b.add_node("inc", lambda s: {"n": 1})
_b.add_edge(START, "inc")
_b.add_edge("inc", END)
my_app = _b.compile()
