"""Two steps over ``items`` (with a reducer) and ``count``, for any state schema."""

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph


def first(state) -> dict:
    return {"items": ["first"], "count": state.count + 1}


async def second(state) -> dict:
    return {"items": [f"second saw {state.count}"], "count": state.count * 10}


def two_steps(schema: type) -> CompiledStateGraph:
    builder = StateGraph(schema)
    builder.add_node("first", first)
    builder.add_node("second", second)
    builder.add_edge(START, "first")
    builder.add_edge("first", "second")
    builder.add_edge("second", END)
    return builder.compile()
