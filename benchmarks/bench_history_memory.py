"""Memory the app's view holds over a long loop whose state grows every step.

A 1,000-step loop (200 with --quick) where each step adds one 400-character message
to the state's message list: the events the engine emits per step (the task's input,
its update and result, ``values`` and the ``checkpoint``, each carrying its own JSON
of the state, as the engine makes one per event) are folded into a
``RunView`` step by step, as frames do, and dropped once applied.

Held by the view (tracemalloc, after a full collection) at N/2 and N steps.

Baseline (same process): the final state as JSON, one copy, its texts included (what
showing the latest step needs at the least).

Targets: at N steps the view holds at most 6x one copy of the final state (it keeps
the latest checkpoint, its parent, the live values and the last steps' task inputs,
and fetches older states from the checkpointer when they are looked at); and it grows
at most linearly with steps: held(N) / held(N/2) <= 2.5 (holding every step's state,
as it did before, grows with the square: ~4).
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator
from typing import Any

from _bench import Checks, header, parse_args, size, table

from tui.app.view.run_view import RunView
from tui.engine.events import (
    Checkpoint,
    Event,
    RunStarted,
    Status,
    TaskFinished,
    TaskStarted,
    Update,
    Values,
)

MESSAGE_CHARS = 400
HELD_TARGET = 6.0
GROWTH_TARGET = 2.5


def _message(step: int) -> dict[str, Any]:
    """A message as the engine's JSON of an ``AIMessage`` (a fresh dict each time)."""
    return {"type": "ai", "content": _TEXTS[step], "id": f"msg-{step}"}


_TEXTS: dict[int, str] = {}


def steps(n: int) -> Iterator[list[Event]]:
    """Each step's events, made as the step happens: every event carries its own JSON
    of the state (as the engine's, made per event), sharing only the message texts."""
    yield [
        RunStarted(graph="loop", thread_id="t1", input={"messages": []}, stream_modes=[]),
        Status(status="running"),
    ]
    for step in range(1, n + 1):
        _TEXTS[step] = (f"step {step} " * 60)[:MESSAGE_CHARS]
        task = f"task-{step}"

        def state(upto: int) -> dict[str, Any]:
            return {"messages": [_message(s) for s in range(1, upto + 1)]}

        yield [
            TaskStarted(step=step, node="loop", task_id=task, input=state(step - 1), t=step),
            Update(node="loop", update={"messages": [_message(step)]}, t=step),
            TaskFinished(
                step=step,
                node="loop",
                task_id=task,
                status="ok",
                duration_s=0.01,
                result={"messages": [_message(step)]},
                t=step,
            ),
            Values(values=state(step), t=step),
            Checkpoint(
                step=step,
                checkpoint_id=f"cp-{step:06d}",
                parent_id=f"cp-{step - 1:06d}",
                next=["loop"],
                values=state(step),
                t=step,
            ),
        ]


def held(n: int) -> tuple[int, RunView]:
    _TEXTS.clear()
    gc.collect()
    tracemalloc.start()
    try:
        view = RunView()
        for batch in steps(n):
            view.apply(batch)
            view.take_dirty()
            del batch
        gc.collect()
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return current, view


def one_state(n: int) -> int:
    """The final state as JSON, its texts included (as the view holds them)."""
    _TEXTS.clear()
    gc.collect()
    tracemalloc.start()
    try:
        for step in range(1, n + 1):
            _TEXTS[step] = (f"step {step} " * 60)[:MESSAGE_CHARS]
        state = {"messages": [_message(s) for s in range(1, n + 1)]}
        gc.collect()
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del state
    return current


def main() -> None:
    args = parse_args(__doc__)
    n = 200 if args.quick else 1_000
    header(f"history memory: a {n:,}-step loop with a growing message list", args.quick)
    base = one_state(n)
    half, _ = held(n // 2)
    full, view = held(n)
    kept = sum(1 for info in view.checkpoints.values() if info.values is not None)
    table(
        [
            ("what", "bytes", "vs one state"),
            ("one copy of the final state (baseline)", size(base), "1.00x"),
            (f"view after {n // 2:,} steps", size(half), f"{half / base:.2f}x"),
            (f"view after {n:,} steps", size(full), f"{full / base:.2f}x"),
        ]
    )
    print(f"   checkpoints known {len(view.checkpoints):,}, states held {kept}")
    growth = full / half
    checks = Checks()
    checks.at_most(
        f"view after {n:,} steps, in copies of the final state",
        full / base,
        HELD_TARGET,
        lambda x: f"{x:.2f}x",
    )
    checks.at_most(
        f"growth from {n // 2:,} to {n:,} steps (linear: 2x)",
        growth,
        GROWTH_TARGET,
        lambda x: f"{x:.2f}x",
    )
    checks.finish()


if __name__ == "__main__":
    main()
