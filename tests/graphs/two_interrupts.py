"""Two parallel reviewers that each stop for an answer; finance says what it expects
(a ``response_schema``), so a wrong answer can be refused before it reaches it."""

import operator
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

VERDICT = {
    "type": "object",
    "properties": {"approved": {"type": "boolean"}},
    "required": ["approved"],
}


class State(TypedDict, total=False):
    request: str
    answers: Annotated[list[str], operator.add]


def legal(state: State) -> State:
    answer = interrupt({"question": f"legal: may we {state['request']}?"})
    return {"answers": [f"legal: {answer}"]}


def finance(state: State) -> State:
    answer = interrupt({"question": "finance: approved?"}, response_schema=VERDICT)
    return {"answers": [f"finance: {answer['approved']}"]}


def decide(state: State) -> State:
    return {"answers": ["decided"]}


builder = StateGraph(State)
builder.add_node("legal", legal)
builder.add_node("finance", finance)
builder.add_node("decide", decide)
builder.add_edge(START, "legal")
builder.add_edge(START, "finance")
builder.add_edge(["legal", "finance"], "decide")
builder.add_edge("decide", END)
graph = builder.compile()

default_input = {"request": "ship it", "answers": []}
