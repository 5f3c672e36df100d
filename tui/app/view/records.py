"""The records the run view keeps: tasks, LLM calls, token blocks, checkpoints, log."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from tui.app.view.text_buffer import TextBuffer
from tui.engine.status import TaskStatus


class Part(enum.Flag):
    """A part of the screen whose data changed since the last frame."""

    NONE = 0
    STATUS = enum.auto()
    TASKS = enum.auto()
    TOKENS = enum.auto()
    STATE = enum.auto()
    LOG = enum.auto()
    GRAPH = enum.auto()
    STORE = enum.auto()
    COUNTS = enum.auto()
    """Figures every token moves (a task's token count): shown at the clock's pace."""
    ALL = STATUS | TASKS | TOKENS | STATE | LOG | GRAPH | STORE | COUNTS


class LogKind(enum.StrEnum):
    """What an events-pane entry is; also the pane's filters."""

    UPDATE = "update"
    CUSTOM = "custom"
    INTERRUPT = "interrupt"
    ERROR = "error"
    CONTROL = "control"


@dataclass
class LlmCall:
    """One chat-model call: what it was sent (held as the event's own data, not
    copied), what it answered, and its figures."""

    run_id: str
    model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    ttft_s: float | None = None
    tokens_per_s: float | None = None
    duration_s: float | None = None
    status: TaskStatus = TaskStatus.RUNNING
    error: str | None = None
    node: str | None = None
    ns: tuple[str, ...] = ()
    task_id: str | None = None
    step: int | None = None
    started_t: float | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    tools: list[dict[str, Any]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    reply: dict[str, Any] | None = None
    finish_reason: str | None = None
    index: int = 0
    """Its place among the run's calls, from 1."""


@dataclass
class TaskRow:
    task_id: str
    node: str
    step: int
    ns: tuple[str, ...]
    started_t: float
    input: Any = None
    triggers: tuple[str, ...] = ()
    status: TaskStatus = TaskStatus.RUNNING
    finished_t: float | None = None
    duration_s: float | None = None
    tokens: int = 0
    result: Any = None
    error: str | None = None
    traceback: str | None = None
    calls: list[LlmCall] = field(default_factory=list)
    run_number: int = 1
    """How many times its node has run in this run, this one included."""
    input_dropped: bool = False
    """The input (the state before the step) is no longer held; read it back."""
    sent: str = ""
    """For a task made by Send: what it was sent, in a few words (kept once the
    input is dropped)."""

    def __post_init__(self) -> None:
        if "__pregel_push" in self.triggers:
            self.sent = _first_text(self.input)

    @property
    def depth(self) -> int:
        return len(self.ns)

    @property
    def label(self) -> str:
        """The node; for a task made by Send (parallel workers of one node) what it was
        sent, so the workers can be told apart; for a handoff, where it went."""
        goto = _handoff_target(self.result)
        if goto:
            return f"{self.node} → {goto}"
        return f"{self.node} · {self.sent}" if self.sent else self.node

    @property
    def parent_task_id(self) -> str | None:
        return self.ns[-1].partition(":")[2] if self.ns else None

    def ttft_s(self) -> float | None:
        first = [c.ttft_s for c in self.calls if c.ttft_s is not None]
        return first[0] if first else None

    def tokens_per_s(self) -> float | None:
        rates = [c.tokens_per_s for c in self.calls if c.tokens_per_s]
        return sum(rates) / len(rates) if rates else None


@dataclass
class ToolCallDraft:
    name: str = ""
    args: str = ""
    call_id: str | None = None


@dataclass
class TokenBlock:
    """One LLM call's output (or one tool result), as it streams."""

    key: tuple[Any, ...]
    node: str
    ns: tuple[str, ...]
    step: int | None
    task_id: str | None
    role: str = "ai"
    model: str | None = None
    reasoning_buffer: TextBuffer = field(default_factory=TextBuffer)
    text_buffer: TextBuffer = field(default_factory=TextBuffer)
    tool_calls: dict[int, ToolCallDraft] = field(default_factory=dict)
    tool_name: str | None = None
    finished: bool = False
    waiting: bool = False
    call: LlmCall | None = None
    # Chunks counted while streaming, until the provider's usage replaces the count.
    counted: int = 0
    version: int = 0

    @property
    def text(self) -> str:
        return self.text_buffer.value

    @property
    def reasoning(self) -> str:
        return self.reasoning_buffer.value


@dataclass
class CheckpointInfo:
    checkpoint_id: str
    step: int
    ns: tuple[str, ...]
    parent_id: str | None
    next: list[str]
    values: Any
    unchanged: bool = False
    """The step left the state as its parent checkpoint had it."""


@dataclass
class LogEntry:
    kind: LogKind
    t: float
    title: str
    body: Any = None
    ns: tuple[str, ...] = ()
    detail: str | None = None  # a traceback, shown as text


def _handoff_target(result: Any) -> str:
    """``bob`` for a task that ended with ``Command(goto="bob", graph=PARENT)``."""
    command = result.get("$command") if isinstance(result, dict) else None
    goto = command.get("goto") if isinstance(command, dict) else None
    if isinstance(goto, str):
        return goto
    if isinstance(goto, list):
        return ", ".join(str(g.get("$send", g)) if isinstance(g, dict) else str(g) for g in goto)
    return ""


def _first_text(value: Any, depth: int = 0) -> str:
    """A short reading of a Send's payload: a tool call's name (ToolNode workers), a
    first string, or ``key=number``, so parallel workers read apart."""
    if isinstance(value, str):
        return value[:40]
    if isinstance(value, bool) or depth > 2:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        call = value.get("tool_call")
        if isinstance(call, dict) and isinstance(call.get("name"), str):
            return call["name"][:40]
        for key, item in value.items():
            if str(key).startswith("__") or isinstance(item, bool):
                continue
            if isinstance(item, str) and item:
                return item[:40]
            if isinstance(item, int | float):
                return f"{key}={item}"
    if isinstance(value, list) and value:
        return _first_text(value[0], depth + 1)
    return ""
