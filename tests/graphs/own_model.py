"""A graph that builds its own chat model (not from --model), as user graphs do."""

from langgraph.graph import END, START, MessagesState, StateGraph

from tui.providers.scripted import ScriptedChatModel

MODEL = ScriptedChatModel(tokens_per_second=None, model_name="tea-model-7b")


async def chat(state: MessagesState) -> dict:
    return {"messages": [await MODEL.ainvoke(state["messages"])]}


builder = StateGraph(MessagesState)
builder.add_node("chat", chat)
builder.add_edge(START, "chat")
builder.add_edge("chat", END)
graph = builder.compile()

default_input = {"messages": [{"role": "user", "content": "Tell me about tea"}]}
