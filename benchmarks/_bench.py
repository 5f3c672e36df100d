"""Shared plumbing for the benchmark scripts (not a benchmark itself).

Every script measures a baseline and the thing under test in the same process, at
the same moment, and reports the ratio as well as the absolute figures: on a busy
2-core machine the absolute numbers swing, the ratios much less. A script ends with
PASS/FAIL lines for its targets and exits 1 if any target failed, so it can be used
as a check (``benchmarks/run_all.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # ``python benchmarks/bench_x.py`` puts benchmarks/ on the path, not the repo.
    sys.path.insert(0, str(ROOT))


def parse_args(doc: str | None, extra: Callable[[argparse.ArgumentParser], None] | None = None):
    parser = argparse.ArgumentParser(
        description=(doc or "").split("\n\n")[0],
        epilog="Targets and how they were chosen: benchmarks/README.md",
    )
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (smaller sizes)")
    if extra is not None:
        extra(parser)
    return parser.parse_args()


def header(title: str, quick: bool) -> None:
    versions = []
    for dist in ("langgraph", "langchain-core", "textual", "rich"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{dist} {metadata.version(dist)}")
    load = ""
    if hasattr(os, "getloadavg"):
        load = " load " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"== {title}{' (--quick)' if quick else ''}")
    print(
        f"   python {platform.python_version()} on {os.cpu_count()} cpus;{load}; {', '.join(versions)}"
    )


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def ratio(measured: float, baseline: float) -> str:
    if baseline <= 0:
        return "n/a"
    return f"{measured / baseline:.2f}x"


def size(n_bytes: float) -> str:
    value = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if abs(value) < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def table(rows: list[tuple[str, ...]], indent: str = "   ") -> None:
    """Print rows as aligned columns; the first row is the heading."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        print(indent + "  ".join(cells).rstrip())
        if n == 0:
            print(indent + "  ".join("-" * w for w in widths))


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


class Checks:
    """PASS/FAIL lines against targets; ``finish`` exits non-zero on any FAIL."""

    def __init__(self) -> None:
        self.items: list[Check] = []

    def add(self, name: str, ok: bool, detail: str) -> None:
        self.items.append(Check(name, ok, detail))

    def at_most(
        self, name: str, measured: float, target: float, fmt: Callable[[float], str]
    ) -> None:
        self.add(name, measured <= target, f"{fmt(measured)} (target <= {fmt(target)})")

    def finish(self) -> None:
        print("   targets:")
        for check in self.items:
            print(f"   {'PASS' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
        failed = [c for c in self.items if not c.ok]
        print(
            f"   => {'FAIL' if failed else 'PASS'} ({len(self.items) - len(failed)}/{len(self.items)})"
        )
        sys.stdout.flush()
        raise SystemExit(1 if failed else 0)


def frame(app: Any) -> None:
    """One whole frame of a ``DebuggerApp`` now, its clock ticking (the drain and the
    panes' sync; the paint follows at the next pause). The frame pacer would skip a
    frame sooner than the app's frame budget allows, or show the clock's figures only
    ten times a second: these benchmarks time the frame itself, at its costliest."""
    app._pacer.urgent = True
    app._pacer._last_tick = float("-inf")
    app._drain()
