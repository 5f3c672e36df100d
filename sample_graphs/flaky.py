"""A node that keeps failing: its retry policy tries three times, then gives up.

    langgraph-tui run sample_graphs/flaky.py

The run fails at `fetch` with the error and its traceback; `prepare` stays
checkpointed, so resuming retries only `fetch`.
"""

from typing import TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import RetryPolicy

ATTEMPTS = 3


class State(TypedDict, total=False):
    url: str
    prepared: bool
    body: str


class UpstreamUnavailable(ConnectionError):
    pass


def prepare(state: State) -> State:
    return {"prepared": True}


def fetch(state: State) -> State:
    raise UpstreamUnavailable(f"{state['url']} answered 503 Service Unavailable")


builder = StateGraph(State)
builder.add_node("prepare", prepare)
builder.add_node(
    "fetch",
    fetch,
    retry_policy=RetryPolicy(
        max_attempts=ATTEMPTS,
        initial_interval=0.05,
        backoff_factor=2.0,
        jitter=False,
        retry_on=ConnectionError,
    ),
)
builder.add_edge(START, "prepare")
builder.add_edge("prepare", "fetch")
builder.add_edge("fetch", END)
graph = builder.compile()

default_input = {"url": "http://upstream.invalid/report"}
