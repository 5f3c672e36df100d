"""An edit of a checkpoint's state, checked before anything is written.

The user edits the state as JSON (what the inspector shows). LangGraph's
``update_state`` is forgiving in ways a debugger must not be (measured on 1.2):
a key the state does not have is dropped without a word, yet a checkpoint is still
written; a reducer (``add_messages``, ``operator.add``) merges the edit into the old
value instead of replacing it. So an edit here:

* becomes real values by laying the JSON over the original objects: what the user
  left alone keeps its original object (a message stays a message, a secret that the
  JSON shows redacted stays the secret); only what changed is rebuilt;
* is refused, with the reason, for a key the state lacks or a value its type refuses;
* replaces the keys it changes (``Overwrite``, past the reducers);
* is tried first on a scratch copy of the checkpoint, and refused unless the state
  read back from that copy holds exactly the edit.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Callable
from typing import Any

from langchain_core.messages import BaseMessage, messages_from_dict
from langchain_core.runnables import RunnableConfig
from langgraph.channels.binop import BinaryOperatorAggregate
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.pregel import Pregel
from langgraph.types import Overwrite
from pydantic import BaseModel, TypeAdapter, ValidationError

from tui.engine.redaction import REDACTED

JSON = Any


class EditRefused(ValueError):
    """An edit that does not fit the state; ``str()`` says why. Nothing was written."""


def state_keys(graph: Pregel) -> list[str]:
    """The keys of a graph's state (its channels that are not LangGraph's own)."""
    return [name for name in graph.channels if not name.startswith("__") and ":" not in name]


def changed_values(
    values: dict[str, Any], shown: dict[str, JSON], edited: dict[str, JSON]
) -> dict[str, Any]:
    """The real values of the keys ``edited`` changes: ``shown`` is ``values`` as JSON
    (what the user saw); keys whose JSON did not change are left out."""
    out = {}
    for key, new in edited.items():
        if key in shown and shown[key] == new:
            continue
        out[key] = _laid_over(values.get(key), shown.get(key), new, key)
    return out


def _laid_over(original: Any, shown: JSON, new: JSON, where: str) -> Any:
    if shown == new:
        return original
    if isinstance(original, BaseMessage | BaseModel) and isinstance(new, dict):
        if isinstance(original, BaseMessage) and new.get("type", original.type) != original.type:
            raise EditRefused(
                f"{where}: a {original.type} message cannot become {new.get('type')!r}: "
                "remove it and add a new message instead"
            )
        fields = {
            k: v for k, v in new.items() if k != "type" or not isinstance(original, BaseMessage)
        }
        before = original.model_dump()
        shown_fields = shown if isinstance(shown, dict) else {}
        for name, value in fields.items():
            if name in before:
                fields[name] = _laid_over(
                    before[name], shown_fields.get(name), value, f"{where}.{name}"
                )
        try:
            return type(original).model_validate({**before, **fields})
        except ValidationError as exc:
            raise EditRefused(f"{where}: {_first_error(exc)}") from exc
    if (
        dataclasses.is_dataclass(original)
        and not isinstance(original, type)
        and isinstance(new, dict)
    ):
        names = {f.name for f in dataclasses.fields(original)}
        unknown = sorted(set(new) - names)
        if unknown:
            raise EditRefused(
                f"{where}: {type(original).__name__} has no field {', '.join(unknown)}"
            )
        shown_fields = shown if isinstance(shown, dict) else {}
        changes = {
            name: _laid_over(
                getattr(original, name), shown_fields.get(name), value, f"{where}.{name}"
            )
            for name, value in new.items()
        }
        return dataclasses.replace(original, **changes)
    if isinstance(original, dict) and isinstance(new, dict):
        shown_keys = shown if isinstance(shown, dict) else {}
        return {
            key: _laid_over(original.get(key), shown_keys.get(key), value, f"{where}.{key}")
            if key in original
            else _fresh(value, [], f"{where}.{key}")
            for key, value in new.items()
        }
    if isinstance(original, list | tuple) and isinstance(new, list):
        shown_items = shown if isinstance(shown, list) else []
        if _messages_with_ids(original):
            return _messages_laid_over(original, shown_items, new, where)
        items = [
            _laid_over(
                original[i],
                shown_items[i] if i < len(shown_items) else None,
                value,
                f"{where}[{i}]",
            )
            if i < len(original)
            else _fresh(value, list(original), f"{where}[{i}]")
            for i, value in enumerate(new)
        ]
        return type(original)(items) if isinstance(original, tuple) else items
    if isinstance(shown, str) and not isinstance(original, str) and original is not None:
        # The inspector showed a repr: there is no JSON form to edit it in.
        raise EditRefused(
            f"{where}: a {type(original).__name__} is shown as text and cannot be edited as JSON"
        )
    return _fresh(new, [], where)


def _messages_with_ids(items: Any) -> bool:
    return any(isinstance(item, BaseMessage) and item.id for item in items)


def _messages_laid_over(original: Any, shown: list[JSON], new: list[JSON], where: str) -> list[Any]:
    """A message list edited: each message found by its id (a deleted or inserted
    message does not shift the others onto the wrong originals)."""
    by_id = {
        item.id: (item, shown[i] if i < len(shown) else None)
        for i, item in enumerate(original)
        if isinstance(item, BaseMessage) and item.id
    }
    out = []
    for i, value in enumerate(new):
        found = by_id.get(str(value.get("id"))) if isinstance(value, dict) else None
        if found is not None:
            out.append(_laid_over(found[0], found[1], value, f"{where}[{i}]"))
        else:
            out.append(_fresh(value, list(original), f"{where}[{i}]"))
    return out


def _fresh(value: JSON, siblings: list[Any], where: str = "") -> Any:
    """A new value typed in as JSON: a message when it sits among messages."""
    if REDACTED in json.dumps(value, ensure_ascii=False, default=str):
        # The inspector hides secrets as the placeholder: written back, the secret
        # would be lost for good (a value left as it was keeps its original).
        raise EditRefused(
            f"{where or 'the edit'}: it contains {REDACTED}, which stands for a secret the "
            "inspector hides: leave that value as it was, or type the value in full"
        )
    if (
        isinstance(value, dict)
        and isinstance(value.get("type"), str)
        and any(isinstance(s, BaseMessage) for s in siblings)
    ):
        data = {k: v for k, v in value.items() if k != "type"}
        try:
            return messages_from_dict([{"type": value["type"], "data": data}])[0]
        except Exception as exc:
            raise EditRefused(f"{value.get('type')!r} is not a message type: {exc}") from exc
    return value


def check_update(graph: Pregel, update: dict[str, Any]) -> None:
    """Refuse keys the state lacks and values its declared types refuse."""
    keys = state_keys(graph)
    if not keys:
        raise EditRefused("this graph's state has no keys to edit")
    unknown = [key for key in update if key not in keys]
    if unknown:
        raise EditRefused(
            f"the state has no {', '.join(map(repr, unknown))}: its keys are {', '.join(keys)}"
        )
    hints = _state_hints(graph)
    for key, value in update.items():
        hint = hints.get(key)
        if hint is None:
            continue
        try:
            adapter = TypeAdapter(hint)
        except Exception:
            continue  # a type pydantic cannot check: the scratch run still checks the write
        try:
            adapter.validate_python(value)
        except ValidationError as exc:
            raise EditRefused(f"{key}: {_first_error(exc)}") from exc
        except Exception:
            continue  # a validator that cannot take live objects (messages): as above


def _state_hints(graph: Pregel) -> dict[str, Any]:
    schema = getattr(getattr(graph, "builder", None), "state_schema", None)
    if schema is None:
        return {}
    try:
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            return {name: f.annotation for name, f in schema.model_fields.items()}
        return typing.get_type_hints(schema)
    except Exception:
        return {}


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where + ': ' if where else ''}{error.get('msg', 'not valid')}"


def _past_reducers(graph: Pregel, update: dict[str, Any]) -> dict[str, Any]:
    """``Overwrite`` for keys with a reducer; a plain value elsewhere, where LangGraph
    would store the ``Overwrite`` object itself (measured on 1.2)."""
    return {
        key: Overwrite(value)
        if isinstance(graph.channels.get(key), BinaryOperatorAggregate)
        else value
        for key, value in update.items()
    }


async def dry_run(
    graph: Pregel,
    saver: BaseCheckpointSaver,
    config: RunnableConfig,
    update: dict[str, Any],
    as_node: str | None,
    jsonify: Callable[[Any], JSON],
) -> None:
    """Make the edit on a scratch copy of the checkpoint and refuse it unless the
    state read back holds it. The real checkpointer is only read."""
    found = await saver.aget_tuple(config)
    if found is None:
        raise EditRefused("that checkpoint is not in the checkpointer")
    scratch = InMemorySaver(serde=saver.serde)
    parent = found.parent_config or {
        "configurable": {**found.config["configurable"], "checkpoint_id": None}
    }
    parent_configurable = dict(parent["configurable"])
    parent_configurable.setdefault("checkpoint_ns", "")
    checkpoint = found.checkpoint
    await scratch.aput(
        {"configurable": parent_configurable},
        checkpoint,
        found.metadata,
        dict(checkpoint["channel_versions"]),
    )
    # Its pending writes too (an interrupt, a failed node's error): they decide what
    # an update may do.
    by_task: dict[str, list[tuple[str, Any]]] = {}
    for task_id, channel, value in found.pending_writes or []:
        by_task.setdefault(task_id, []).append((channel, value))
    for task_id, writes in by_task.items():
        await scratch.aput_writes(found.config, writes, task_id)
    copy = graph.copy(update={"checkpointer": scratch, "store": None})
    await apply_and_verify(copy, found.config, update, as_node, jsonify)


async def apply_and_verify(
    graph: Pregel,
    config: RunnableConfig,
    update: dict[str, Any],
    as_node: str | None,
    jsonify: Callable[[Any], JSON],
) -> RunnableConfig:
    """Write the edit as a new checkpoint after ``config`` and check it holds."""
    written = await write_edit(graph, config, update, as_node)
    await verify_edit(graph, written, update, jsonify)
    return written


async def write_edit(
    graph: Pregel, config: RunnableConfig, update: dict[str, Any], as_node: str | None
) -> RunnableConfig:
    try:
        return await graph.aupdate_state(config, _past_reducers(graph, update), as_node=as_node)
    except Exception as exc:
        raise EditRefused(f"LangGraph refused the edit: {type(exc).__name__}: {exc}") from exc


async def verify_edit(
    graph: Pregel,
    written: RunnableConfig,
    update: dict[str, Any],
    jsonify: Callable[[Any], JSON],
) -> None:
    """Refuse unless the state read back at ``written`` holds every edited value."""
    state = await graph.aget_state(written)
    for key, value in update.items():
        if jsonify(state.values.get(key)) != jsonify(value):
            raise EditRefused(
                f"{key}: the state does not keep the edit (the graph's schema changes it to "
                f"{jsonify(state.values.get(key))!r})"
            )
