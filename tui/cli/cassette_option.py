"""``run --cassette FILE``: record the run's model calls into FILE, or, when FILE
exists, replay them from it with no model server (see ``tui.cassettes``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.cli.errors import UsageError, print_error
from tui.cli.exit_codes import EXIT_FAILED

if TYPE_CHECKING:
    from tui.engine.session import Session


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cassette",
        metavar="FILE",
        help="record the model calls into FILE, or replay them from FILE when it exists "
        "(no model server needed; a graph that changed since is reported where it diverges)",
    )


def run_with_cassette(path: str | None, session: Session, run: Callable[[], int]) -> int:
    """``run()``, with the cassette at ``path`` playing around it (if one is given).
    A cassette that cannot be used is a usage error; a replay that diverged says
    where on stderr and exits 1."""
    if not path:
        return run()
    from tui.cassettes import Cassette, CassetteDivergence, CassetteError

    cassette = Cassette(path)
    playing = cassette.playing(session)
    try:
        playing.__enter__()
    except CassetteError as exc:
        raise UsageError(f"--cassette: {exc}") from exc
    code = EXIT_FAILED
    try:
        code = run()
    except BaseException:
        playing.__exit__(*sys.exc_info())
        raise
    try:
        playing.__exit__(None, None, None)
    except CassetteDivergence as exc:
        print_error(str(exc))
        return EXIT_FAILED
    except OSError as exc:
        print_error(f"--cassette: cannot write {path}: {exc.strerror or exc}")
        return EXIT_FAILED
    verb = "replayed" if cassette.replaying else "recorded"
    calls = sum(1 for c in cassette.calls if c.get("kind") == "model")
    print(f"langgraph-tui: note: {verb} {calls} model calls ({path})", file=sys.stderr)
    return code
