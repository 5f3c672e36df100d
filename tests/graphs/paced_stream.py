"""One node that streams model replies at a steady pace until it is cancelled.

Unlike ``endless_stream`` (full speed, for Ctrl-C tests), it waits between tokens,
so the process it runs in stays free to take a cancel: a LangGraph Server runs
cancels on the same event loop as the graph, and a graph that never yields holds
them up (and floods the stream with tokens nobody can read in time)."""

from typing import TypedDict

from langgraph.graph import END, START, StateGraph

from tui.providers.scripted import ScriptedChatModel


class State(TypedDict):
    topic: str


async def chatter(state: State) -> State:
    model = ScriptedChatModel(tokens_per_second=200.0)
    while True:
        async for _ in model.astream([("user", f"Tell me about {state['topic']}.")]):
            pass


builder = StateGraph(State)
builder.add_node("chatter", chatter)
builder.add_edge(START, "chatter")
builder.add_edge("chatter", END)
graph = builder.compile()

default_input = {"topic": "the sea"}
