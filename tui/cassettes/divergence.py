"""How a replay parted from its recording, said where it happened."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DivergenceKind(StrEnum):
    ROUTING = "routing"
    """Another node ran (or a call came from another node) than in the recording."""
    ARGUMENTS = "arguments"
    """A tool was called with other arguments."""
    CONTENT = "content"
    """A model was asked something else (another prompt, other tools): the recorded
    reply may no longer fit."""


@dataclass(frozen=True)
class Divergence:
    kind: DivergenceKind
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.where}: {self.detail}"


class CassetteError(RuntimeError):
    """A cassette that cannot be used (missing for a replay, not a cassette, two at
    once); ``str()`` says what to do."""


class CassetteDivergence(RuntimeError):
    """The replay diverged from the recording. A RuntimeError, so LangGraph's default
    retry policy does not retry the node that hit it."""

    def __init__(self, divergence: Divergence, path: str = "") -> None:
        self.divergence = divergence
        self.path = path
        where = f"cassette {path}" if path else "cassette"
        super().__init__(
            f"{where}: the replay diverged ({divergence}); record it again if the "
            "change is intended"
        )
