"""The normalized events of a debugging session.

Every event is JSON-serializable by construction: the engine converts LangGraph and
LangChain objects to plain data (see ``jsonify``) before an event is built, so the
TUI, the headless JSONL writer, recordings and tests all consume the same thing and
none of them ever touches a LangGraph object.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

JSON = Any
"""A value made only of dict, list, str, int, float, bool and None."""


@dataclass(slots=True, kw_only=True)
class Event:
    kind: ClassVar[str] = ""
    seq: int = -1
    t: float = 0.0
    ns: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, JSON]:
        data: dict[str, JSON] = {"seq": self.seq, "t": round(self.t, 6), "kind": self.kind}
        for f in dataclasses.fields(self):
            if f.name in ("seq", "t"):
                continue
            value = getattr(self, f.name)
            data[f.name] = list(value) if f.name == "ns" else value
        return data


_REGISTRY: dict[str, type[Event]] = {}


def _register(cls: type[Event]) -> type[Event]:
    _REGISTRY[cls.kind] = cls
    return cls


def event_from_dict(data: dict[str, JSON]) -> Event:
    """Rebuild an event from its JSON form; unknown fields are ignored, not fatal."""
    cls = _REGISTRY.get(data.get("kind", ""))
    if cls is None:
        raise ValueError(f"unknown event kind {data.get('kind')!r}")
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {k: v for k, v in data.items() if k in names}
    if "ns" in kwargs:
        kwargs["ns"] = tuple(kwargs["ns"])
    return cls(**kwargs)


@_register
@dataclass(slots=True, kw_only=True)
class RunStarted(Event):
    kind: ClassVar[str] = "run_started"
    graph: str
    thread_id: str
    input: JSON
    stream_modes: list[str]
    model: str | None = None


@_register
@dataclass(slots=True, kw_only=True)
class Status(Event):
    """The session's status changed (idle, running, pausing, paused, breakpoint,
    interrupted, cancelled, failed, done). The status bar shows nothing else."""

    kind: ClassVar[str] = "status"
    status: str
    detail: str = ""


@_register
@dataclass(slots=True, kw_only=True)
class TaskStarted(Event):
    kind: ClassVar[str] = "task_started"
    step: int
    node: str
    task_id: str
    input: JSON = None
    triggers: list[str] = field(default_factory=list)


@_register
@dataclass(slots=True, kw_only=True)
class Token(Event):
    """A chunk of model output. ``text`` is the visible answer; reasoning and tool-call
    chunks ride along in their own fields so a consumer can show them apart."""

    kind: ClassVar[str] = "token"
    node: str
    text: str
    message_id: str | None
    task_id: str | None = None
    step: int | None = None
    role: str = "ai"
    reasoning: str = ""
    tool_call_chunks: list[dict[str, JSON]] = field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None
    last: bool = False


@_register
@dataclass(slots=True, kw_only=True)
class LlmStarted(Event):
    kind: ClassVar[str] = "llm_started"
    node: str | None
    task_id: str | None
    run_id: str
    model: str | None = None


@_register
@dataclass(slots=True, kw_only=True)
class LlmFinished(Event):
    """One LLM call ended: the figures behind the timeline's and status bar's token
    accounting (usage as the provider reported it, else counted chunks)."""

    kind: ClassVar[str] = "llm_finished"
    node: str | None
    task_id: str | None
    run_id: str
    model: str | None = None
    status: str = "ok"
    error: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    chunks: int = 0
    ttft_s: float | None = None
    duration_s: float = 0.0
    tokens_per_s: float | None = None


@_register
@dataclass(slots=True, kw_only=True)
class Update(Event):
    kind: ClassVar[str] = "update"
    node: str
    update: JSON


@_register
@dataclass(slots=True, kw_only=True)
class Values(Event):
    kind: ClassVar[str] = "values"
    values: JSON


@_register
@dataclass(slots=True, kw_only=True)
class Custom(Event):
    kind: ClassVar[str] = "custom"
    data: JSON
    node: str | None = None


@_register
@dataclass(slots=True, kw_only=True)
class Checkpoint(Event):
    kind: ClassVar[str] = "checkpoint"
    step: int
    checkpoint_id: str | None
    parent_id: str | None
    next: list[str]
    values: JSON = None


@_register
@dataclass(slots=True, kw_only=True)
class TaskFinished(Event):
    kind: ClassVar[str] = "task_finished"
    step: int
    node: str
    task_id: str
    status: str  # ok | error | interrupted | cancelled
    duration_s: float | None
    error: str | None = None
    traceback: str | None = None
    result: JSON = None


@_register
@dataclass(slots=True, kw_only=True)
class Interrupted(Event):
    kind: ClassVar[str] = "interrupted"
    interrupts: list[dict[str, JSON]]


@_register
@dataclass(slots=True, kw_only=True)
class Paused(Event):
    kind: ClassVar[str] = "paused"
    step: int | None
    next: list[str]
    reason: str = "pause"  # pause | step | breakpoint


@_register
@dataclass(slots=True, kw_only=True)
class Resumed(Event):
    kind: ClassVar[str] = "resumed"
    step: int | None
    next: list[str]
    how: str = "continue"  # continue | step | answer | fork
    value: JSON = None


@_register
@dataclass(slots=True, kw_only=True)
class Cancelled(Event):
    kind: ClassVar[str] = "cancelled"
    step: int | None
    next: list[str]


@_register
@dataclass(slots=True, kw_only=True)
class RunFailed(Event):
    kind: ClassVar[str] = "run_failed"
    error: str
    type: str
    traceback: str
    hint: str | None = None


@_register
@dataclass(slots=True, kw_only=True)
class RunFinished(Event):
    kind: ClassVar[str] = "run_finished"
    status: str  # done | interrupted | paused | cancelled | failed
    values: JSON = None


@_register
@dataclass(slots=True, kw_only=True)
class Notice(Event):
    """Something the user should know that is not part of the graph's own output,
    such as a node blocking the event loop."""

    kind: ClassVar[str] = "notice"
    level: str  # info | warning | error
    text: str


EVENT_KINDS: tuple[str, ...] = tuple(_REGISTRY)
