"""Time travel on a LangGraph Server: its thread history as the engine's history, and
an edit of a checkpoint checked before the server writes it.

The server's ``/threads/{id}/history`` gives each checkpoint of the root graph with
its parent, metadata (``step``, ``source``) and next nodes: what ``build_history``
needs, with nothing left to read. It does not list subgraph checkpoints, so a
server thread's history has root steps only.

The server's ``update_state`` is LangGraph's, just as forgiving (measured on
langgraph-api 0.16): a key the state lacks is dropped without a word while a
checkpoint is still written, and a reducer merges the edit into the old value. So an
edit is refused here for keys neither the checkpoint nor the state schema has, then
made on a scratch copy of the thread (``threads.copy`` keeps the checkpoint ids),
where each key is written past its reducer when it has one, and only written to the
real thread when the copy's state holds the edit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tui.engine.history import CheckpointRef, checkpoint_ref
from tui.engine.redaction import REDACTED

OVERWRITE = "__overwrite__"
"""LangGraph's JSON form of ``Overwrite``: a reducer channel takes the value as is."""


class EditProblem(ValueError):
    """An edit that does not fit; ``str()`` says why."""


def history_refs(
    states: Iterable[dict[str, Any]],
) -> tuple[list[CheckpointRef], dict[str, list[str]]]:
    """The server's thread states (newest first, as it sends them) as checkpoint refs,
    oldest first, and each checkpoint's next nodes."""
    refs: list[CheckpointRef] = []
    known_next: dict[str, list[str]] = {}
    for state in states:
        checkpoint = state.get("checkpoint") or {}
        checkpoint_id = checkpoint.get("checkpoint_id")
        if not checkpoint_id:
            continue
        parent = (state.get("parent_checkpoint") or {}).get("checkpoint_id")
        metadata = state.get("metadata") or {}
        refs.append(
            checkpoint_ref(
                checkpoint_id,
                parent,
                checkpoint.get("checkpoint_ns") or "",
                metadata if isinstance(metadata, dict) else {},
            )
        )
        known_next[checkpoint_id] = [str(n) for n in state.get("next") or []]
    return sorted(refs, key=lambda ref: ref.checkpoint_id), known_next


def edit_update(shown: dict[str, Any], edited: Any, state_schema: dict[str, Any]) -> dict[str, Any]:
    """The keys ``edited`` changes, from ``shown`` (the checkpoint's values as the
    inspector shows them); refused for keys the state does not have, for a secret's
    placeholder, and for an edit that changes nothing."""
    if not isinstance(edited, dict):
        raise EditProblem("an edit is a JSON object of state keys and their new values")
    keys = list(dict.fromkeys([*(state_schema.get("properties") or {}), *shown]))
    unknown = [key for key in edited if key not in keys]
    if unknown:
        have = ", ".join(keys) if keys else "none"
        raise EditProblem(f"the state has no {', '.join(map(repr, unknown))}: its keys are {have}")
    update = {key: value for key, value in edited.items() if shown.get(key, _ABSENT) != value}
    if not update:
        raise EditProblem("the edit changes nothing")
    for key, value in update.items():
        if REDACTED in json.dumps(value, ensure_ascii=False, default=str):
            # Written back, the placeholder would replace the secret for good.
            raise EditProblem(
                f"{key}: it contains {REDACTED}, which stands for a secret the inspector "
                "hides: leave that value as it was, or type the value in full"
            )
    return update


def overwrite_all(update: dict[str, Any]) -> dict[str, Any]:
    return {key: {OVERWRITE: value} for key, value in update.items()}


def kept_as_written(values: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """After ``overwrite_all`` was written: a key without a reducer stores the wrapper
    itself, so it is written plain; a key with one took the value as is."""
    return {
        key: value if values.get(key) == {OVERWRITE: value} else {OVERWRITE: value}
        for key, value in update.items()
    }


def missing_from(values: dict[str, Any], update: dict[str, Any]) -> str | None:
    """What of ``update`` the state ``values`` does not hold (``None``: all of it).
    Values must read back as typed, except that a message typed as ``{"type",
    "content"}`` reads back with the id and default fields LangChain fills in."""
    for key, value in update.items():
        if not _holds(values.get(key, _ABSENT), value):
            return f"{key}: the state does not keep the edit (it reads {_short(values.get(key))})"
    return None


def _holds(found: Any, typed: Any) -> bool:
    if isinstance(typed, dict) and isinstance(found, dict):
        added = set(found) - set(typed)
        if added and not (isinstance(typed.get("type"), str) and added <= _MESSAGE_DEFAULTS):
            return False
        return all(k in found and _holds(found[k], v) for k, v in typed.items())
    if isinstance(typed, list) and isinstance(found, list):
        return len(typed) == len(found) and all(map(_holds, found, typed))
    return bool(found == typed)


# What a message gets when it is made from a dict (LangChain's fields with defaults).
_MESSAGE_DEFAULTS = frozenset(
    {
        "id",
        "name",
        "additional_kwargs",
        "response_metadata",
        "example",
        "tool_calls",
        "invalid_tool_calls",
        "usage_metadata",
        "tool_call_id",
        "artifact",
        "status",
    }
)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:119] + "…"


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT: Any = _Absent()
