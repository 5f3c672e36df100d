"""Headless run on a growing state: 1,000 supersteps, each adding one 400-character
message to the state's message list (200 with --quick).

  bare      ``graph.astream(..., stream_mode=<the 5 modes>, subgraphs=True,
            version="v2")`` with an ``InMemorySaver``, consumed directly: the floor.
            LangGraph itself does work that grows with the state at every step (the
            checkpointer serializes the whole message list), so it is not linear.
  headless  ``langgraph-tui run --headless --jsonl FILE`` in process: a ``Session``
            on the same graph, ``run_headless`` with a ``JsonlWriter`` on a file in a
            temporary folder, timed until it returns. Every step's ``values``
            carries the whole state in the JSONL (its ``checkpoint`` and the next
            ``task_started`` refer to it: ``tui/engine/state_once.py``).

Paired runs (5; 2 with --quick), in alternating order after a warm-up; each headless
run is divided by the bare run paired with it, and the median ratio is the figure
(wall time; CPU time of the process is printed too).

Target: headless / bare <= 1.3: the debugger's per-step cost must follow what the
step changed, not the size of the whole state.
"""

from __future__ import annotations

import gc
import tempfile
import time
from pathlib import Path

from _bench import Checks, header, median, parse_args, size, table
from _engine_runs import INPUT, build_loop, recursion_limit, run_bare, timed_headless_run

from tui.engine.session import Session, SessionOptions

TARGET = 1.3


def headless(builder, n_steps: int, folder: Path) -> tuple[float, float, int]:
    session = Session(
        builder.compile(),
        name="loop",
        default_input=INPUT,
        options=SessionOptions(recursion_limit=recursion_limit(n_steps)),
    )
    path = folder / "run.jsonl"
    wall, cpu = timed_headless_run(session, INPUT, path)
    written = path.stat().st_size
    path.unlink()
    return wall, cpu, written


def bare(builder, n_steps: int) -> tuple[float, float, int]:
    cpu0, t0 = time.process_time(), time.perf_counter()
    parts = run_bare(builder, n_steps)
    return time.perf_counter() - t0, time.process_time() - cpu0, parts


def main() -> None:
    args = parse_args(__doc__)
    # Five pairs: on this machine one pair's ratio swings between 1.1x and 1.45x.
    n_steps, pairs = (200, 2) if args.quick else (1_000, 5)
    header(f"growing state: {n_steps:,} supersteps, {pairs} paired runs", args.quick)
    builder = build_loop(n_steps)
    with tempfile.TemporaryDirectory(prefix="bench-growing-") as tmp:
        folder = Path(tmp)
        warm = build_loop(20)
        bare(warm, 20)
        headless(warm, 20, folder)
        runs: dict[str, list[tuple[float, float]]] = {"bare": [], "headless": []}
        written = parts = 0
        for pair in range(pairs):
            for name in ("bare", "headless") if pair % 2 == 0 else ("headless", "bare"):
                gc.collect()
                if name == "bare":
                    wall, cpu, parts = bare(builder, n_steps)
                else:
                    wall, cpu, written = headless(builder, n_steps, folder)
                runs[name].append((wall, cpu))
    ratios = [h[0] / b[0] for h, b in zip(runs["headless"], runs["bare"], strict=True)]
    cpu_ratios = [h[1] / b[1] for h, b in zip(runs["headless"], runs["bare"], strict=True)]
    rows = [("run", "wall s (median)", "runs (s)", "cpu s (median)", "per step")]
    for name, values in runs.items():
        wall = median(w for w, _ in values)
        rows.append(
            (
                name,
                f"{wall:.2f}",
                " ".join(f"{w:.2f}" for w, _ in values),
                f"{median(c for _, c in values):.2f}",
                f"{wall / n_steps * 1e3:.2f} ms",
            )
        )
    table(rows)
    print(
        f"   bare: {parts:,} stream parts; headless wrote {size(written)} of JSONL;"
        f" ratios per pair: {' '.join(f'{r:.2f}x' for r in ratios)}"
        f" (cpu {' '.join(f'{r:.2f}x' for r in cpu_ratios)})"
    )
    checks = Checks()
    checks.at_most(
        "headless / bare (wall, median of paired runs)",
        median(ratios),
        TARGET,
        lambda x: f"{x:.2f}x",
    )
    checks.finish()


if __name__ == "__main__":
    main()
