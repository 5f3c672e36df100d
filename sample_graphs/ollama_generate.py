"""Question in, answer out, through one `generate` node; made for a local model.

    langgraph-tui run sample_graphs/ollama_generate.py --model ollama:llama3.2

Without --model it runs offline on the scripted model like every sample.
"""

from typing import TypedDict

from langgraph.graph import END, START, StateGraph

from tui.providers import chat_model


class State(TypedDict, total=False):
    question: str
    answer: str


async def generate(state: State) -> State:
    messages = [
        ("system", "You are a concise assistant. Answer in at most three sentences."),
        ("user", state["question"]),
    ]
    reply = await chat_model().ainvoke(messages)
    return {"answer": reply.text}


builder = StateGraph(State)
builder.add_node("generate", generate)
builder.add_edge(START, "generate")
builder.add_edge("generate", END)
graph = builder.compile()

default_input = {"question": "What is the difference between a process and a thread?"}
