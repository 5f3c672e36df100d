"""A graph whose every output is hostile text: its state, its model's reply, a custom
event, a node named with markup, and a failure whose message looks like markup.

The text comes from the input (``{"text": ...}``), so a test can send any string."""

from typing import TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph

from tui.providers.scripted import ScriptedChatModel

ODD_NODE = "[b]odd[/b] node"


class State(TypedDict, total=False):
    text: str
    reply: str
    echo: dict


async def speak(state: State) -> State:
    model = ScriptedChatModel(tokens_per_second=None, think=False)
    reply = await model.ainvoke([("user", f"Tell me about {state['text']}")])
    get_stream_writer()({"progress": state["text"]})
    return {"reply": reply.text, "echo": {state["text"]: [state["text"]]}}


def odd(state: State) -> State:
    return {"echo": {"[/]": state["text"]}}


def fail(state: State) -> State:
    raise ValueError(f"1 validation error [type=missing] [/] [redacted] {state['text']}")


builder = StateGraph(State)
builder.add_node("speak", speak)
builder.add_node(ODD_NODE, odd)
builder.add_node("fail", fail)
builder.add_edge(START, "speak")
builder.add_edge("speak", ODD_NODE)
builder.add_edge(ODD_NODE, "fail")
builder.add_edge("fail", END)
graph = builder.compile()

default_input = {"text": "[bold red]boom[/] \x1b[2J \u202eevil [/] \ud800"}
