"""A TypedDict state and one synchronous LLM node whose tokens stream live.

langgraph-tui run sample_graphs/streaming_node.py --input '{"query": "why is the sky blue?"}'
"""

from typing import TypedDict

from langgraph.graph import END, StateGraph

from tui.providers import chat_model


class State(TypedDict, total=False):
    query: str
    answer: str


def llm(state: State) -> State:
    # A sync node: LangGraph streams its tokens all the same.
    reply = chat_model().invoke([("user", state["query"])])
    return {"answer": reply.text}


builder = StateGraph(State)
builder.add_node("llm", llm)
builder.set_entry_point("llm")
builder.add_edge("llm", END)
graph = builder.compile()

default_input = {"query": "Explain in a few sentences how a rainbow forms in the sky."}
