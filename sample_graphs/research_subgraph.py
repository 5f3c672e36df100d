"""A parent graph that calls a compiled subgraph, which streams its own LLM tokens.

    langgraph-tui run sample_graphs/research_subgraph.py --input '{"topic": "tide pools"}'

plan -> research (subgraph: search -> summarize) -> write
"""

import asyncio
from typing import TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph

from tui.providers import chat_model, reading_pace


class ResearchState(TypedDict, total=False):
    topic: str
    sources: list[str]
    notes: str


async def search(state: ResearchState) -> ResearchState:
    writer = get_stream_writer()
    sources = [
        f"{state['topic']} — overview",
        f"{state['topic']} — field notes",
        f"{state['topic']} — FAQ",
    ]
    for found in sources:
        await asyncio.sleep(0.2 if reading_pace() else 0.0)
        writer({"found": found})
    return {"sources": sources}


async def summarize(state: ResearchState) -> ResearchState:
    listing = "\n".join(f"- {s}" for s in state["sources"])
    reply = await chat_model().ainvoke(
        [("user", f"Summarize what these sources say about {state['topic']}:\n{listing}")]
    )
    return {"notes": reply.text}


research_builder = StateGraph(ResearchState)
research_builder.add_node("search", search)
research_builder.add_node("summarize", summarize)
research_builder.add_edge(START, "search")
research_builder.add_edge("search", "summarize")
research_builder.add_edge("summarize", END)
research = research_builder.compile()


class State(TypedDict, total=False):
    topic: str
    notes: str
    report: str


def plan(state: State) -> State:
    return {"topic": state["topic"].strip()}


async def write(state: State) -> State:
    reply = await chat_model().ainvoke(
        [("user", f"Write a short report on {state['topic']} from these notes:\n{state['notes']}")]
    )
    return {"report": reply.text}


builder = StateGraph(State)
builder.add_node("plan", plan)
builder.add_node("research", research)
builder.add_node("write", write)
builder.add_edge(START, "plan")
builder.add_edge("plan", "research")
builder.add_edge("research", "write")
builder.add_edge("write", END)
graph = builder.compile()

default_input = {"topic": "tide pools"}
