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
    config: dict[str, Any] = field(default_factory=dict)
    """``--config``: the run's RunnableConfig (configurable, tags, metadata, ...)."""
    context: dict[str, Any] = field(default_factory=dict)
    """``--context``: the graph's runtime context."""
    from_checkpoint: str | None = None
    """``--from``: run on from this checkpoint of ``--thread`` (a replay, or a fork)."""
    update: dict[str, Any] | None = None
    """``--update``: the state keys to edit at ``--from`` before running on."""
    as_node: str | None = None
    """``--as-node``: the node the edit is made as (what runs next follows from it)."""
    model_given: bool = False
    """``--model`` was given (not the default): worth a word when the graph ignores it."""
    cassette: str | None = None
    """``--cassette FILE``: record the model calls, or replay them when FILE exists."""
