"""The words events use: run statuses, outcomes, task statuses, reasons.

String enums, so an event's JSON form is the plain word and a recording written
before a member existed still reads back (``event_from_dict`` coerces by type).
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """What the session is doing; the status bar shows nothing else."""

    IDLE = "idle"
    RUNNING = "running"
    PAUSING = "pausing"
    PAUSED = "paused"
    BREAKPOINT = "breakpoint"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"
    FAILED = "failed"
    DONE = "done"
    # The app's, before there is a session: the graph is being imported, or failed to
    # import (the engine never emits these).
    LOADING = "loading"
    NOT_LOADED = "not loaded"

    @property
    def active(self) -> bool:
        """A run is going (its nodes may be mid-flight)."""
        return self in ACTIVE

    @property
    def stopped(self) -> bool:
        """A run stopped before its end: it can be continued, stepped or answered."""
        return self in STOPPED

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.upper())


ACTIVE = frozenset({RunStatus.RUNNING, RunStatus.PAUSING})
STOPPED = frozenset(
    {
        RunStatus.PAUSED,
        RunStatus.BREAKPOINT,
        RunStatus.INTERRUPTED,
        RunStatus.CANCELLED,
        RunStatus.FAILED,
    }
)
ENDED = frozenset({RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED})
"""The run will not go on by itself, and nothing waits at a step boundary."""

_LABELS = {
    RunStatus.BREAKPOINT: "AT BREAKPOINT",
    RunStatus.INTERRUPTED: "WAITING FOR INPUT",
}


class RunOutcome(StrEnum):
    """How a run ended (``run_finished.status``)."""

    DONE = "done"
    INTERRUPTED = "interrupted"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    FAILED = "failed"


class TaskStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    ERROR = "error"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"


class PauseReason(StrEnum):
    PAUSE = "pause"
    STEP = "step"
    BREAKPOINT = "breakpoint"


class ResumeHow(StrEnum):
    CONTINUE = "continue"
    STEP = "step"
    ANSWER = "answer"
    REPLAY = "replay"
    """Run on from an earlier checkpoint: the steps after it run again, as a new branch."""
    FORK = "fork"
    """Run on from an edited copy of an earlier checkpoint."""


class NoticeLevel(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
