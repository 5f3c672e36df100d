"""A recording's history: the checkpoints its events announced, as the live view
shows a thread's (a recording holds no checkpointer, so what it saw is all there is)."""

from __future__ import annotations

from typing import Any

from tui.engine.events import Checkpoint, Event
from tui.engine.history import CheckpointRef, CheckpointSource, HistoryEntry, build_history
from tui.engine.session_front import SessionError


def recorded_history(events: list[Event]) -> list[HistoryEntry]:
    checkpoints = _checkpoints(events)
    known = {c.checkpoint_id: list(c.next) for c in checkpoints.values() if c.checkpoint_id}
    refs = []
    for checkpoint in checkpoints.values():
        assert checkpoint.checkpoint_id is not None
        refs.append(
            CheckpointRef(
                checkpoint_id=checkpoint.checkpoint_id,
                parent_id=checkpoint.parent_id,
                ns="|".join(checkpoint.ns),
                step=checkpoint.step,
                source=_source(checkpoint),
                root_parent=_root_before(checkpoint, checkpoints) if checkpoint.ns else None,
            )
        )
    return build_history(sorted(refs, key=lambda r: r.checkpoint_id), known)


def recorded_state(events: list[Event], checkpoint_id: str) -> dict[str, Any]:
    checkpoints = _checkpoints(events)
    found = checkpoints.get(checkpoint_id)
    if found is None:
        raise SessionError(f"the recording has no checkpoint {checkpoint_id}")
    parent = checkpoints.get(found.parent_id or "")
    return {
        "checkpoint_id": checkpoint_id,
        "ns": list(found.ns),
        "step": found.step,
        "next": list(found.next),
        "parent_id": found.parent_id,
        "values": found.values,
        "parent_values": parent.values if parent is not None else None,
    }


def _checkpoints(events: list[Event]) -> dict[str, Checkpoint]:
    return {e.checkpoint_id: e for e in events if isinstance(e, Checkpoint) and e.checkpoint_id}


def _source(checkpoint: Checkpoint) -> CheckpointSource:
    if checkpoint.source is not None:
        return CheckpointSource.of(checkpoint.source)
    # Recordings made before checkpoints carried their source: step -1 is the input.
    return CheckpointSource.INPUT if checkpoint.step < 0 else CheckpointSource.LOOP


def _root_before(checkpoint: Checkpoint, checkpoints: dict[str, Checkpoint]) -> str | None:
    """The latest root checkpoint announced before this subgraph checkpoint."""
    before = None
    for other in checkpoints.values():
        if other is checkpoint:
            break
        if not other.ns:
            before = other.checkpoint_id
    return before
