"""First frame: from process start to the TUI's first drawn frame, for a graph whose import takes 1.5 s.

Each figure is a fresh process in a pseudo-terminal (130x36, ``TERM=xterm-256color``,
the venv's interpreter, repo root as cwd), run RUNS times (5; 2 with --quick) after
one warm-up, the commands interleaved so they share the machine's load. The output is
read as it comes; a frame counts as drawn when its text reaches the terminal.

  floor:  a bare Textual app (one Static) to its first frame, in the same terminal;
          and ``python -c "import textual.app"`` to exit (context)
  TUI:    ``python -m tui run benchmarks/graphs/slow_import.py`` (its module sleeps
          1.5 s at import, then builds a one-node graph), timed to
            first frame   the pane titles ("Timeline") on screen
            loading       the word "LOADING" on screen (the graph loads behind it)
            done          the run's DONE on screen (the graph loaded and ran)
          then ``q``, which must exit 0.

Medians are reported, with the ratio to the bare Textual app's first frame (paired
run by run). Targets: first frame <= 0.8 s (median), drawn before the graph has
loaded (the LOADING state is on screen first); the run still reaches DONE and q
exits 0.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field

from _bench import ROOT, Checks, header, median, parse_args, table

FIRST_FRAME_TARGET_S = 0.8
SIZE = (130, 36)
TIMEOUT_S = 30.0
SLOW_GRAPH = "benchmarks/graphs/slow_import.py"
FLOOR_APP = """
from textual.app import App
from textual.widgets import Static

class Floor(App):
    def compose(self):
        yield Static("Timeline (the floor)")

    def on_key(self, event):
        self.exit()

Floor().run()
"""
MARKS = {"first frame": b"Timeline", "loading": b"LOADING", "done": b" DONE "}


@dataclass
class Run:
    seen: dict[str, float] = field(default_factory=dict)
    code: int | None = None
    tail: str = ""


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANGGRAPH_TUI_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(TERM="xterm-256color", COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]))
    return env


def in_terminal(args: list[str], until: str) -> Run:
    """Start ``python ARGS`` in a pseudo-terminal; note when each mark first shows; once
    ``until`` has shown (or the timeout), press q and wait for the exit."""
    master, slave = pty.openpty()
    cols, rows = SIZE
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=child_env(),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    run = Run()
    output = b""
    try:
        while time.perf_counter() - start < TIMEOUT_S and until not in run.seen:
            ready, _, _ = select.select([master], [], [], 0.01)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                output += os.read(master, 65536)
            except OSError:
                break
            now = time.perf_counter() - start
            for name, mark in MARKS.items():
                if name not in run.seen and mark in output:
                    run.seen[name] = now
        os.write(master, b"q")
        deadline = time.perf_counter() + TIMEOUT_S
        while proc.poll() is None and time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    output += os.read(master, 65536)
                except OSError:
                    break
        run.code = proc.wait(timeout=TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    run.tail = output[-1500:].decode("utf-8", "replace")
    return run


def exit_time(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, env=child_env(), check=True)
    return time.perf_counter() - start


def main() -> None:
    args = parse_args(__doc__)
    runs = 2 if args.quick else 5
    header(f"first frame: {runs} runs of each, a {SIZE[0]}x{SIZE[1]} pseudo-terminal", args.quick)
    tui = ["-m", "tui", "run", SLOW_GRAPH]
    floor_app = ["-c", FLOOR_APP]
    import_textual = ["-c", "import textual.app"]
    in_terminal(floor_app, "first frame")  # warm-up: bytecode caches, file cache
    in_terminal(tui, "done")
    floors: list[Run] = []
    tuis: list[Run] = []
    imports: list[float] = []
    for _ in range(runs):
        floors.append(in_terminal(floor_app, "first frame"))
        imports.append(exit_time(import_textual))
        tuis.append(in_terminal(tui, "done"))

    def times(done: list[Run], name: str) -> list[float]:
        return [r.seen.get(name, TIMEOUT_S) for r in done]

    floor = times(floors, "first frame")
    first = times(tuis, "first frame")
    rows = [("what", "median", "runs (s)", "vs bare Textual app")]

    def row(label: str, values: list[float]) -> None:
        if any(v >= TIMEOUT_S for v in values):  # a mark that never showed
            rows.append(
                (
                    label,
                    "never",
                    " ".join("-" if v >= TIMEOUT_S else f"{v:.2f}" for v in values),
                    "",
                )
            )
            return
        ratios = [v / f for v, f in zip(values, floor, strict=True)]
        rows.append(
            (
                label,
                f"{median(values):.3f} s",
                " ".join(f"{v:.2f}" for v in values),
                f"{median(ratios):.2f}x",
            )
        )

    row("floor: import textual.app (to exit)", imports)
    row("floor: bare Textual app, first frame", floor)
    row("TUI: first frame", first)
    row("TUI: LOADING on screen", times(tuis, "loading"))
    row("TUI: graph loaded, run DONE on screen", times(tuis, "done"))
    table(rows)

    checks = Checks()
    checks.at_most(
        "TUI first frame (median)", median(first), FIRST_FRAME_TARGET_S, lambda s: f"{s:.2f} s"
    )
    loading_first = [
        "loading" in r.seen and r.seen["loading"] < r.seen.get("done", TIMEOUT_S) for r in tuis
    ]
    checks.add(
        "the frame comes first: LOADING on screen before the run",
        all(loading_first),
        f"{sum(loading_first)}/{len(tuis)} runs",
    )
    done = ["done" in r.seen for r in tuis]
    checks.add("the graph loads and runs to DONE", all(done), f"{sum(done)}/{len(tuis)} runs")
    codes = [r.code for r in tuis]
    checks.add("q exits 0", all(c == 0 for c in codes), f"exit codes {codes}")
    if not all(done) or not all(c == 0 for c in codes):
        print("   last screen output of a failed run:", repr(tuis[-1].tail[-600:]))
    checks.finish()


if __name__ == "__main__":
    main()
