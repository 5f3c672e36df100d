"""The TUI's own CPU: while a model streams 50 tokens/s, and once the run is over.

Each figure is the CPU time (user + system, ``/proc/PID/stat``) of a real
``langgraph-tui run`` process over a window of wall time, as a percentage of one
core. The TUI runs in a pseudo-terminal (130x36, ``TERM=xterm-256color``) whose
output a thread reads and throws away, as a terminal would draw it. The graph is
``benchmarks/graphs/token_stream.py``: one node, one model streaming one-word tokens.

  streaming   the model streams at 50 tokens/s (``BENCH_RATE=50``). The TUI and the
              same run ``--headless`` (its JSONL read from a pipe) run side by side,
              at the same moment; each is measured over the same window (10 s; 3 s
              with --quick) once its first token is out. Reported: the TUI's CPU,
              the headless CPU (the baseline), and the difference: what the screen
              costs on top of the engine. Median of 3 paired runs (1 with --quick).
  idle        a 50-token run that is over (DONE on screen) and nothing changes:
              the TUI's CPU over 10 s (also with --quick), from 1 s after DONE; and
              how many bytes it wrote to the terminal meanwhile, and how often its
              main thread (the app's) woke. The baseline is zero: the headless run
              has exited by then.

Targets: TUI CPU above headless while streaming <= 5 % of a core; idle TUI <= 0.3 %
of a core (no redraw when nothing changed).
"""

from __future__ import annotations

import time

from _bench import Checks, header, median, parse_args, table
from _tui_process import Child, wakeups

RATE = 50
STREAM_TARGET_PCT = 5.0
IDLE_TARGET_PCT = 0.3
IDLE_WINDOW_S = 10.0  # CPU time comes in 10 ms ticks: 0.3 % of 10 s is 3 of them


def streaming(window: float) -> tuple[float, float]:
    """(TUI %, headless %) of a core over ``window`` s while the model streams."""
    tokens = int(RATE * (window + 8))  # the stream outlasts start-up and the window
    tui = Child(tokens, RATE, headless=False, watch=(b"RUNNING", b"DONE"))
    bare = Child(tokens, RATE, headless=True, watch=(b'"kind": "token"',))
    try:
        tui.wait_for(b"RUNNING")
        bare.wait_for(b'"kind": "token"')
        time.sleep(0.5)  # past start-up's own work
        cpu_tui, cpu_bare, t0 = tui.cpu(), bare.cpu(), time.monotonic()
        time.sleep(window)
        cpu_tui, cpu_bare = tui.cpu() - cpu_tui, bare.cpu() - cpu_bare
        wall = time.monotonic() - t0
        if tui.proc.poll() is not None or b"DONE" in tui.seen:
            raise RuntimeError("the stream ended inside the window")
        return 100 * cpu_tui / wall, 100 * cpu_bare / wall
    finally:
        tui.close()
        bare.close()


def idle(window: float) -> tuple[float, int, float]:
    """(TUI % of a core, bytes written, main-thread wake-ups per second) over
    ``window`` s once the run is DONE."""
    tui = Child(50, 0, headless=False, watch=(b"DONE",))
    try:
        tui.wait_for(b"DONE")
        time.sleep(1.0)  # toasts and the last frames settle
        pid = tui.proc.pid
        cpu0, bytes0, woke0, t0 = tui.cpu(), tui.written, wakeups(pid), time.monotonic()
        time.sleep(window)
        used, woke, wall = tui.cpu() - cpu0, wakeups(pid) - woke0, time.monotonic() - t0
        return 100 * used / wall, tui.written - bytes0, woke / wall
    finally:
        tui.close()


def main() -> None:
    args = parse_args(__doc__)
    header("TUI CPU: streaming at 50 tok/s, and idle", args.quick)
    window = 3.0 if args.quick else 10.0
    runs = 1 if args.quick else 3
    pairs = [streaming(window) for _ in range(runs)]
    above = [tui - bare for tui, bare in pairs]
    rows = [("streaming run", "TUI", "headless", "TUI - headless")]
    for n, (tui, bare) in enumerate(pairs, 1):
        rows.append((f"#{n}", f"{tui:.2f} %", f"{bare:.2f} %", f"{tui - bare:+.2f} %"))
    table(rows)
    idles = [idle(IDLE_WINDOW_S) for _ in range(runs)]
    table(
        [
            ("idle run", "TUI", "bytes written", "app thread wake-ups/s"),
            *[
                (f"#{n}", f"{pct:.2f} %", str(written), f"{woke:.1f}")
                for n, (pct, written, woke) in enumerate(idles, 1)
            ],
        ]
    )
    checks = Checks()
    checks.at_most(
        f"TUI CPU above headless at {RATE} tok/s (median)",
        median(above),
        STREAM_TARGET_PCT,
        lambda v: f"{v:.2f} % of a core",
    )
    checks.at_most(
        "idle TUI CPU after DONE (median)",
        median(pct for pct, _, _ in idles),
        IDLE_TARGET_PCT,
        lambda v: f"{v:.2f} % of a core",
    )
    checks.finish()


if __name__ == "__main__":
    main()
