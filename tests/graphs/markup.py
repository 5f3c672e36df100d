"""Model output and state that look like markup and terminal control sequences."""

from typing import TypedDict

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph

NASTY_TOKENS = "[bold red]boom[/] then a lone [/ and \x1b[2J and [link=http://x]y[/link] end"


class State(TypedDict, total=False):
    note: str
    reply: str


async def talk(state: State) -> State:
    model = GenericFakeChatModel(messages=iter([AIMessage(content=NASTY_TOKENS)]))
    reply = await model.ainvoke("go")
    return {"reply": reply.text, "note": "[link=http://x]y[/link] and \x1b[2J and [/"}


builder = StateGraph(State)
builder.add_node("talk", talk)
builder.add_edge(START, "talk")
builder.add_edge("talk", END)
graph = builder.compile()

default_input = {"note": "[bold]not bold[/bold]"}
