"""A long tool that reports progress through the stream writer (custom events).

langgraph-tui run sample_graphs/custom_progress.py
"""

import asyncio

from langchain_core.tools import tool
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from tui.providers import chat_model, reading_pace

BATCHES = 10
DOCS_PER_BATCH = 12


@tool
async def index_documents(folder: str) -> str:
    """Index every document in a folder. Slow: reports progress as it goes."""
    writer = get_stream_writer()
    # Paced for a person to watch the scripted model; full speed otherwise.
    pause = 0.3 if reading_pace() else 0.0
    for batch in range(1, BATCHES + 1):
        await asyncio.sleep(pause)
        writer(
            {
                "progress": batch / BATCHES,
                "message": f"indexed {batch * DOCS_PER_BATCH} of {BATCHES * DOCS_PER_BATCH} documents",
            }
        )
    return f"Indexed {BATCHES * DOCS_PER_BATCH} documents in {folder}."


async def agent(state: MessagesState) -> dict:
    model = chat_model().bind_tools([index_documents])
    return {"messages": [await model.ainvoke(state["messages"])]}


builder = StateGraph(MessagesState)
builder.add_node("agent", agent)
builder.add_node("tools", ToolNode([index_documents]))
builder.add_edge(START, "agent")
builder.add_conditional_edges("agent", tools_condition, {"tools": "tools", END: END})
builder.add_edge("tools", "agent")
graph = builder.compile()

default_input = {
    "messages": [{"role": "user", "content": "Index the documents in the handbook folder, please."}]
}
