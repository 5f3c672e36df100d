"""Exit codes, the same for every subcommand and for the TUI and headless runs."""

from __future__ import annotations

from tui.engine.status import RunOutcome

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3
EXIT_CANCELLED = 130

BY_OUTCOME = {
    RunOutcome.DONE: EXIT_OK,
    RunOutcome.FAILED: EXIT_FAILED,
    RunOutcome.INTERRUPTED: EXIT_STOPPED,
    RunOutcome.PAUSED: EXIT_STOPPED,
    RunOutcome.CANCELLED: EXIT_CANCELLED,
}
