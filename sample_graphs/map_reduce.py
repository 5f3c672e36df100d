"""Fan out with Send to parallel workers in one step, then reduce.

langgraph-tui run sample_graphs/map_reduce.py --input '{"topic": "animals"}'
"""

import operator
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from tui.providers import chat_model


class State(TypedDict, total=False):
    topic: str
    subjects: list[str]
    jokes: Annotated[list[str], operator.add]
    best: str


class WorkerState(TypedDict):
    subject: str


def plan(state: State) -> State:
    return {
        "subjects": [
            f"{state['topic']} at work",
            f"{state['topic']} on holiday",
            f"{state['topic']} in space",
        ]
    }


def fan_out(state: State) -> list[Send]:
    return [Send("write_joke", {"subject": subject}) for subject in state["subjects"]]


async def write_joke(state: WorkerState) -> State:
    reply = await chat_model().ainvoke([("user", f"Tell me a joke about {state['subject']}.")])
    return {"jokes": [reply.text]}


def pick_best(state: State) -> State:
    # Deterministic reduce: the longest joke wins (a stand-in for a judge model).
    return {"best": max(state["jokes"], key=len)}


builder = StateGraph(State)
builder.add_node("plan", plan)
builder.add_node("write_joke", write_joke)
builder.add_node("pick_best", pick_best)
builder.add_edge(START, "plan")
builder.add_conditional_edges("plan", fan_out, ["write_joke"])
builder.add_edge("write_joke", "pick_best")
builder.add_edge("pick_best", END)
graph = builder.compile()

default_input = {"topic": "penguins"}
