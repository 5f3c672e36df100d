"""What to run, and turning that into a session: shared by the CLI and the app.

The app reloads or opens graphs through here, so it never loads LangGraph
objects itself; it only ever holds a ``Session``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.engine.clock import Clock
from tui.engine.session import NO_INPUT, Session, SessionOptions
from tui.loading import LoadedGraph, load_graph
from tui.models import ModelSpec, parse_model_spec, set_active_model


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


def open_session(spec: RunSpec, *, clock: Clock | None = None) -> tuple[Session, LoadedGraph]:
    """Load the graph and wrap it in a session; raises ``GraphLoadError``."""
    set_active_model(spec.model)
    loaded = load_graph(spec.graph)
    options = SessionOptions(
        thread_id=spec.thread_id,
        checkpointer=spec.checkpointer,
        interrupt_before=list(spec.interrupt_before),
        interrupt_after=list(spec.interrupt_after),
        recursion_limit=spec.recursion_limit,
        model_label=spec.model.label,
        model_switchable=bool(loaded.extra.get("model_switchable")),
    )
    if clock is not None:
        options.clock = clock
    session = Session(
        loaded.graph,
        name=loaded.name,
        default_input=loaded.default_input if loaded.has_default_input else NO_INPUT,
        options=options,
    )
    return session, loaded
