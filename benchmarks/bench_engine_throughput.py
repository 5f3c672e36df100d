"""Token throughput through the engine: what a Session adds on top of LangGraph's stream.

Graph: one node that awaits a tiny in-process chat model streaming N one-word chunks
(20,000; 2,000 with --quick) as fast as it can (it yields to the loop per chunk, like
the scripted model and a real HTTP stream do). Checkpointer: InMemorySaver in all
variants, as the Session always has one.

  baseline  ``graph.astream(..., stream_mode=<the 5 modes>, subgraphs=True,
            version="v2")`` consumed directly in this thread; counts parts.
  inline    the same loop plus what the engine does per part, on the same thread:
            ``Normalizer.events_for`` and the ``LlmStatsHandler`` callback. (Shows
            where the overhead goes; no target.)
  session   ``tui.engine.session.Session``: its own engine thread and loop, events
            stamped and queued; this thread drains the queue at 30 Hz, as the app
            does. Timed from ``start()`` to the moment ``run_finished`` is emitted.
  headless  ``langgraph-tui run --headless --jsonl FILE`` in process: a ``Session``
            and ``run_headless`` with a ``JsonlWriter`` on a file in a temporary
            folder (every event written as a line, as a user's run does). Timed
            until ``run_headless`` returns.

Each variant runs 7 times (3 with --quick) after a warm-up, each time right beside a
baseline run of its own (before it, then after it, by turns): its ratio is to that
run. Medians are reported.
Targets (median of paired runs): headless time / baseline time <= 1.25: a headless
run adds at most a quarter to what LangGraph's own stream costs for the same tokens;
and session time / baseline time <= 2.0 (the engine without the writer, drained by a
consumer as the app drains it).
"""

from __future__ import annotations

import asyncio
import collections
import gc
import io
import json
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from _bench import Checks, header, median, parse_args, table
from _engine_runs import timed_headless_run
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, MessagesState, StateGraph

from tui.engine.jsonify import Jsonifier
from tui.engine.llm_stats import LlmStatsHandler
from tui.engine.normalize import STREAM_MODES, Normalizer
from tui.engine.recording import JsonlWriter
from tui.engine.session import Session, SessionOptions

TARGET_OVERHEAD = 2.0
TARGET_HEADLESS = 1.25
INPUT = {"messages": [{"role": "user", "content": "stream please"}]}


class FloodChatModel(BaseChatModel):
    """Streams ``chunks`` one-word chunks with no delay; usage on the last one."""

    chunks: int = 1000

    @property
    def _llm_type(self) -> str:
        return "flood"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        text = "".join(_word(i) for i in range(self.chunks))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    async def _astream(
        self, messages, stop=None, run_manager=None, **kwargs: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        for i in range(self.chunks):
            chunk = AIMessageChunk(content=_word(i))
            if i == self.chunks - 1:
                chunk.chunk_position = "last"
                chunk.usage_metadata = UsageMetadata(
                    input_tokens=3, output_tokens=self.chunks, total_tokens=self.chunks + 3
                )
            await asyncio.sleep(0)
            if run_manager:
                await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield ChatGenerationChunk(message=chunk)


def _word(i: int) -> str:
    return f"w{i % 997} "


def build_graph(chunks: int):
    model = FloodChatModel(chunks=chunks)

    async def agent(state: MessagesState) -> dict:
        reply = await model.ainvoke(state["messages"])
        return {"messages": [reply]}

    builder = StateGraph(MessagesState)
    builder.add_node("agent", agent)
    builder.add_edge(START, "agent")
    builder.add_edge("agent", END)
    return builder


def run_baseline(builder, inline: bool) -> tuple[float, float, collections.Counter]:
    graph = builder.compile(checkpointer=InMemorySaver())
    counts: collections.Counter = collections.Counter()

    async def go() -> tuple[float, float]:
        config: dict[str, Any] = {"configurable": {"thread_id": "bench"}}
        normalizer = Normalizer(Jsonifier())
        cpu0, t0 = time.process_time(), time.perf_counter()
        if inline:
            sink: list = []
            config["callbacks"] = [LlmStatsHandler(sink.append, time.monotonic)]
        async for part in graph.astream(
            INPUT, config, stream_mode=list(STREAM_MODES), subgraphs=True, version="v2"
        ):
            counts[part["type"]] += 1
            if inline:
                for event in normalizer.events_for(part, time.monotonic() - t0):
                    counts["event:" + event.kind] += 1
        return time.perf_counter() - t0, time.process_time() - cpu0

    wall, cpu = asyncio.run(go())
    return wall, cpu, counts


def run_session(builder) -> tuple[float, float, collections.Counter]:
    session = Session(
        builder.compile(), name="flood", default_input=INPUT, options=SessionOptions()
    )
    finished = threading.Event()
    stamp: dict[str, float] = {}

    def listener(event) -> None:
        if event.kind == "run_finished":
            stamp["end"], stamp["cpu"] = time.perf_counter(), time.process_time()
            finished.set()

    session.add_listener(listener)
    counts: collections.Counter = collections.Counter()
    try:
        cpu0, t0 = time.process_time(), time.perf_counter()
        session.start().result(timeout=60)
        while True:
            for event in session.drain():
                counts[event.kind] += 1
            if finished.is_set() and counts["run_finished"]:
                break
            if time.perf_counter() - t0 > 120:
                raise RuntimeError("the session run did not finish in 120 s")
            time.sleep(1 / 30)  # the app drains once per frame
        return stamp["end"] - t0, stamp["cpu"] - cpu0, counts
    finally:
        session.close()


def run_headless(builder, folder: Path) -> tuple[float, float, collections.Counter]:
    session = Session(
        builder.compile(), name="flood", default_input=INPUT, options=SessionOptions()
    )
    path = folder / "flood.jsonl"
    counts: collections.Counter = collections.Counter()
    wall, cpu = timed_headless_run(session, INPUT, path)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            counts[json.loads(line)["kind"]] += 1
    path.unlink()
    return wall, cpu, counts


def per_token_costs(builder) -> dict[str, float]:
    """Microseconds per token for each step of the engine's token path (the one a
    plain text chunk takes), each in a tight loop."""
    graph = builder.compile(checkpointer=InMemorySaver())

    async def grab() -> list[dict[str, Any]]:
        config = {"configurable": {"thread_id": "micro"}}
        modes = list(STREAM_MODES)
        stream = graph.astream(INPUT, config, stream_mode=modes, subgraphs=True, version="v2")
        return [part async for part in stream if part["type"] == "messages"]

    part = asyncio.run(grab())[1]
    n = 20_000
    normalizer = Normalizer(Jsonifier())
    t0 = time.perf_counter()
    tokens = [normalizer.plain_token(part) for _ in range(n)]
    normalize = (time.perf_counter() - t0) / n
    session = Session(graph, name="micro")
    try:
        session.listeners_only()
        writer = JsonlWriter(io.StringIO())
        session.add_listener(writer)
        emit = session._bus.emit_token  # the step itself, timed
        generation = session._bus.generation
        t0 = time.perf_counter()
        for token in tokens:
            emit(token, generation)
        writer.close()
        emit_and_write = (time.perf_counter() - t0) / n
    finally:
        session.close()
    return {"normalize": normalize * 1e6, "emit": emit_and_write * 1e6}


def main() -> None:
    args = parse_args(__doc__)
    # Seven pairs: a bare run here takes 1.8-2.6 s within one quiet minute.
    chunks, reps = (2_000, 3) if args.quick else (20_000, 7)
    header(f"engine throughput: {chunks:,} chunks, {reps} runs of each variant", args.quick)

    folder = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    warm = build_graph(500)
    run_baseline(warm, inline=False)
    run_baseline(warm, inline=True)
    run_session(warm)
    run_headless(warm, folder)

    builder = build_graph(chunks)
    names = ("baseline", "inline", "session", "headless")
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    ratios: dict[str, list[float]] = {name: [] for name in names}
    cpu_ratios: dict[str, list[float]] = {name: [] for name in names}
    counts: dict[str, collections.Counter] = {}

    def run(name: str) -> tuple[float, float]:
        gc.collect()
        if name == "session":
            elapsed, used, counted = run_session(builder)
        elif name == "headless":
            elapsed, used, counted = run_headless(builder, folder)
        else:
            elapsed, used, counted = run_baseline(builder, inline=name == "inline")
        wall[name].append(elapsed)
        cpu[name].append(used)
        counts[name] = counted
        return elapsed, used

    variants = names[1:]
    for rep in range(reps):
        # Each variant runs right beside a baseline run of its own (the machine's speed
        # drifts by 10-20% over seconds), first or second by turns; the variants take
        # turns too.
        for variant in variants[rep % 3 :] + variants[: rep % 3]:
            pair = ("baseline", variant) if rep % 2 == 0 else (variant, "baseline")
            measured = dict(zip(pair, (run(pair[0]), run(pair[1])), strict=True))
            ratios[variant].append(measured[variant][0] / measured["baseline"][0])
            cpu_ratios[variant].append(measured[variant][1] / measured["baseline"][1])
    ratios["baseline"] = cpu_ratios["baseline"] = [1.0]

    parts = sum(v for k, v in counts["baseline"].items() if not k.startswith("event:"))
    events = sum(counts["session"].values())
    tokens = counts["session"]["token"]
    wall_ratio = {n: median(ratios[n]) for n in names}
    cpu_ratio = {n: median(cpu_ratios[n]) for n in names}
    rows = [
        (
            "variant",
            "wall s (median)",
            "runs (s)",
            "cpu s",
            "items",
            "items/s",
            "tokens/s",
            "wall ratio",
            "cpu ratio",
        )
    ]
    for name, items, label in (
        ("baseline", parts, "parts"),
        ("inline", parts, "parts"),
        ("session", events, "events"),
        ("headless", sum(counts["headless"].values()), "lines"),
    ):
        t = median(wall[name])
        rows.append(
            (
                name,
                f"{t:.3f}",
                " ".join(f"{x:.2f}" for x in wall[name]),
                f"{median(cpu[name]):.3f}",
                f"{items:,} {label}",
                f"{items / t:,.0f}",
                f"{chunks / t:,.0f}",
                f"{wall_ratio[name]:.2f}x",
                f"{cpu_ratio[name]:.2f}x",
            )
        )
    table(rows)
    kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(counts["session"].items()))
    print(f"   session events: {kinds}")
    print(f"   baseline parts: {dict(counts['baseline'])}")
    per_token = (median(wall["session"]) - median(wall["baseline"])) / chunks
    raw_per_token = median(wall["baseline"]) / chunks
    micro = per_token_costs(build_graph(50))
    print(
        f"   per token: raw stream {raw_per_token * 1e6:.1f} us; the session adds {per_token * 1e6:+.1f} us"
        f" (wall), of which Normalizer.plain_token {micro['normalize']:.1f} us, EventBus.emit_token"
        f" with the writer {micro['emit']:.1f} us (tight loops); the rest is the"
        " LlmStatsHandler callback dispatch and the two threads sharing the GIL"
    )

    checks = Checks()
    checks.add(
        "every chunk became a token event",
        tokens == chunks,
        f"{tokens:,} token events for {chunks:,} chunks",
    )
    checks.add(
        "the headless run wrote every chunk as a token line",
        counts["headless"]["token"] == chunks,
        f"{counts['headless']['token']:,} token lines for {chunks:,} chunks",
    )
    checks.at_most(
        "headless run / raw stream (wall, median of paired runs)",
        wall_ratio["headless"],
        TARGET_HEADLESS,
        lambda x: f"{x:.2f}x",
    )
    checks.at_most(
        "session overhead (session wall / raw stream wall, median of paired runs)",
        wall_ratio["session"],
        TARGET_OVERHEAD,
        lambda x: f"{x:.2f}x",
    )
    folder.rmdir()
    checks.finish()


if __name__ == "__main__":
    main()
