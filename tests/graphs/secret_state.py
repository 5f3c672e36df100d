"""A state that holds a secret under a secret's name and repeats it in a message: the
inspector shows it redacted, and an edit must never write the placeholder back."""

from typing import Annotated, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages

SECRET = "sk-test-0123456789abcdef"


class State(TypedDict, total=False):
    api_key: str
    messages: Annotated[list[AnyMessage], add_messages]


def speak(state: State) -> State:
    return {"messages": [AIMessage(f"use {state['api_key']} now", id="said")]}


def echo(state: State) -> State:
    return {"messages": [AIMessage(f"{len(state['messages'])} messages", id="echo")]}


builder = StateGraph(State)
builder.add_node("speak", speak)
builder.add_node("echo", echo)
builder.add_edge(START, "speak")
builder.add_edge("speak", "echo")
builder.add_edge("echo", END)
graph = builder.compile()

default_input = {"api_key": SECRET, "messages": [HumanMessage("hi", id="asked")]}
