"""Every input field has a default, and the module names no default input: ``{}``
is a valid input, as it is for LangGraph Server."""

from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel


class State(BaseModel):
    query: str = "what's new?"
    max_items: int = 3
    report: str = ""


def report(state: State) -> dict:
    return {"report": f"{state.max_items} items about {state.query}"}


builder = StateGraph(State)
builder.add_node("report", report)
builder.add_edge(START, "report")
builder.add_edge("report", END)
graph = builder.compile()
