"""``run GRAPH`` in the TUI: the first frame comes first, the graph loads behind it.

Importing LangGraph and the user's module takes seconds; the app draws on a
``LoadingSource`` at once and calls ``GraphLoader.first`` on a thread. That does what
the command line asks of a loaded graph, in the order the headless run does it:
load, check the breakpoints' nodes, record (``--jsonl``), open ``--thread`` and go
``--from`` a checkpoint, play ``--cassette``. Any of them failing is the one line
the app shows (NOT LOADED); quitting then exits 2 with that line on stderr, as a
bad command line does.

Nothing here imports LangGraph at module level: this runs before the first frame.
"""

from __future__ import annotations

import sys
import traceback
from typing import TYPE_CHECKING

from tui.cli.cassette_option import CassettePlaying
from tui.cli.errors import UsageError, print_error
from tui.cli.exit_codes import EXIT_USAGE
from tui.engine.recording import JsonlWriter
from tui.engine.session_front import SessionError
from tui.run_spec import RunSpec

if TYPE_CHECKING:
    from tui.engine.session import Session
    from tui.launcher import Reopener


class GraphLoader:
    def __init__(self, spec: RunSpec, recorder: JsonlWriter | None) -> None:
        self.spec = spec
        self.recorder = recorder
        self.cassette: CassettePlaying | None = None
        self.failure: BaseException | None = None
        """The last load's error, for ``--verbose``."""
        self._reopener: Reopener | None = None

    def first(self) -> Session:
        """The session the command line asks for; raises ``SessionError`` (one line)."""
        from tui.launcher import Reopener

        reopener = Reopener(self.spec)
        try:
            session = reopener()
        except SessionError as exc:
            self.failure = exc
            raise
        except Exception as exc:  # not a load error we know: still one line (--verbose: all)
            self.failure = exc
            raise SessionError(
                f"loading {self.spec.graph} failed: {type(exc).__name__}: {exc} "
                "(--verbose shows the traceback)"
            ) from exc
        try:
            self._prepare(session)
        except (UsageError, SessionError) as exc:
            session.close()
            self.failure = exc
            raise SessionError(str(exc)) from exc
        self._reopener = reopener
        self.failure = None
        return session

    def again(self) -> Session:
        """A fresh session on the same graph, for the app's "Reload graph from disk"."""
        assert self._reopener is not None, "reloaded before the first load"
        return self._reopener()

    def _prepare(self, session: Session) -> None:
        from tui.cli.headless import travel
        from tui.cli.run_command import check_breakpoints

        spec = self.spec
        check_breakpoints(session, spec.interrupt_before + spec.interrupt_after)
        if self.recorder is not None:
            # The TUI records too: every event, flushed as it comes, so the file is
            # whole up to the last event whatever happens to the app.
            session.add_listener(self.recorder)
        if spec.thread_id:
            session.open_thread().result()
            if spec.from_checkpoint is not None:
                travel(session, spec).result()
        if spec.cassette:
            self.cassette = CassettePlaying(spec.cassette, session)

    def exit_code(self, app_code: int, load_problem: str) -> int:
        """The process's exit code once the app has closed: 2 with the one line when
        the graph never loaded; else the app's, unless the cassette diverged."""
        if load_problem:
            print_error(load_problem)
            if self.spec.verbose:
                self._print_cause()
            return EXIT_USAGE
        if self.cassette is not None:
            return self.cassette.finish(app_code)
        return app_code

    def _print_cause(self) -> None:
        """``--verbose``: the traceback under the one line, when it is the user's
        code's (not one of our own one-line errors)."""
        from tui.loading import GraphLoadError

        root = self.failure
        while root is not None and root.__cause__ is not None:
            root = root.__cause__
        if root is not None and not isinstance(root, UsageError | SessionError | GraphLoadError):
            traceback.print_exception(root, file=sys.stderr)
