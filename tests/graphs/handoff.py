"""A swarm-style handoff: alice's tool hands the conversation to bob with
``Command(goto="bob", graph=Command.PARENT)``, as langgraph-swarm's handoff tools do."""

import operator
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import Command


class State(TypedDict, total=False):
    log: Annotated[list[str], operator.add]
    active: str


def think(state: State) -> State:
    return {"log": ["alice thinks bob should answer"]}


def transfer_to_bob(state: State) -> Command:
    return Command(goto="bob", graph=Command.PARENT, update={"log": ["to bob"], "active": "bob"})


inner = StateGraph(State)
inner.add_node("think", think)
inner.add_node("transfer_to_bob", transfer_to_bob)
inner.add_edge(START, "think")
inner.add_edge("think", "transfer_to_bob")
alice = inner.compile()


def bob(state: State) -> State:
    return {"log": ["bob answers"]}


builder = StateGraph(State)
builder.add_node("alice", alice, destinations=("bob",))
builder.add_node("bob", bob)
builder.add_edge(START, "alice")
builder.add_edge("bob", END)
graph = builder.compile()

default_input = {"log": []}
