"""What to run: the graph spec and everything the command line says about the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.engine.no_input import NO_INPUT
from tui.providers.spec import ModelSpec, parse_model_spec


@dataclass
class RunSpec:
    graph: str
    input: Any = NO_INPUT
    model: ModelSpec = field(default_factory=lambda: parse_model_spec("scripted"))
    thread_id: str | None = None
    checkpointer: str = "memory"
    interrupt_before: list[str] = field(default_factory=list)
    interrupt_after: list[str] = field(default_factory=list)
    recursion_limit: int | None = None
    jsonl: str | None = None
    resume: Any = NO_INPUT
    verbose: bool = False
