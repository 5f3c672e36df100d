"""The threads a checkpointer holds, and how each one stands, without its graph.

``langgraph-tui threads`` lists a database a user may no longer have the graph for,
so each thread's status is read from its latest root checkpoint alone: an
unanswered interrupt or a failed task is in its pending writes; the nodes it would
run next are those whose trigger channel (``branch:to:NODE``, as ``StateGraph``
writes them, or a pending ``Send``) changed since the node last saw it.
"""

from __future__ import annotations

import json
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


async def thread_ids(saver: BaseCheckpointSaver, *, graph: str | None = None) -> list[str]:
    """Every thread id, the most recently updated first; with ``graph``, only threads
    that graph ran (by their checkpoints' ``graph_id``; a thread that names none is
    anyone's)."""
    latest: dict[str, tuple[str, str | None]] = {}
    if isinstance(saver, InMemorySaver):
        for thread_id, namespaces in saver.storage.items():
            root = namespaces.get("", {})
            if root:
                newest = max(root)
                metadata = saver.serde.loads_typed(root[newest][1])
                latest[thread_id] = (newest, metadata.get("graph_id"))
    elif _is_sqlite(saver):
        await saver.setup()  # type: ignore[attr-defined]  # a no-op once set up (or read-only)
        async with saver.conn.execute(  # type: ignore[attr-defined]
            "SELECT thread_id, MAX(checkpoint_id), metadata FROM checkpoints "
            "WHERE checkpoint_ns = '' GROUP BY thread_id"
        ) as cursor:
            async for thread_id, checkpoint_id, metadata in cursor:
                owner = json.loads(metadata or b"{}").get("graph_id")
                latest[thread_id] = (checkpoint_id, owner)
    else:
        async for item in saver.alist(None):
            configurable = item.config.get("configurable") or {}
            if configurable.get("checkpoint_ns"):
                continue
            thread_id, checkpoint_id = configurable["thread_id"], configurable["checkpoint_id"]
            if checkpoint_id > latest.get(thread_id, ("", None))[0]:
                owner = (item.metadata or {}).get("graph_id")
                latest[thread_id] = (checkpoint_id, owner if isinstance(owner, str) else None)
    ids = [
        thread_id
        for thread_id, (_, owner) in latest.items()
        if graph is None or owner is None or owner == graph
    ]
    return sorted(ids, key=lambda t: latest[t][0], reverse=True)


def _is_sqlite(saver: BaseCheckpointSaver) -> bool:
    return type(saver).__name__ == "AsyncSqliteSaver" and getattr(saver, "conn", None) is not None


async def open_read_only(path: str) -> BaseCheckpointSaver:
    """A SQLite checkpoint database opened read-only: listing never creates tables in
    a file that is not one (or any file at all)."""
    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    conn = await aiosqlite.connect(f"file:{path}?mode=ro", uri=True)
    try:
        async with conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'checkpoints'"
        ) as cursor:
            found = await cursor.fetchone()
    except Exception as exc:
        await conn.close()
        raise NotACheckpointDatabase(f"{path} is not a SQLite database ({exc})") from exc
    if found is None:
        await conn.close()
        raise NotACheckpointDatabase(
            f"{path} is not a LangGraph checkpoint database (it has no checkpoints table)"
        )
    saver = AsyncSqliteSaver(conn)
    saver.is_setup = True  # the tables are there; setup would write to the file
    return saver


class NotACheckpointDatabase(ValueError):
    """``str()`` names the file and why it is not one."""


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
