"""A node that fails on an answer of the wrong shape (as HumanInTheLoopMiddleware does
on a plain "approve"), and one that asks two questions in turn."""

from typing import TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt


class State(TypedDict, total=False):
    verdict: str
    answers: list[str]


def review(state: State) -> State:
    answer = interrupt({"question": "approve?", "answer like": {"decisions": [{"type": "…"}]}})
    return {"verdict": answer["decisions"][0]["type"]}


def interview(state: State) -> State:
    name = interrupt("name?")
    colour = interrupt("colour?")
    return {"answers": [name, colour]}


def _one_node(name: str, node) -> StateGraph:
    builder = StateGraph(State)
    builder.add_node(name, node)
    builder.add_edge(START, name)
    builder.add_edge(name, END)
    return builder


graph = _one_node("review", review).compile(checkpointer=InMemorySaver())
asks_twice = _one_node("interview", interview).compile(checkpointer=InMemorySaver())
default_input: State = {}
