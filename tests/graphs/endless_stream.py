"""One node that streams model replies until it is cancelled: a run that cannot end
on its own, so a test of Ctrl-C never races the run's natural end."""

import asyncio
from typing import TypedDict

from langgraph.graph import END, START, StateGraph

from tui.providers import chat_model


class State(TypedDict):
    topic: str


async def chatter(state: State) -> State:
    model = chat_model()
    while True:
        async for _ in model.astream([("user", f"Tell me about {state['topic']}.")]):
            pass
        # A model that streams as fast as it can (scripted:fast) never suspends;
        # without this the task could not take its cancellation.
        await asyncio.sleep(0.05)


builder = StateGraph(State)
builder.add_node("chatter", chatter)
builder.add_edge(START, "chatter")
builder.add_edge("chatter", END)
graph = builder.compile()

default_input = {"topic": "the sea"}
