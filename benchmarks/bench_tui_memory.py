"""Peak memory of the TUI over the growing-state loop: 1,000 supersteps, each adding
one 400-character message to the state's message list (200 with --quick).

Each figure is a fresh child process's peak RSS (``ru_maxrss``), so no run inherits
another's heap:

  bare  the graph's own ``astream`` with the engine's five stream modes and an
        ``InMemorySaver``, consumed directly (the floor; LangGraph's checkpointer
        keeps a serialized copy of the whole state per step, so it grows faster
        than linearly by itself)
  tui   the real ``DebuggerApp`` on a ``Session`` on the same graph, headless under
        Textual's Pilot (``run_test``, 120x36), from mount until the status bar's
        run is DONE and the last events are folded in

Both at N/2 and N steps. Targets: tui(N) <= 1.5 x bare(N) + 50 MB; and what the TUI
holds above the floor grows linearly with steps: (tui - bare)(N) / (tui - bare)(N/2)
<= 2.5 (holding every step's whole state would make it ~4).
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import time

from _bench import Checks, header, parse_args, size, table
from _engine_runs import INPUT, build_loop, recursion_limit, run_bare

RATIO = 1.5
ALLOWANCE = 50 * 1024 * 1024
GROWTH_TARGET = 2.5


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KB on Linux


def child_bare(n_steps: int) -> dict[str, float]:
    t0 = time.perf_counter()
    run_bare(build_loop(n_steps), n_steps)
    return {"peak": peak_rss(), "wall": time.perf_counter() - t0}


def child_tui(n_steps: int) -> dict[str, float]:
    from tui.app.app import DebuggerApp
    from tui.engine.session import Session, SessionOptions
    from tui.engine.status import RunStatus

    session = Session(
        build_loop(n_steps).compile(),
        name="loop",
        default_input=INPUT,
        options=SessionOptions(recursion_limit=recursion_limit(n_steps)),
    )
    app = DebuggerApp(session, first_input=INPUT)

    async def drive() -> float:
        t0 = time.perf_counter()
        async with app.run_test(headless=True, size=(120, 36)) as pilot:
            while app.model.status != RunStatus.DONE:
                if time.perf_counter() - t0 > 600:
                    raise SystemExit(f"the run did not finish: {app.model.status}")
                await pilot.pause(0.05)
            await pilot.pause()
            wall = time.perf_counter() - t0
            steps = max((c.step for c in app.model.checkpoints.values()), default=-1)
            if steps != n_steps:
                raise SystemExit(f"the app saw {steps} steps, not {n_steps}")
        return wall

    try:
        wall = asyncio.run(drive())
    finally:
        session.close()
    return {"peak": peak_rss(), "wall": wall}


def measure(kind: str, n_steps: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(n_steps)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        run = child_bare if sys.argv[2] == "bare" else child_tui
        print(json.dumps(run(int(sys.argv[3]))))
        return
    args = parse_args(__doc__)
    n_steps = 200 if args.quick else 1_000
    header(f"TUI memory: the {n_steps:,}-step growing-state loop", args.quick)
    results = {
        (kind, n): measure(kind, n) for n in (n_steps // 2, n_steps) for kind in ("bare", "tui")
    }
    rows = [("run", "steps", "peak RSS", "vs bare", "above bare", "wall s")]
    for (kind, n), r in results.items():
        base = results[("bare", n)]["peak"]
        rows.append(
            (
                kind,
                f"{n:,}",
                size(r["peak"]),
                f"{r['peak'] / base:.2f}x",
                size(r["peak"] - base),
                f"{r['wall']:.1f}",
            )
        )
    table(rows)
    bare_n, tui_n = results[("bare", n_steps)]["peak"], results[("tui", n_steps)]["peak"]
    half = n_steps // 2
    above_half = results[("tui", half)]["peak"] - results[("bare", half)]["peak"]
    growth = (tui_n - bare_n) / above_half if above_half > 0 else 0.0
    checks = Checks()
    checks.at_most(
        f"tui peak RSS at {n_steps:,} steps (target 1.5 x bare + 50 MB)",
        tui_n,
        RATIO * bare_n + ALLOWANCE,
        size,
    )
    checks.at_most(
        f"growth of what the tui holds above bare, {half:,} -> {n_steps:,} steps",
        growth,
        GROWTH_TARGET,
        lambda x: f"{x:.2f}x",
    )
    checks.finish()


if __name__ == "__main__":
    main()
