"""Run every benchmark, one after the other, and summarise PASS/FAIL.

    python benchmarks/run_all.py            # full runs (about 5 minutes)
    python benchmarks/run_all.py --quick    # smoke runs (about 30 seconds)
    python benchmarks/run_all.py ui_frame memory   # only these (name or bench_name)

Each script runs in its own process with this interpreter (no benchmark measures
another's leftovers). Exit status: 0 if every target passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = [
    "engine_throughput",
    "growing_state",
    "tui_memory",
    "ui_frame",
    "memory",
    "big_state",
    "startup",
    "tui_stream",
    "tui_cpu",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick to every benchmark")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args()
    found = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    names = [n.removeprefix("bench_").removesuffix(".py") for n in args.names] or [
        *[n for n in ORDER if n in found],
        *[n for n in found if n not in ORDER],
    ]
    unknown = [n for n in names if n not in found]
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(found)})")

    summary: list[tuple[str, int, float]] = []
    for name in names:
        command = [sys.executable, str(HERE / f"bench_{name}.py")]
        if args.quick:
            command.append("--quick")
        start = time.perf_counter()
        code = subprocess.call(command)
        summary.append((name, code, time.perf_counter() - start))
        print(flush=True)

    print("== summary" + (" (--quick)" if args.quick else ""))
    for name, code, seconds in summary:
        verdict = "PASS" if code == 0 else f"FAIL (exit {code})"
        print(f"   {verdict:<14} bench_{name}.py  {seconds:.1f} s")
    failed = [name for name, code, _ in summary if code != 0]
    print(f"   => {'FAIL: ' + ', '.join(failed) if failed else 'PASS'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
