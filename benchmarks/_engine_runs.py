"""What the engine benchmarks share (not a benchmark itself): the growing-state
loop, its bare ``astream`` floor, and a headless run as the CLI makes it.

The loop: one node runs N supersteps in a row (it routes back to itself); each step adds one
400-character ``AIMessage`` to the state's message list (``add_messages``), so the
state at step k holds k messages and every stream part that carries the state
(``values``, the ``debug`` task input and checkpoint) carries all of them.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AnyMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages

from tui.cli.headless import run_headless
from tui.engine.no_input import NO_INPUT
from tui.engine.normalize import STREAM_MODES
from tui.engine.recording import JsonlWriter
from tui.engine.session import Session

MESSAGE_CHARS = 400
INPUT: dict[str, Any] = {"messages": [], "steps": 0}


class LoopState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]
    steps: int


def build_loop(n_steps: int) -> StateGraph:
    def grow(state: LoopState) -> dict[str, Any]:
        step = state["steps"] + 1
        text = (f"step {step} " * 60)[:MESSAGE_CHARS]
        return {"messages": [AIMessage(content=text, id=f"msg-{step}")], "steps": step}

    def route(state: LoopState) -> str:
        return "grow" if state["steps"] < n_steps else END

    builder = StateGraph(LoopState)
    builder.add_node("grow", grow)
    builder.add_edge(START, "grow")
    builder.add_conditional_edges("grow", route, ["grow", END])
    return builder


def recursion_limit(n_steps: int) -> int:
    """Room enough that the run is never near its limit (no "may be looping" notice)."""
    return 2 * n_steps + 10


def run_bare(builder: StateGraph, n_steps: int) -> int:
    """The floor: the graph's own ``astream`` with the engine's five modes and an
    in-memory checkpointer, consumed directly. Returns the parts seen."""
    graph = builder.compile(checkpointer=InMemorySaver())

    async def go() -> int:
        config: dict[str, Any] = {
            "configurable": {"thread_id": "bare"},
            "recursion_limit": recursion_limit(n_steps),
        }
        parts = 0
        async for _part in graph.astream(
            INPUT, config, stream_mode=list(STREAM_MODES), subgraphs=True, version="v2"
        ):
            parts += 1
        return parts

    return asyncio.run(go())


@dataclass
class HeadlessSpec:
    """What ``run_headless`` reads of ``langgraph-tui run --headless``'s arguments."""

    input: Any
    jsonl: str | None = None
    resume: Any = NO_INPUT
    from_checkpoint: str | None = None
    update: dict[str, Any] | None = None
    as_node: str | None = None


def timed_headless_run(session: Session, input: Any, path: Path) -> tuple[float, float]:
    """A headless run as ``langgraph-tui run --headless --jsonl PATH`` makes it
    (``run_headless`` with a ``JsonlWriter`` on a file), then the session closed:
    its (wall, cpu) seconds. A run that does not exit 0 ends the benchmark."""
    writer = JsonlWriter.to_path(path)
    try:
        cpu0, t0 = time.process_time(), time.perf_counter()
        code = run_headless(session, HeadlessSpec(input=input, jsonl=str(path)), writer)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        writer.close()
        session.close()
    if code != 0:
        raise SystemExit(f"the headless run ended with exit code {code}")
    return wall, cpu
