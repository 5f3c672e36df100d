"""A chat graph compiled with its own module-level checkpointer, as many apps are:
a test that reused a thread id would continue an earlier test's conversation."""

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph

from tui.providers import chat_model


async def chat(state: MessagesState) -> dict:
    return {"messages": [await chat_model().ainvoke(state["messages"])]}


builder = StateGraph(MessagesState)
builder.add_node("chat", chat)
builder.add_edge(START, "chat")
graph = builder.compile(checkpointer=InMemorySaver())

default_input = {"messages": [{"role": "user", "content": "Tell me about owls"}]}
