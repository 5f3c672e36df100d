"""Three steps over a state of every kind a user edits (messages, a list with a
reducer, a number, a text), counting how often each node runs: time-travel tests
check that a replay or a fork runs only the steps after its checkpoint."""

import operator
from collections import Counter
from typing import Annotated, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages

RUNS: Counter[str] = Counter()


class State(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    log: Annotated[list[str], operator.add]
    n: int
    note: str


def plan(state: State) -> State:
    RUNS["plan"] += 1
    return {"messages": [AIMessage("a plan")], "log": ["plan"], "n": state.get("n", 0) + 1}


async def act(state: State) -> State:
    RUNS["act"] += 1
    last = state["messages"][-1].content
    return {"log": [f"act on {last}"], "n": state["n"] * 10, "note": f"acted on {last}"}


def report(state: State) -> State:
    RUNS["report"] += 1
    return {"messages": [AIMessage(f"done: {state['note']}")], "log": ["report"]}


builder = StateGraph(State)
builder.add_node("plan", plan)
builder.add_node("act", act)
builder.add_node("report", report)
builder.add_edge(START, "plan")
builder.add_edge("plan", "act")
builder.add_edge("act", "report")
builder.add_edge("report", END)
graph = builder.compile()

default_input = {"messages": [HumanMessage("hi")], "n": 1}
