"""What a streamed token costs, in CPU instructions: a profile, not a benchmark (no
target; ``run_all.py`` does not run it).

On this 2-core VM, wall time swings by ±20% from one run to the next, so a change of
a few percent in what a token costs cannot be seen in ``bench_engine_throughput.py``
(row 1) by one run. Instructions can: each variant runs under valgrind's cachegrind
(``--cache-sim=no``: it counts the instructions executed), once streaming 300 tokens
and once 2,300, and the difference over the 2,000 tokens between them is the cost of
a token, whatever the start-up costs. Equal runs agree to within a fraction of a
percent. The writer flushes its waiting tokens on a timer (``TOKEN_FLUSH_S``, 20 ms);
under valgrind a run is ~50 times slower, so the child waits 1 s instead, for the same
number of tokens a flush as in a real run (else the count would depend on how busy the
machine is).

Variants (the graph, model and input of ``bench_engine_throughput.py``):

  bare        the graph's own ``astream`` with the five modes (row 1's floor)
  headless    ``run_headless`` with a ``JsonlWriter`` on an in-memory stream
  no-writer   the same with a listener that writes nothing
  no-handler  the same, and the run's callback handler taken out of its config
              (what the debugger's one LangChain handler costs a token)

Needs ``valgrind`` (Debian: ``apt install valgrind``). Run from the repository root:

    python benchmarks/count_token_instructions.py [variant ...]   # ~1 min per variant
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

SMALL, LARGE = 300, 2_300
VARIANTS = ("bare", "headless", "no-writer", "no-handler")
HERE = Path(__file__).resolve().parent


def run_variant(variant: str, tokens: int) -> None:
    """In the child process: a warm-up run, then the run that is counted."""
    sys.path.insert(0, str(HERE))
    import bench_engine_throughput as bench
    from _engine_runs import HeadlessSpec

    from tui.cli.headless import run_headless
    from tui.engine import recording
    from tui.engine.recording import JsonlWriter
    from tui.engine.session import Session, SessionOptions

    recording.TOKEN_FLUSH_S = 1.0  # a real run's 20 ms, at valgrind's speed

    if variant == "no-handler":
        with_handler = Session._run_config

        def without_handler(self, run):
            config, context = with_handler(self, run)
            config["callbacks"] = []
            return config, context

        Session._run_config = without_handler  # type: ignore[method-assign]

    class NoWriter:
        """A listener that writes nothing, and never breaks."""

        name = "nothing"
        broken = None

        def __call__(self, event: object) -> None:
            pass

    def one(n: int) -> None:
        builder = bench.build_graph(n)
        if variant == "bare":
            bench.run_baseline(builder, inline=False)
            return
        session = Session(
            builder.compile(), name="flood", default_input=bench.INPUT, options=SessionOptions()
        )
        writer = JsonlWriter(io.StringIO()) if variant == "headless" else NoWriter()
        run_headless(session, HeadlessSpec(input=bench.INPUT), writer)  # type: ignore[arg-type]
        session.close()

    one(200)
    one(tokens)


def counted(variant: str, tokens: int) -> int:
    """Instructions executed by a child process that runs ``variant``."""
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        variant,
        str(tokens),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{variant} failed under valgrind:\n{done.stderr[-3000:]}")
    for line in done.stderr.splitlines():
        if "I   refs:" in line or "I refs:" in line:
            return int(line.split(":")[1].replace(",", "").strip())
    raise SystemExit(f"no instruction count from valgrind:\n{done.stderr[-2000:]}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        run_variant(sys.argv[2], int(sys.argv[3]))
        return
    variants = sys.argv[1:] or list(VARIANTS)
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variant {unknown[0]!r}: choose from {', '.join(VARIANTS)}")
    if "bare" not in variants:
        variants.insert(0, "bare")
    per_token = {}
    for variant in variants:
        per_token[variant] = (counted(variant, LARGE) - counted(variant, SMALL)) / (LARGE - SMALL)
        ratio = per_token[variant] / per_token["bare"]
        print(f"{variant:<11} {per_token[variant]:>10,.0f} instructions a token  {ratio:.3f}x bare")


if __name__ == "__main__":
    main()
