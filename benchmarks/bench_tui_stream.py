"""The TUI under a flood of tokens: RUNNING to DONE on screen, and `x` to CANCELLED.

A real ``langgraph-tui run`` of ``benchmarks/graphs/token_stream.py`` (one node, one
model streaming one-word tokens as fast as it can, yielding to the loop per token)
in a pseudo-terminal (130x36); a thread reads what it writes and notes when a word
first appears: what a user sees, to the read.

  done     20,000 tokens (4,000 with --quick): the time from ``RUNNING`` appearing to
           ``DONE`` appearing. Baseline, in this process, just before each TUI run:
           the same graph's ``graph.astream(..., stream_mode=<the 5 modes>,
           subgraphs=True, version="v2")`` with an ``InMemorySaver``, consumed
           directly (wall time). Median ratio of 5 paired runs (1 with --quick).
           For information, the same run ``--headless`` (its JSONL read from a pipe),
           from its running status to its ``run_finished`` line: the engine's part.
  cancel   400,000 tokens: 1 s after ``RUNNING`` (the stream in full flow) the
           benchmark types ``x``; the time from the key to ``CANCELLED`` appearing.
           Worst of 5 runs (2 with --quick).

Targets: TUI RUNNING->DONE <= 1.5x the bare stream (median of paired runs); `x` to
CANCELLED on screen <= 0.25 s, worst of 5.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from _bench import Checks, header, median, parse_args, table
from _tui_process import Child
from graphs.token_stream import INPUT, build
from langgraph.checkpoint.memory import InMemorySaver

from tui.engine.normalize import STREAM_MODES

DONE_TARGET = 1.5
CANCEL_TARGET_S = 0.25
CANCEL_TOKENS = 400_000


def bare_stream(tokens: int) -> float:
    """Wall time of the graph's own ``astream`` with the session's five modes."""
    graph = build(tokens).compile(checkpointer=InMemorySaver())

    async def go() -> float:
        config: dict[str, Any] = {"configurable": {"thread_id": "bench"}}
        start = time.perf_counter()
        async for _ in graph.astream(
            INPUT, config, stream_mode=list(STREAM_MODES), subgraphs=True, version="v2"
        ):
            pass
        return time.perf_counter() - start

    return asyncio.run(go())


def tui_done(tokens: int) -> float:
    """Seconds from RUNNING to DONE on the TUI's screen."""
    tui = Child(tokens, 0, headless=False, watch=(b"RUNNING", b"DONE"))
    try:
        running = tui.wait_for(b"RUNNING")
        return tui.wait_for(b"DONE") - running
    finally:
        tui.close()


def headless_done(tokens: int) -> float:
    """The same run ``--headless`` (JSONL on a pipe): from its running status to its
    ``run_finished`` line. For information: the engine's share of the TUI's time."""
    running, finished = b'"status": "running"', b'"kind": "run_finished"'
    child = Child(tokens, 0, headless=True, watch=(running, finished))
    try:
        start = child.wait_for(running)
        return child.wait_for(finished) - start
    finally:
        child.close()


def tui_cancel() -> float:
    """Seconds from typing ``x`` mid-flood to CANCELLED on the TUI's screen."""
    tui = Child(CANCEL_TOKENS, 0, headless=False, watch=(b"RUNNING", b"CANCELLED", b"DONE"))
    try:
        tui.wait_for(b"RUNNING")
        time.sleep(1.0)
        if b"DONE" in tui.seen:
            raise RuntimeError("the stream ended before the cancel")
        pressed = tui.type("x")
        return tui.wait_for(b"CANCELLED", timeout=30) - pressed
    finally:
        tui.close()


def main() -> None:
    args = parse_args(__doc__)
    header("TUI under a token flood: RUNNING->DONE, and x->CANCELLED", args.quick)
    tokens = 4_000 if args.quick else 20_000
    runs = 1 if args.quick else 5  # one pair moves 1.2-1.6x on this machine
    bare_stream(500)  # warm-up: imports, first compile
    pairs, headless = [], []
    for _ in range(runs):
        bare = bare_stream(tokens)
        pairs.append((bare, tui_done(tokens)))
        headless.append(headless_done(tokens))
    rows = [(f"{tokens:,} tokens", "bare astream", "TUI RUNNING->DONE", "ratio", "headless (info)")]
    for n, ((bare, tui), alone) in enumerate(zip(pairs, headless, strict=True), 1):
        rows.append(
            (
                f"#{n}",
                f"{bare:.2f} s",
                f"{tui:.2f} s",
                f"{tui / bare:.2f}x",
                f"{alone:.2f} s ({alone / bare:.2f}x)",
            )
        )
    table(rows)
    cancels = [tui_cancel() for _ in range(2 if args.quick else 5)]
    table(
        [
            ("x while streaming", "key -> CANCELLED"),
            *[(f"#{n}", f"{s * 1000:.0f} ms") for n, s in enumerate(cancels, 1)],
        ]
    )
    checks = Checks()
    checks.at_most(
        "TUI RUNNING->DONE / bare astream (median)",
        median(tui / bare for bare, tui in pairs),
        DONE_TARGET,
        lambda v: f"{v:.2f}x",
    )
    checks.at_most(
        "x -> CANCELLED on screen (worst)", max(cancels), CANCEL_TARGET_S, lambda v: f"{v:.3f} s"
    )
    checks.finish()


if __name__ == "__main__":
    main()
