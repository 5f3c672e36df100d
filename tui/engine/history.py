"""A thread's checkpoints as a history: steps, branches, and the subgraphs inside them.

LangGraph keeps every checkpoint; ``aget_state_history`` reads each one whole, which
costs the size of the state per checkpoint (measured: 66 s for a 1,000-step loop whose
message list grows by one message a step). The history needs only who follows whom,
so it is read from the checkpoints' metadata: straight from the stores we know (the
in-memory saver's dict, SQLite's ``metadata`` column), through ``alist`` otherwise.
What a checkpoint's next nodes are is known for every checkpoint this session saw
streamed, and read (with its state) when one is looked at.

A checkpoint's id is a UUIDv6, so it carries the time it was made, and ids sort in
the order the checkpoints were made.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Only types here: the app imports HistoryEntry before its first frame, and
    # LangGraph takes a second to import (it loads behind that frame).
    from langchain_core.runnables import RunnableConfig
    from langgraph.checkpoint.base import BaseCheckpointSaver

# 100-ns intervals between the Gregorian epoch (UUID time) and the Unix epoch.
_GREGORIAN_TO_UNIX = 0x01B21DD213814000


class CheckpointSource(StrEnum):
    """Why LangGraph wrote a checkpoint (its ``metadata.source``)."""

    INPUT = "input"
    LOOP = "loop"
    UPDATE = "update"
    FORK = "fork"
    OTHER = "other"

    @classmethod
    def of(cls, value: Any) -> CheckpointSource:
        try:
            return cls(value)
        except ValueError:
            return cls.OTHER


@dataclass(frozen=True)
class CheckpointRef:
    """One checkpoint as the store lists it: no state, no next nodes."""

    checkpoint_id: str
    parent_id: str | None
    ns: str
    step: int
    source: CheckpointSource
    root_parent: str | None = None
    """For a subgraph's checkpoint: the root checkpoint whose step ran the subgraph."""


@dataclass
class HistoryEntry:
    checkpoint_id: str
    parent_id: str | None
    ns: tuple[str, ...]
    step: int
    source: CheckpointSource
    created_at: datetime | None
    next: list[str] | None
    """The nodes that run after this checkpoint; ``None`` until it is read."""
    ran: list[str] | None
    """The nodes whose writes made this checkpoint (its parent's next)."""
    on_branch: bool = True
    """On the branch that leads to the thread's latest checkpoint."""
    forked: bool = False
    """More than one checkpoint continues from this one: a branch starts here."""
    inner: list[HistoryEntry] = field(default_factory=list)
    """Subgraph checkpoints made while the step after this checkpoint ran."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "checkpoint_id": self.checkpoint_id,
            "parent_id": self.parent_id,
            "ns": list(self.ns),
            "step": self.step,
            "source": self.source.value,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "next": self.next,
            "ran": self.ran,
            "on_branch": self.on_branch,
            "forked": self.forked,
            "inner": [entry.to_dict() for entry in self.inner],
        }


def created_at(checkpoint_id: str) -> datetime | None:
    """When a checkpoint was made, read from its UUIDv6 id."""
    try:
        value = uuid.UUID(checkpoint_id)
    except ValueError:
        return None
    if value.version != 6:
        return None
    # UUIDv6 puts the time most-significant first (uuid.UUID names its fields v1-style).
    n = value.int >> 64
    ticks = ((n >> 32) << 28) | (((n >> 16) & 0xFFFF) << 12) | (n & 0x0FFF)
    seconds = (ticks - _GREGORIAN_TO_UNIX) / 1e7
    if seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


async def list_checkpoints(saver: BaseCheckpointSaver, thread_id: str) -> list[CheckpointRef]:
    """Every checkpoint of a thread, all namespaces, oldest first."""
    refs = _from_memory(saver, thread_id)
    if refs is None:
        refs = await _from_sqlite(saver, thread_id)
    if refs is None:
        refs = await _from_alist(saver, thread_id)
    return sorted(refs, key=lambda ref: ref.checkpoint_id)


def checkpoint_ref(
    checkpoint_id: str, parent_id: str | None, ns: str, metadata: dict[str, Any]
) -> CheckpointRef:
    """A checkpoint as its metadata describes it (LangGraph's, or a server's copy)."""
    parents = metadata.get("parents") or {}
    step = metadata.get("step")
    return CheckpointRef(
        checkpoint_id=checkpoint_id,
        parent_id=parent_id,
        ns=ns,
        step=step if isinstance(step, int) else -1,
        source=CheckpointSource.of(metadata.get("source")),
        root_parent=parents.get("") if ns and isinstance(parents, dict) else None,
    )


def _from_memory(saver: BaseCheckpointSaver, thread_id: str) -> list[CheckpointRef] | None:
    from langgraph.checkpoint.memory import InMemorySaver

    if not isinstance(saver, InMemorySaver):
        return None
    refs = []
    for ns, checkpoints in saver.storage.get(thread_id, {}).items():
        for checkpoint_id, (_, metadata, parent_id) in list(checkpoints.items()):
            refs.append(
                checkpoint_ref(checkpoint_id, parent_id, ns, saver.serde.loads_typed(metadata))
            )
    return refs


async def _from_sqlite(saver: BaseCheckpointSaver, thread_id: str) -> list[CheckpointRef] | None:
    conn = getattr(saver, "conn", None)
    if type(saver).__name__ != "AsyncSqliteSaver" or conn is None:
        return None
    await saver.setup()  # type: ignore[attr-defined]  # a no-op once set up (or read-only)
    refs = []
    async with conn.execute(
        "SELECT checkpoint_ns, checkpoint_id, parent_checkpoint_id, metadata "
        "FROM checkpoints WHERE thread_id = ?",
        (thread_id,),
    ) as cursor:
        async for ns, checkpoint_id, parent_id, metadata in cursor:
            refs.append(checkpoint_ref(checkpoint_id, parent_id, ns, json.loads(metadata or b"{}")))
    return refs


async def _from_alist(saver: BaseCheckpointSaver, thread_id: str) -> list[CheckpointRef]:
    config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
    refs = []
    async for item in saver.alist(config):
        configurable = item.config.get("configurable") or {}
        parent = ((item.parent_config or {}).get("configurable") or {}).get("checkpoint_id")
        refs.append(
            checkpoint_ref(
                configurable["checkpoint_id"],
                parent,
                configurable.get("checkpoint_ns", ""),
                dict(item.metadata or {}),
            )
        )
    return refs


def build_history(
    refs: Iterable[CheckpointRef],
    known_next: dict[str, list[str]],
    as_nodes: dict[str, str] | None = None,
) -> list[HistoryEntry]:
    """The root checkpoints, oldest first, each with the subgraph checkpoints made in
    the step that followed it. ``known_next`` maps checkpoint ids to their next nodes
    where known; ``as_nodes`` says which node an edit was made as."""
    as_nodes = as_nodes or {}
    refs = list(refs)
    by_id = {ref.checkpoint_id: ref for ref in refs}
    children: dict[str | None, int] = {}
    for ref in refs:
        children[ref.parent_id] = children.get(ref.parent_id, 0) + 1
    roots = [ref for ref in refs if not ref.ns]
    branch: set[str] = set()
    tip = roots[-1].checkpoint_id if roots else None
    while tip is not None and tip not in branch:
        branch.add(tip)
        tip = by_id[tip].parent_id if tip in by_id else None

    def entry(ref: CheckpointRef) -> HistoryEntry:
        if ref.source == CheckpointSource.UPDATE:
            ran: list[str] | None = (
                [as_nodes[ref.checkpoint_id]] if ref.checkpoint_id in as_nodes else None
            )
        elif ref.source == CheckpointSource.INPUT or ref.source == CheckpointSource.FORK:
            ran = []
        else:
            ran = known_next.get(ref.parent_id or "")
        return HistoryEntry(
            checkpoint_id=ref.checkpoint_id,
            parent_id=ref.parent_id,
            ns=tuple(ref.ns.split("|")) if ref.ns else (),
            step=ref.step,
            source=ref.source,
            created_at=created_at(ref.checkpoint_id),
            next=known_next.get(ref.checkpoint_id),
            ran=ran,
            on_branch=not ref.ns and ref.checkpoint_id in branch,
            forked=children.get(ref.checkpoint_id, 0) > 1,
        )

    entries = {ref.checkpoint_id: entry(ref) for ref in roots}
    for ref in refs:
        if ref.ns:
            host = entries.get(ref.root_parent or "")
            if host is not None:
                inner = entry(ref)
                inner.on_branch = host.on_branch
                host.inner.append(inner)
    return list(entries.values())
