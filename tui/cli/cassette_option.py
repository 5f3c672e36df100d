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
    """``run()``, with the cassette at ``path`` playing around it (if one is given)."""
    if not path:
        return run()
    playing = CassettePlaying(path, session)
    try:
        code = run()
    except BaseException:
        playing.abort()
        raise
    return playing.finish(code)


class CassettePlaying:
    """The cassette at ``path`` playing on ``session`` from now until ``finish``. A
    cassette that cannot be used is a usage error; a replay that diverged says where
    on stderr and makes the exit code 1."""

    def __init__(self, path: str, session: Session) -> None:
        from tui.cassettes import Cassette, CassetteError

        self.path = path
        self.cassette = Cassette(path)
        self._playing = self.cassette.playing(session)
        try:
            self._playing.__enter__()
        except CassetteError as exc:
            raise UsageError(f"--cassette: {exc}") from exc

    def abort(self) -> None:
        """The run raised: stop playing, with the exception being handled."""
        self._playing.__exit__(*sys.exc_info())

    def finish(self, code: int) -> int:
        from tui.cassettes import CassetteDivergence

        try:
            self._playing.__exit__(None, None, None)
        except CassetteDivergence as exc:
            print_error(str(exc))
            return EXIT_FAILED
        except OSError as exc:
            print_error(f"--cassette: cannot write {self.path}: {exc.strerror or exc}")
            return EXIT_FAILED
        verb = "replayed" if self.cassette.replaying else "recorded"
        calls = sum(1 for c in self.cassette.calls if c.get("kind") == "model")
        print(f"langgraph-tui: note: {verb} {calls} model calls ({self.path})", file=sys.stderr)
        return code
