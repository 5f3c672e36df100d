"""The normalized events of a debugging session.

Every event is JSON-serializable by construction: the engine converts LangGraph and
LangChain objects to plain data (see ``jsonify``) before an event is built, so the
TUI, the headless JSONL writer, recordings and tests all consume the same thing and
none of them ever touches a LangGraph object.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tui.engine.status import (
    NoticeLevel,
    PauseReason,
    ResumeHow,
    RunOutcome,
    RunStatus,
    TaskStatus,
)

JSON = Any
"""A value made only of dict, list, str, int, float, bool and None."""


@dataclass(slots=True, kw_only=True)
class Event:
    kind: ClassVar[str] = ""
    seq: int = -1
    t: float = 0.0
    ns: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, JSON]:
        data: dict[str, JSON] = {
            "seq": self.seq,
            "t": round(self.t, 6),
            "kind": self.kind,
            "ns": list(self.ns),
        }
        for name in data_fields(type(self)):
            data[name] = getattr(self, name)
        return data


_DATA_FIELDS: dict[type, tuple[str, ...]] = {}


def data_fields(cls: type[Event]) -> tuple[str, ...]:
    """The fields ``to_dict`` writes after seq, t, kind and ns, in declared order
    (written for every event, tokens included: looked up once per kind)."""
    names = _DATA_FIELDS.get(cls)
    if names is None:
        skip = ("seq", "t", "ns")
        names = _DATA_FIELDS[cls] = tuple(
            f.name for f in dataclasses.fields(cls) if f.name not in skip
        )
    return names


_REGISTRY: dict[str, type[Event]] = {}


def _register(cls: type[Event]) -> type[Event]:
    _REGISTRY[cls.kind] = cls
    return cls


@_register
@dataclass(slots=True, kw_only=True)
class RunStarted(Event):
    kind: ClassVar[str] = "run_started"
    graph: str
    thread_id: str
    input: JSON
    stream_modes: list[str]
    model: str | None = None
    recursion_limit: int | None = None
    """The most supersteps this run may take before LangGraph stops it."""


@_register
@dataclass(slots=True, kw_only=True)
class Status(Event):
    """The session's status changed (idle, running, pausing, paused, breakpoint,
    interrupted, cancelled, failed, done). The status bar shows nothing else."""

    kind: ClassVar[str] = "status"
    status: RunStatus
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


KNOWN_TOKEN_FIELDS = (
    "seq",
    "t",
    "ns",
    "node",
    "text",
    "message_id",
    "task_id",
    "step",
    "role",
    "reasoning",
    "tool_call_chunks",
    "tool_call_id",
    "name",
    "last",
)
"""The fields of ``Token`` that the fast makers (``streamed_token``, ``token_line``)
know; a field added to ``Token`` since sends tokens the general way."""
_TOKEN_SLOTS_KNOWN = tuple(f.name for f in dataclasses.fields(Token)) == KNOWN_TOKEN_FIELDS
_new = object.__new__


def streamed_token(
    ns: tuple[str, ...],
    node: str,
    message_id: str | None,
    task_id: str | None,
    step: int | None,
    text: str,
    reasoning: str = "",
) -> Token:
    """``Token(ns=..., ..., reasoning=...)`` with its other fields at their defaults,
    made at a third of the cost: a streamed chunk (nearly every event) is one, and
    the dataclass's keyword ``__init__`` costs it more than the rest of its making."""
    if not _TOKEN_SLOTS_KNOWN:  # a field added to Token since: made the general way
        return Token(
            ns=ns,
            node=node,
            message_id=message_id,
            task_id=task_id,
            step=step,
            text=text,
            reasoning=reasoning,
        )
    token: Token = _new(Token)
    token.seq = -1
    token.t = 0.0
    token.ns = ns
    token.node = node
    token.text = text
    token.message_id = message_id
    token.task_id = task_id
    token.step = step
    token.role = "ai"
    token.reasoning = reasoning
    token.tool_call_chunks = []
    token.tool_call_id = None
    token.name = None
    token.last = False
    return token


@_register
@dataclass(slots=True, kw_only=True)
class LlmStarted(Event):
    """One LLM call began, with what it was sent: ``messages`` (``{role, content,
    name?, tool_calls?, tool_call_id?, reasoning?, id?}``), the ``tools`` bound
    (``{name, description, parameters}``) and the invocation ``params``."""

    kind: ClassVar[str] = "llm_started"
    node: str | None
    task_id: str | None
    run_id: str
    model: str | None = None
    messages: list[dict[str, JSON]] = field(default_factory=list)
    tools: list[dict[str, JSON]] = field(default_factory=list)
    params: dict[str, JSON] = field(default_factory=dict)


@_register
@dataclass(slots=True, kw_only=True)
class LlmFinished(Event):
    """One LLM call ended: the figures behind the timeline's and status bar's token
    accounting (usage as the provider reported it, else counted chunks), and the
    ``reply`` (``{content, reasoning?, tool_calls?}``) with its ``finish_reason``."""

    kind: ClassVar[str] = "llm_finished"
    node: str | None
    task_id: str | None
    run_id: str
    model: str | None = None
    status: TaskStatus = TaskStatus.OK
    error: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    chunks: int = 0
    ttft_s: float | None = None
    duration_s: float = 0.0
    tokens_per_s: float | None = None
    reply: dict[str, JSON] | None = None
    finish_reason: str | None = None


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
    source: str | None = None
    """Why LangGraph wrote it: input, loop, update (an edit) or fork."""


@_register
@dataclass(slots=True, kw_only=True)
class TaskFinished(Event):
    kind: ClassVar[str] = "task_finished"
    step: int
    node: str
    task_id: str
    status: TaskStatus
    duration_s: float | None
    error: str | None = None
    traceback: str | None = None
    result: JSON = None


@_register
@dataclass(slots=True, kw_only=True)
class Interrupted(Event):
    """The run waits for answers: each interrupt's ``id``, ``value``, the ``node`` and
    ``task_id`` that asked, and its ``response_schema`` (JSON Schema) if it gave one."""

    kind: ClassVar[str] = "interrupted"
    interrupts: list[dict[str, JSON]]


@_register
@dataclass(slots=True, kw_only=True)
class Paused(Event):
    kind: ClassVar[str] = "paused"
    step: int | None
    next: list[str]
    reason: PauseReason = PauseReason.PAUSE


@_register
@dataclass(slots=True, kw_only=True)
class Resumed(Event):
    kind: ClassVar[str] = "resumed"
    step: int | None
    next: list[str]
    how: ResumeHow = ResumeHow.CONTINUE
    value: JSON = None
    """The answer (``answer``), or the keys an edit changed (``fork``)."""
    from_checkpoint: str | None = None
    """The earlier checkpoint a replay or a fork goes on from."""


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
    status: RunOutcome
    values: JSON = None


@_register
@dataclass(slots=True, kw_only=True)
class StoreChanged(Event):
    """A node wrote to the long-term store: ``value`` is ``None`` for a delete."""

    kind: ClassVar[str] = "store"
    namespace: list[str]
    key: str
    value: JSON = None
    node: str | None = None
    task_id: str | None = None


@_register
@dataclass(slots=True, kw_only=True)
class Notice(Event):
    """Something the user should know that is not part of the graph's own output,
    such as a node blocking the event loop."""

    kind: ClassVar[str] = "notice"
    level: NoticeLevel
    text: str


EVENT_TYPES: tuple[type[Event], ...] = tuple(_REGISTRY.values())
EVENT_KINDS: tuple[str, ...] = tuple(_REGISTRY)


def event_from_dict(data: Any) -> Event:
    """Rebuild an event from its JSON form. Unknown fields are ignored (a newer
    version may add some); a field of the wrong type is a ``ValueError`` that names
    it, so a damaged recording is refused rather than crashing a pane later."""
    if not isinstance(data, dict):
        raise ValueError(f"an event is a JSON object, not {type(data).__name__}")
    kind = data.get("kind")
    cls = _REGISTRY.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"unknown event kind {kind!r}")
    kwargs: dict[str, Any] = {}
    for name, coerce in _decoders(cls).items():
        if name in data:
            try:
                kwargs[name] = coerce(data[name])
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{kind} field {name!r}: {exc}") from None
    try:
        return cls(**kwargs)
    except TypeError as exc:
        missing = [f.name for f in dataclasses.fields(cls) if f.name not in kwargs]
        raise ValueError(f"{kind} event is missing {', '.join(missing) or exc}") from None


_DECODERS: dict[type[Event], dict[str, Any]] = {}


def _decoders(cls: type[Event]) -> dict[str, Any]:
    decoders = _DECODERS.get(cls)
    if decoders is None:
        hints = typing.get_type_hints(cls)
        decoders = _DECODERS[cls] = {
            f.name: _decoder(hints[f.name]) for f in dataclasses.fields(cls)
        }
    return decoders


def _decoder(hint: Any) -> Any:
    """A function that checks (and where needed converts) a JSON value for ``hint``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return lambda value: value
    if origin in (types.UnionType, typing.Union):
        inner = [_decoder(a) for a in args if a is not type(None)]
        optional = type(None) in args

        def union(value: Any) -> Any:
            if value is None and optional:
                return None
            errors = []
            for decode in inner:
                try:
                    return decode(value)
                except (TypeError, ValueError) as exc:
                    errors.append(str(exc))
            raise ValueError("; ".join(errors))

        return union
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return lambda value: hint(_checked(value, str))
    if origin in (list, tuple):
        item = _decoder(args[0]) if args else _decoder(Any)
        build = tuple if origin is tuple else list
        return lambda value: build(item(v) for v in _checked(value, list))
    if origin is dict or hint is dict:
        return lambda value: _checked(value, dict)
    if hint is float:
        return lambda value: float(_checked(value, int | float))
    if hint in (int, str, bool):
        return lambda value: _checked(value, hint)
    raise TypeError(f"no decoder for {hint!r}")


def _checked(value: Any, expected: Any) -> Any:
    if isinstance(value, bool) and expected in (int, int | float):
        raise ValueError(f"expected a number, got {value!r}")
    if not isinstance(value, expected):
        name = getattr(expected, "__name__", str(expected))
        raise ValueError(f"expected {name}, got {type(value).__name__}")
    return value
