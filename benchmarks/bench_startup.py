"""Start-up: from process start to the first JSONL event, and the app's import time.

Each figure is a fresh ``python`` subprocess (the venv's interpreter, repo root as
cwd), run RUNS times (7; 3 with --quick) after one warm-up, the commands interleaved
so they share the machine's load; medians are reported, with each child's CPU time
(user + sys, from ``wait4``), which a busy machine inflates much less than wall time.

  python -c pass                          the interpreter alone (context)
  baseline: python -c "import langgraph.graph"
  headless: python -m tui run sample_graphs/joke.py --headless --model scripted:fast
            timed to its first stdout line (the first event), and to its exit
  python -c "import textual.app, langgraph.graph"   the floor for the app's imports
  python -c "import tui.app.app"          everything the TUI imports before drawing

Ratios are against the baseline, run by run (median of the paired ratios).
Targets: first event <= 1.6x ``import langgraph.graph`` (wall); ``import
tui.app.app`` <= 1.4x ``import textual.app, langgraph.graph`` in CPU time (the app
adds little of its own; CPU, because the wall-time ratio of two ~0.8 s imports swings
by +-20% on a loaded machine); the headless run does not import Textual at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

from _bench import ROOT, Checks, header, median, parse_args, table

FIRST_EVENT_TARGET = 1.6
APP_IMPORT_TARGET = 1.4
HEADLESS = ["-m", "tui", "run", "sample_graphs/joke.py", "--headless", "--model", "scripted:fast"]
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "baseline: import langgraph.graph": ["-c", "import langgraph.graph"],
    "headless run (first event)": HEADLESS,
    "import textual.app, langgraph.graph": ["-c", "import textual.app, langgraph.graph"],
    "import tui.app.app": ["-c", "import tui.app.app"],
}


@dataclass
class Run:
    wall: float  # to exit
    cpu: float  # user + sys of the child
    first_line: float | None  # to the first stdout line
    first_text: str


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANGGRAPH_TUI_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(args: list[str]) -> Run:
    env = child_env()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    first_at = time.perf_counter() - start if first else None
    proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{args} exited {proc.returncode}: {err.decode()[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, first_at, first.decode().strip())


def import_times(args: list[str]) -> dict[str, int]:
    """Module -> self import time in microseconds, from ``-X importtime``."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    times: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) == 3 and fields[0].strip().isdigit():
            times[fields[2].strip()] = int(fields[0])
    return times


def main() -> None:
    args = parse_args(__doc__)
    runs = 3 if args.quick else 7
    header(f"start-up: {runs} runs of each command", args.quick)
    for command in COMMANDS.values():
        run_once(command)  # warm-up: bytecode caches, file cache
    results: dict[str, list[Run]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, command in COMMANDS.items():
            results[name].append(run_once(command))

    first_event = [r.first_line or r.wall for r in results["headless run (first event)"]]
    base = [r.wall for r in results["baseline: import langgraph.graph"]]
    floor_cpu = [r.cpu for r in results["import textual.app, langgraph.graph"]]
    app_cpu = [r.cpu for r in results["import tui.app.app"]]

    def paired(values: list[float], against: list[float]) -> float:
        return median(v / b for v, b in zip(values, against, strict=True))

    rows = [
        (
            "command",
            "wall median",
            "runs (s)",
            "cpu median",
            "vs baseline (wall)",
            "vs baseline (cpu)",
        )
    ]
    base_cpu = [r.cpu for r in results["baseline: import langgraph.graph"]]
    for name, done in results.items():
        walls = [r.wall for r in done]
        cpus = [r.cpu for r in done]
        label = name.replace(" (first event)", " (to exit)")
        rows.append(
            (
                label,
                f"{median(walls):.3f} s",
                " ".join(f"{w:.2f}" for w in walls),
                f"{median(cpus):.3f} s",
                f"{paired(walls, base):.2f}x",
                f"{paired(cpus, base_cpu):.2f}x",
            )
        )
        if name == "headless run (first event)":
            rows.append(
                (
                    "headless run (to first event)",
                    f"{median(first_event):.3f} s",
                    " ".join(f"{w:.2f}" for w in first_event),
                    "",
                    f"{paired(first_event, base):.2f}x",
                    "",
                )
            )
    table(rows)
    first_text = results["headless run (first event)"][0].first_text
    print(f"   first event: {first_text[:110]}{'…' if len(first_text) > 110 else ''}")
    textual_in_headless = any(m.startswith("textual") for m in import_times(HEADLESS))
    print(f"   the headless run imports textual: {textual_in_headless}")
    floor_modules = import_times(["-c", "import textual.app, langgraph.graph"])
    extra = {
        m: t
        for m, t in import_times(["-c", "import tui.app.app"]).items()
        if m not in floor_modules
    }
    top = sorted(extra.items(), key=lambda item: -item[1])[:5]
    print(
        f"   modules tui.app.app imports beyond that floor: {len(extra)}, {sum(extra.values()) / 1e3:.0f} ms"
        f" self time; largest: {', '.join(f'{m} {t / 1e3:.1f} ms' for m, t in top)}"
    )

    checks = Checks()
    checks.add(
        "first line is a run_started event",
        '"kind": "run_started"' in first_text,
        first_text[:60],
    )
    checks.at_most(
        "first event / import langgraph.graph",
        paired(first_event, base),
        FIRST_EVENT_TARGET,
        lambda x: f"{x:.2f}x",
    )
    checks.at_most(
        "import tui.app.app / import textual.app, langgraph.graph (cpu)",
        paired(app_cpu, floor_cpu),
        APP_IMPORT_TARGET,
        lambda x: f"{x:.2f}x",
    )
    checks.add(
        "headless does not import textual", not textual_in_headless, str(textual_in_headless)
    )
    checks.finish()


if __name__ == "__main__":
    main()
