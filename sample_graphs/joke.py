"""One LLM node on a dataclass state: the smallest graph that streams tokens.

langgraph-tui run sample_graphs/joke.py --input '{"topic": "ice cream"}'
"""

from dataclasses import dataclass

from langgraph.graph import END, START, StateGraph

from tui.providers import chat_model


@dataclass
class JokeState:
    topic: str = "cats"
    joke: str = ""


async def call_model(state: JokeState) -> dict:
    reply = await chat_model().ainvoke([("user", f"Tell me a short joke about {state.topic}.")])
    return {"joke": reply.text}


builder = StateGraph(JokeState)
builder.add_node("call_model", call_model)
builder.add_edge(START, "call_model")
builder.add_edge("call_model", END)
graph = builder.compile()

default_input = {"topic": "ice cream"}
