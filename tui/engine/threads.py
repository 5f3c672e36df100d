"""The threads a checkpointer holds, and how each one stands, without its graph.

``langgraph-tui threads`` lists a database a user may no longer have the graph for,
so each thread's status is read from its latest root checkpoint alone: an
unanswered interrupt or a failed task is in its pending writes; the nodes it would
run next are those whose trigger channel (``branch:to:NODE``, as ``StateGraph``
writes them, or a pending ``Send``) changed since the node last saw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple
from langgraph.checkpoint.memory import InMemorySaver

from tui.engine.history import HistoryEntry, build_history, created_at, list_checkpoints

_BRANCH = "branch:to:"
_TASKS = "__pregel_tasks"
_START = "__start__"
_INTERRUPT = "__interrupt__"
_RESUME = "__resume__"
_ERROR = "__error__"


class ThreadStatus(StrEnum):
    INTERRUPTED = "interrupted"
    FAILED = "failed"
    STOPPED = "stopped"
    DONE = "done"


@dataclass(frozen=True)
class ThreadSummary:
    thread_id: str
    graph: str | None
    step: int | None
    status: ThreadStatus
    next: list[str]
    interrupt: Any
    """The value of the first unanswered interrupt, as stored."""
    updated_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "thread_id": self.thread_id,
            "graph": self.graph,
            "step": self.step,
            "status": self.status.value,
            "next": self.next,
            "interrupt": self.interrupt,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


async def thread_ids(saver: BaseCheckpointSaver) -> list[str]:
    """Every thread id, the most recently updated first."""
    latest: dict[str, str] = {}
    if isinstance(saver, InMemorySaver):
        for thread_id, namespaces in saver.storage.items():
            ids = list(namespaces.get("", {}))
            if ids:
                latest[thread_id] = max(ids)
    elif type(saver).__name__ == "AsyncSqliteSaver" and getattr(saver, "conn", None) is not None:
        await saver.setup()  # type: ignore[attr-defined]
        async with saver.conn.execute(  # type: ignore[attr-defined]
            "SELECT thread_id, MAX(checkpoint_id) FROM checkpoints "
            "WHERE checkpoint_ns = '' GROUP BY thread_id"
        ) as cursor:
            async for thread_id, checkpoint_id in cursor:
                latest[thread_id] = checkpoint_id
    else:
        async for item in saver.alist(None):
            configurable = item.config.get("configurable") or {}
            if configurable.get("checkpoint_ns"):
                continue
            thread_id, checkpoint_id = configurable["thread_id"], configurable["checkpoint_id"]
            latest[thread_id] = max(latest.get(thread_id, ""), checkpoint_id)
    return sorted(latest, key=lambda t: latest[t], reverse=True)


async def thread_summaries(saver: BaseCheckpointSaver) -> list[ThreadSummary]:
    out = []
    for thread_id in await thread_ids(saver):
        config: RunnableConfig = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
        found = await saver.aget_tuple(config)
        if found is not None:
            out.append(summary(thread_id, found))
    return out


def summary(thread_id: str, found: CheckpointTuple) -> ThreadSummary:
    metadata = dict(found.metadata or {})
    checkpoint = found.checkpoint
    writes = found.pending_writes or []
    answered = {task for task, channel, _ in writes if channel == _RESUME}
    asked = [
        value for task, channel, value in writes if channel == _INTERRUPT and task not in answered
    ]
    failed = any(channel == _ERROR for _, channel, _ in writes)
    ahead = next_nodes(checkpoint)
    if asked:
        status = ThreadStatus.INTERRUPTED
    elif failed:
        status = ThreadStatus.FAILED
    elif ahead:
        status = ThreadStatus.STOPPED
    else:
        status = ThreadStatus.DONE
    step = metadata.get("step")
    graph = metadata.get("graph_id") or metadata.get("assistant_id")
    return ThreadSummary(
        thread_id=thread_id,
        graph=graph if isinstance(graph, str) else None,
        step=step if isinstance(step, int) else None,
        status=status,
        next=ahead,
        interrupt=_first_interrupt(asked),
        updated_at=created_at(checkpoint["id"]),
    )


def next_nodes(checkpoint: Any) -> list[str]:
    """The nodes a checkpoint triggers, by LangGraph's own rule: a node runs when its
    trigger channel (``branch:to:NODE``, ``__start__`` for the entry) holds a value
    newer than the node last saw; plus the targets of pending sends."""
    values = checkpoint.get("channel_values") or {}
    versions = checkpoint.get("channel_versions") or {}
    seen = checkpoint.get("versions_seen") or {}
    ahead = []
    for channel, version in versions.items():
        if channel == _START:
            node = _START
        elif channel.startswith(_BRANCH):
            node = channel.removeprefix(_BRANCH)
        else:
            continue
        if channel not in values:
            continue  # consumed: a trigger is cleared once its node ran
        last = (seen.get(node) or {}).get(channel)
        if last is None or _newer(version, last):
            ahead.append(node)
    return list(dict.fromkeys([*ahead, *_send_targets(checkpoint)]))


def _send_targets(checkpoint: Any) -> list[str]:
    sends = (checkpoint.get("channel_values") or {}).get(_TASKS) or []
    return [send.node for send in sends if isinstance(getattr(send, "node", None), str)]


def _newer(version: Any, last: Any) -> bool:
    try:
        return bool(version > last)
    except TypeError:
        return str(version) > str(last)


def _first_interrupt(asked: list[Any]) -> Any:
    for value in asked:
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            return getattr(item, "value", item)
    return None


async def read_history(saver: BaseCheckpointSaver, thread_id: str) -> list[HistoryEntry]:
    """A thread's history read from the checkpointer alone (each root checkpoint is
    read once for its next nodes): for listing a database, not for the live view."""
    refs = await list_checkpoints(saver, thread_id)
    known: dict[str, list[str]] = {}
    for ref in refs:
        config: RunnableConfig = {
            "configurable": {
                "thread_id": thread_id,
                "checkpoint_ns": ref.ns,
                "checkpoint_id": ref.checkpoint_id,
            }
        }
        found = await saver.aget_tuple(config)
        if found is not None:
            known[ref.checkpoint_id] = next_nodes(found.checkpoint)
    return build_history(refs, known)
