"""Draft, then stop and ask a human to approve or edit (human-in-the-loop).

    langgraph-tui run sample_graphs/human_review.py

The run stops at `review` with an interrupt. Answer "approve" to publish the
draft as is, or send edited text (or {"approved": false, "draft": "..."}) to
have it revised first. Headless, answer on a persistent thread:

    langgraph-tui run sample_graphs/human_review.py --headless --checkpointer sqlite:review.db --thread t1
    langgraph-tui run sample_graphs/human_review.py --headless --checkpointer sqlite:review.db --thread t1 --resume approve
"""

from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from tui.providers import chat_model

APPROVALS = {"approve", "approved", "yes", "y", "ok", "lgtm"}


class State(TypedDict, total=False):
    request: str
    draft: str
    approved: bool
    final: str


async def draft(state: State) -> State:
    reply = await chat_model().ainvoke([("user", f"Write a short draft about {state['request']}.")])
    return {"draft": reply.text}


def review(state: State) -> State:
    answer: Any = interrupt(
        {
            "question": "Approve this draft? Answer 'approve', or send your edited text.",
            "draft": state["draft"],
        }
    )
    if isinstance(answer, dict):
        return {
            "approved": bool(answer.get("approved", True)),
            "draft": answer.get("draft", state["draft"]),
        }
    text = str(answer).strip()
    if text.lower() in APPROVALS:
        return {"approved": True}
    return {"approved": False, "draft": text}


def after_review(state: State) -> str:
    return "publish" if state.get("approved") else "revise"


async def revise(state: State) -> State:
    reply = await chat_model().ainvoke(
        [("user", f"Polish this edited draft about {state['request']}: {state['draft']}")]
    )
    return {"draft": reply.text}


def publish(state: State) -> State:
    return {"final": state["draft"]}


builder = StateGraph(State)
builder.add_node("draft", draft)
builder.add_node("review", review)
builder.add_node("revise", revise)
builder.add_node("publish", publish)
builder.add_edge(START, "draft")
builder.add_edge("draft", "review")
builder.add_conditional_edges("review", after_review, ["publish", "revise"])
builder.add_edge("revise", "publish")
builder.add_edge("publish", END)
graph = builder.compile()

default_input = {"request": "the launch of our terminal debugger"}
