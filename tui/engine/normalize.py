"""Stream parts -> normalized events.

Input is what ``graph.astream(..., stream_mode=[...], subgraphs=True, version="v2")``
yields: ``{"type", "ns", "data"}`` dicts. We use v2 rather than the v1 tuples
because its parts are self-describing and keep interrupts apart from the state, so
the inspector never shows an ``__interrupt__`` key as if it were state.
"""

from __future__ import annotations

import enum
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langgraph.types import StreamMode

from tui.engine.events import (
    Checkpoint,
    Custom,
    Event,
    TaskFinished,
    TaskStarted,
    Token,
    Update,
    Values,
    streamed_token,
)
from tui.engine.jsonify import Jsonifier, format_exception, safe_str
from tui.engine.redaction import Redactor, StreamRedactor
from tui.engine.status import TaskStatus

STREAM_MODES: list[StreamMode] = ["messages", "updates", "values", "debug", "custom"]
_HIDDEN_NODES = frozenset({"__start__", "__end__"})
_NOT_NODES = frozenset({"__interrupt__", "__metadata__"})


class _NotPlain(enum.Enum):
    NOT_PLAIN = enum.auto()


NOT_PLAIN: Final = _NotPlain.NOT_PLAIN
"""``Normalizer.plain_token``: the part is not a plain text chunk (``events_for`` it)."""


@dataclass
class RunningTask:
    task_id: str
    node: str
    step: int
    ns: tuple[str, ...]
    started_at: float


@functools.lru_cache(maxsize=1024)
def task_id_from_checkpoint_ns(checkpoint_ns: str | None) -> str | None:
    """``"parent:<id>|node:<id>"`` -> the innermost task id (asked per token)."""
    if not checkpoint_ns:
        return None
    last = checkpoint_ns.split("|")[-1]
    return last.partition(":")[2] or None


def ns_from_checkpoint_ns(checkpoint_ns: str | None) -> tuple[str, ...]:
    """The namespace of the graph a task runs in: every segment but the task's own."""
    if not checkpoint_ns:
        return ()
    return tuple(checkpoint_ns.split("|")[:-1])


class Normalizer:
    def __init__(self, jsonify: Jsonifier) -> None:
        self.jsonify = jsonify
        self.running: dict[str, RunningTask] = {}
        # Providers that send whole tool calls (Ollama) give them no index; a
        # consumer that merges chunks by index would fuse parallel calls into one.
        self._indexless_calls: dict[str | None, int] = {}
        self._call_names: dict[tuple[str | None, Any], str] = {}
        self.repeated_tool_names = False
        # Per streaming message: what redaction still holds back of each part.
        self._streams: dict[tuple[tuple[str, ...], str | None], _MessageStreams] = {}
        # The origin of the last streamed chunk's metadata: LangGraph hands every
        # chunk of a call the same metadata dict, so a token reads it once.
        self._metadata: Any = None
        self._origin: tuple[str, str | None, int | None] = ("", None, None)

    def events_for(self, part: Mapping[str, Any], now: float) -> list[Event]:
        kind = part.get("type")
        ns = tuple(part.get("ns") or ())
        data = part.get("data")
        if kind == "messages":  # nearly every part: a streamed chunk
            self.jsonify.nodes_ran()
            token = self._token(data, ns)
            return [token] if token is not None else []
        if not _between_steps(kind, data):
            self.jsonify.nodes_ran()
        if kind == "debug":
            return self._debug(data, ns, now) if isinstance(data, dict) else []
        if kind == "updates":
            return self._updates(data, ns)
        if kind == "values":
            return [Values(ns=ns, values=self.jsonify(data))]
        if kind == "custom":
            return [Custom(ns=ns, data=self.jsonify(data))]
        return []

    def plain_token(self, part: Mapping[str, Any]) -> Token | Literal[_NotPlain.NOT_PLAIN] | None:
        """The token of a plain streamed chunk, made with the least work: nearly every
        part of a streaming run is an ``AIMessageChunk`` whose content is text, with no
        tool-call chunks or reasoning, that is not its message's last. Returns the same
        event ``events_for`` makes of it, through the same redaction stream (``None``:
        redaction holds all of its text back for now), or ``NOT_PLAIN`` for any other
        part, before changing anything, so that ``events_for`` can make it instead."""
        data = part.get("data")
        if part.get("type") != "messages" or type(data) is not tuple or len(data) != 2:
            return NOT_PLAIN
        message, metadata = data
        if type(message) is not AIMessageChunk:
            return NOT_PLAIN
        text = message.content
        if (
            type(text) is not str
            or not text
            or message.chunk_position is not None
            or message.tool_call_chunks
            or "reasoning_content" in message.additional_kwargs
        ):
            return NOT_PLAIN
        if metadata is not self._metadata:
            self._origin = _origin(metadata or {})
            self._metadata = metadata
        node, task_id, step = self._origin
        ns = part.get("ns") or ()
        if type(ns) is not tuple:
            ns = tuple(ns)
        message_id = message.id
        self.jsonify.nodes_ran()
        if self.jsonify.redactor.secrets:
            # Feeds what ``_token`` feeds for this chunk: the message's streams
            # hold back the end of its text that could be the start of a secret.
            streams = self._streams_of(ns, message_id, node, task_id)
            reasoning = streams.feed("reasoning", "", False)
            text = streams.feed("text", text, False)
            if not (text or reasoning):
                return None
            return streamed_token(ns, node, message_id, task_id, step, text, reasoning)
        # No secret known, so none ever was: no stream holds anything back.
        return streamed_token(ns, node, message_id, task_id, step, text)

    def cancel_running(self, now: float) -> list[Event]:
        """Close every task still running: the run was cancelled under it."""
        return self.close_running(now, TaskStatus.CANCELLED)

    def close_running(self, now: float, status: TaskStatus) -> list[Event]:
        """Close every task still open when the run ends: every task_started gets its
        task_finished. LangGraph streams no result for some tasks: one replayed from
        its saved writes on resume, a Functional API task that called ``interrupt()``,
        a sibling of a task that failed."""
        events: list[Event] = [
            TaskFinished(
                ns=task.ns,
                step=task.step,
                node=task.node,
                task_id=task.task_id,
                status=status,
                duration_s=now - task.started_at,
            )
            for task in self.running.values()
        ]
        self.running.clear()
        return events

    def handoff(self, task_id: str, command: Any, now: float) -> list[Event]:
        """A task ended by handing a ``Command`` to its parent graph: it ended well,
        and its result says where it went."""
        task = self.running.pop(task_id, None)
        if task is None:
            return []
        return [
            TaskFinished(
                ns=task.ns,
                step=task.step,
                node=task.node,
                task_id=task.task_id,
                status=TaskStatus.OK,
                duration_s=now - task.started_at,
                result=self.jsonify(command),
            )
        ]

    def flush_streams(self) -> list[Event]:
        """What redaction still holds of messages that never got their last chunk
        (the run failed or was cancelled mid-reply), as final tokens."""
        events: list[Event] = []
        for (ns, message_id), streams in self._streams.items():
            text, reasoning, args = streams.flush_all()
            if text or reasoning or args:
                events.append(
                    Token(
                        ns=ns,
                        node=streams.node,
                        message_id=message_id,
                        task_id=streams.task_id,
                        text=text,
                        reasoning=reasoning,
                        tool_call_chunks=self.jsonify(args),
                        last=True,
                    )
                )
        self._streams.clear()
        return events

    def running_nodes(self) -> list[str]:
        return [task.node for task in self.running.values()]

    # -- debug ------------------------------------------------------------------

    def _debug(self, data: dict[str, Any], ns: tuple[str, ...], now: float) -> list[Event]:
        kind = data.get("type")
        step = int(data.get("step", 0))
        payload = data.get("payload") or {}
        if kind == "checkpoint":
            config = payload.get("config") or {}
            parent = payload.get("parent_config") or {}
            return [
                Checkpoint(
                    ns=ns,
                    step=step,
                    checkpoint_id=(config.get("configurable") or {}).get("checkpoint_id"),
                    parent_id=(parent.get("configurable") or {}).get("checkpoint_id"),
                    next=list(payload.get("next") or []),
                    values=self.jsonify(payload.get("values")),
                    source=(payload.get("metadata") or {}).get("source"),
                )
            ]
        name = payload.get("name", "")
        task_id = payload.get("id", "")
        if name in _HIDDEN_NODES:
            return []
        if kind == "task":
            self.running[task_id] = RunningTask(task_id, name, step, ns, now)
            return [
                TaskStarted(
                    ns=ns,
                    step=step,
                    node=name,
                    task_id=task_id,
                    input=self.jsonify(payload.get("input")),
                    triggers=[str(t) for t in payload.get("triggers") or ()],
                )
            ]
        if kind == "task_result":
            started = self.running.pop(task_id, None)
            error = payload.get("error")
            status = TaskStatus.OK
            message = trace = None
            if payload.get("interrupts"):
                status = TaskStatus.INTERRUPTED
            elif error is not None:
                status, message, trace = _task_error(error)
            return [
                TaskFinished(
                    ns=ns,
                    step=step,
                    node=name,
                    task_id=task_id,
                    status=status,
                    duration_s=None if started is None else now - started.started_at,
                    error=self.jsonify.scrub(message) if message else None,
                    traceback=self.jsonify.scrub(trace) if trace else None,
                    result=self.jsonify(payload.get("result")),
                )
            ]
        return []

    # -- updates --------------------------------------------------------------------

    def _updates(self, data: Any, ns: tuple[str, ...]) -> list[Event]:
        if not isinstance(data, dict):
            return []
        # "__interrupt__" is not an update (interrupts are events of their own), and
        # "__metadata__" marks writes replayed from a cache on resume: not a node.
        return [
            Update(ns=ns, node=str(node), update=self.jsonify(update))
            for node, update in data.items()
            if node not in _NOT_NODES
        ]

    # -- messages -------------------------------------------------------------------

    def _token(self, data: Any, ns: tuple[str, ...]) -> Token | None:
        # Runs for every streamed chunk: fields are passed one by one, not as a dict.
        message, metadata = data
        node, task_id, step = _origin(metadata or {})
        message_id = message.id
        scrub = self.jsonify.scrub
        kind = _kind_of(type(message))
        if kind is ToolMessage:
            return Token(
                ns=ns,
                node=node,
                message_id=message_id,
                task_id=task_id,
                step=step,
                role="tool",
                text=scrub(message.text),
                tool_call_id=message.tool_call_id,
                name=message.name,
                last=True,
            )
        if kind is None:
            return Token(
                ns=ns,
                node=node,
                message_id=message_id,
                task_id=task_id,
                step=step,
                role=_role(message),
                text=scrub(message.text),
                last=True,
            )
        last = kind is AIMessage or message.chunk_position == "last"
        streams = self._streams_of(ns, message_id, node, task_id)
        reasoning = streams.feed("reasoning", _reasoning_of(message), last)
        content = message.content
        text = streams.feed("text", content if type(content) is str else message.text, last)
        tool_chunks = _tool_call_chunks(message, kind is AIMessageChunk)
        if tool_chunks:
            self._indexed(message_id, tool_chunks)
            for chunk in tool_chunks:
                chunk["args"] = streams.feed(("args", chunk["index"]), chunk["args"], False)
        if last:
            tool_chunks += streams.flush_args()
            self._streams.pop((ns, message_id), None)
        if not (text or reasoning or tool_chunks or last):
            return None
        return Token(
            ns=ns,
            node=node,
            message_id=message_id,
            task_id=task_id,
            step=step,
            text=text,
            reasoning=reasoning,
            tool_call_chunks=self.jsonify(tool_chunks) if tool_chunks else [],
            last=last,
        )

    def _streams_of(
        self, ns: tuple[str, ...], message_id: str | None, node: str, task_id: str | None
    ) -> _MessageStreams:
        streams = self._streams.get((ns, message_id))
        if streams is None:
            streams = _MessageStreams(self.jsonify.redactor, node, task_id)
            self._streams[(ns, message_id)] = streams
        return streams

    def _indexed(
        self, message_id: str | None, chunks: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        for chunk in chunks:
            if chunk["index"] is None:
                seen = self._indexless_calls.get(message_id, 0)
                # A named chunk opens a new call; an unnamed one continues the last.
                chunk["index"] = seen if chunk["name"] else max(0, seen - 1)
                self._indexless_calls[message_id] = seen + 1 if chunk["name"] else max(1, seen)
            named = (message_id, chunk["index"])
            if chunk["name"] and self._call_names.get(named) == chunk["name"]:
                # The server repeats the tool's name in every chunk (llama.cpp's
                # server does); LangChain joins the repeats into a name no tool has.
                chunk["name"] = None
                self.repeated_tool_names = True
            elif chunk["name"]:
                self._call_names[named] = chunk["name"]
        return chunks


def _origin(metadata: Mapping[str, Any]) -> tuple[str, str | None, int | None]:
    """The node, task id and step a streamed message comes from."""
    checkpoint_ns = metadata.get("langgraph_checkpoint_ns") or metadata.get("checkpoint_ns")
    step = metadata.get("langgraph_step")
    return (
        str(metadata.get("langgraph_node", "")),
        task_id_from_checkpoint_ns(checkpoint_ns),
        step if isinstance(step, int) else None,
    )


class _MessageStreams:
    """The text, reasoning and tool-call arguments of one streaming message, each
    redacted across its chunks."""

    def __init__(self, redactor: Redactor, node: str, task_id: str | None) -> None:
        self._redactor = redactor
        self.node = node
        self.task_id = task_id
        self._parts: dict[Any, StreamRedactor] = {}

    def feed(self, part: Any, text: str, last: bool) -> str:
        if not text and not last and part not in self._parts:
            return ""
        stream = self._parts.get(part)
        if stream is None:
            stream = self._parts[part] = StreamRedactor(self._redactor)
        shown = stream.feed(text)
        return shown + stream.flush() if last else shown

    def flush_args(self) -> list[dict[str, Any]]:
        """Tool-call arguments still held back, as chunks, when the message ends."""
        return [
            {"name": None, "args": stream.flush(), "id": None, "index": part[1]}
            for part, stream in self._parts.items()
            if isinstance(part, tuple) and stream.pending
        ]

    def flush_all(self) -> tuple[str, str, list[dict[str, Any]]]:
        text = self._parts["text"].flush() if "text" in self._parts else ""
        reasoning = self._parts["reasoning"].flush() if "reasoning" in self._parts else ""
        return text, reasoning, self.flush_args()


def _between_steps(kind: Any, data: Any) -> bool:
    """A part LangGraph streams between one step's nodes and the next's: the step's
    values and checkpoint, the next tasks (with their input). No node of the graph
    runs between these, so the state they carry is checked once for all of them."""
    if kind == "values":
        return True
    return kind == "debug" and isinstance(data, dict) and data.get("type") in ("checkpoint", "task")


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "ai", "system": "system", "tool": "tool"}.get(
        message.type, message.type
    )


def _reasoning_of(message: BaseMessage) -> str:
    parts: list[str] = []
    extra = message.additional_kwargs.get("reasoning_content")
    if isinstance(extra, str):
        parts.append(extra)
    if isinstance(message.content, list):
        for block in message.content:
            if isinstance(block, dict) and block.get("type") in ("reasoning", "thinking"):
                value = block.get("reasoning") or block.get("thinking") or ""
                if isinstance(value, str):
                    parts.append(value)
    return "".join(parts)


_KINDS: dict[type, type | None] = {}


def _kind_of(cls: type) -> type | None:
    """ToolMessage, AIMessageChunk, AIMessage, or None for another message: asked for
    every streamed chunk, and isinstance on a pydantic class is slow."""
    if cls not in _KINDS:
        kinds = (ToolMessage, AIMessageChunk, AIMessage)
        _KINDS[cls] = next((kind for kind in kinds if issubclass(cls, kind)), None)
    return _KINDS[cls]


def _tool_call_chunks(message: AIMessage | AIMessageChunk, streamed: bool) -> list[dict[str, Any]]:
    """``streamed``: the message is an ``AIMessageChunk`` (known from its kind: isinstance
    on a pydantic class costs a streamed chunk more than the rest of this)."""
    if streamed:
        chunks = cast(AIMessageChunk, message).tool_call_chunks
        if not chunks:
            return []
        return [
            {
                "name": chunk.get("name"),
                "args": chunk.get("args") or "",
                "id": chunk.get("id"),
                "index": chunk.get("index"),
            }
            for chunk in chunks
        ]
    return [
        {"name": call["name"], "args": json.dumps(call["args"]), "id": call.get("id"), "index": i}
        for i, call in enumerate(message.tool_calls)
    ]


def _task_error(error: Any) -> tuple[TaskStatus, str, str | None]:
    from langgraph.errors import GraphBubbleUp

    if isinstance(error, GraphBubbleUp):
        return TaskStatus.INTERRUPTED, type(error).__name__, None
    if isinstance(error, BaseException):
        return (
            TaskStatus.ERROR,
            f"{type(error).__name__}: {safe_str(error)}",
            format_exception(error),
        )
    return TaskStatus.ERROR, safe_str(error), None
