"""Turn any graph value into faithful JSON data, with secrets removed.

State can hold messages, dataclasses, pydantic models, sets, bytes and arbitrary
objects. Dropping what ``json`` cannot encode would make the inspector lie, so each
is converted to the closest JSON form; only truly opaque objects fall back to
``repr``, and an object whose conversion raises is shown by its ``repr`` too: the
debugger never fails on what a graph holds. Every graph value on its way into an
event passes through here, so this is where the redactor sees it.

A message is converted once: the state carries the same message objects step after
step, and converting all of them again for every event would make each step cost
as much as the whole state. Its ``SharedJson`` is found again by the message's
identity, as long as none of the message's fields was reassigned since (``model_dump``
of every message at every step was most of what a growing run cost). A message
mutated deep inside a field in place (``msg.tool_calls[0]["args"]["x"] = 1``) keeps
the JSON it had; LangGraph's own reducers never do that, they build new messages.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import decimal
import enum
import math
import traceback
import uuid
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from langchain_core.messages import BaseMessage
from langgraph.types import Command, Interrupt, Send
from pydantic import BaseModel, SecretBytes, SecretStr

from tui.engine.identity_cache import IdentityCache
from tui.engine.redaction import REDACTED, Redactor, is_secret_name
from tui.engine.shared_json import (
    SHARED_TYPES,
    DictWithShared,
    ListWithShared,
    SharedJson,
    SharedList,
)

_MAX_DEPTH = 64
# Python refuses to print integers longer than this (sys.get_int_max_str_digits),
# and so would the JSON encoder: such a number is described instead.
_HUGE_INT_BITS = 13_000
# Messages nested deeper than this are converted afresh: near the depth limit the
# JSON of a message depends on where it sits.
_CACHE_DEPTH = 16


class Jsonifier:
    """Converts values to JSON data and redacts them on the way; one per session."""

    def __init__(self, secrets: Iterable[str] | Redactor = ()) -> None:
        self.redactor = secrets if isinstance(secrets, Redactor) else Redactor(secrets)
        # Per message: (a copy of its fields when converted, its JSON).
        self._messages: IdentityCache[tuple[dict[str, Any], SharedJson]] = IdentityCache()
        # Per list of messages (a channel's value, carried by several events of a step):
        # (its items, their field values, its JSON); and per first message, the last
        # such list that began with it, which the next step's list extends.
        self._lists: IdentityCache[_ListEntry] = IdentityCache()
        self._lineage: IdentityCache[_ListEntry] = IdentityCache()
        self._epoch = 0
        self._cached_for: tuple[str, ...] = self.redactor.secrets

    @property
    def secrets(self) -> tuple[str, ...]:
        return self.redactor.secrets

    def scrub(self, text: str) -> str:
        return self.redactor.scrub(text)

    def nodes_ran(self) -> None:
        """The graph's own code may have run since the last call (a node finished,
        streamed, wrote): a kept list of messages is checked again before it is
        used. Until then, the values, the checkpoint and the next tasks' inputs of
        a step, which carry the same list, use it as it was checked."""
        self._epoch += 1

    def __call__(self, value: Any) -> Any:
        if self.redactor.secrets is not self._cached_for:
            # A secret learnt since: what was converted before may hold it.
            self._messages.clear()
            self._lists.clear()
            self._lineage.clear()
            self._cached_for = self.redactor.secrets
        try:
            return self._convert(value, 0, set())
        finally:
            self._messages.end_turn()
            self._lists.end_turn()
            self._lineage.end_turn()

    def _convert(self, value: Any, depth: int, active: set[int]) -> Any:
        cls = type(value)
        if cls is str:
            return self.redactor.scrub(value)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            return _int(value)
        if isinstance(value, str):
            return self.redactor.scrub(value)
        if isinstance(value, float):
            return value if math.isfinite(value) else str(value)
        if _is_message_class(cls) and depth <= _CACHE_DEPTH:
            cached = self._messages.get(value)
            if cached is not None and cached[0] == vars(value):
                return cached[1]
        elif cls is list and depth <= _CACHE_DEPTH:
            listed = self._lists.get(value)
            if listed is not None and self._unchanged(listed, value):
                return listed[2]
        if depth > _MAX_DEPTH:
            return self.scrub(_safe_repr(value))
        marker = id(value)
        if marker in active:
            return f"<cycle {type(value).__name__}>"
        active.add(marker)
        try:
            return self._convert_container(value, depth + 1, active)
        except RecursionError:
            return f"<{type(value).__name__} too deep to show>"
        except Exception as exc:
            # A model_dump, a property or an iterator of the graph's own that
            # raises must not fail the run: show what can be shown.
            return self.redactor.scrub(
                f"<{type(value).__name__} (cannot be shown: {type(exc).__name__})>"
            )
        finally:
            active.discard(marker)

    def _convert_container(self, value: Any, depth: int, active: set[int]) -> Any:
        convert = self._convert
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                name = convert(key, depth, active)
                name = name if isinstance(name, str) else to_text(name)
                out[name] = (
                    REDACTED if _is_secret_item(name, item) else convert(item, depth, active)
                )
            if any(type(item) in SHARED_TYPES for item in out.values()):
                return DictWithShared(out)
            return out
        if isinstance(value, list | tuple):
            if len(value) == 2 and isinstance(value[0], str) and is_secret_name(value[0]):
                # A header or setting given as a pair: ("Authorization", "Bearer ...").
                return [convert(value[0], depth, active), REDACTED]
            if type(value) is list and value and _is_message_class(type(value[0])):
                grown = self._grown(value, depth, active)
                if grown is not None:
                    return grown
            items = [convert(item, depth, active) for item in value]
            if not any(type(item) in SHARED_TYPES for item in items):
                return items
            if type(value) is list and _all_messages(value, items):
                return self._keep_list(value, _fields_of(value), SharedList(items))
            return ListWithShared(items)
        if isinstance(value, set | frozenset):
            items = [convert(item, depth, active) for item in value]
            return sorted(items, key=repr)
        if isinstance(value, SecretStr | SecretBytes):
            return REDACTED
        if isinstance(value, bytes | bytearray | memoryview):
            data = self.redactor.scrub_bytes(bytes(value))
            return {"$bytes": base64.b64encode(data).decode("ascii")}
        if isinstance(value, BaseMessage):
            return self._message(value, depth, active)
        special = _special_form(value)
        if special is not None:
            return convert(special, depth, active)
        if isinstance(value, BaseModel):
            return convert(value.model_dump(mode="python"), depth, active)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return convert(fields, depth, active)
        if isinstance(value, BaseException):
            return {"type": type(value).__name__, "message": self.scrub(safe_str(value))}
        if isinstance(value, enum.Enum):
            return convert(value.value, depth, active)
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, dt.timedelta):
            return value.total_seconds()
        if isinstance(value, uuid.UUID | decimal.Decimal | PurePath):
            return str(value)
        return self.scrub(_safe_repr(value))

    def _unchanged(self, listed: _ListEntry, value: list[Any]) -> bool:
        """The kept list still holds these messages, none of them changed."""
        if listed[0] != tuple(value):
            return False
        if listed[3] != self._epoch and not _fields_unchanged(value, listed[1]):
            return False
        listed[3] = self._epoch
        return True

    def _grown(self, value: list[Any], depth: int, active: set[int]) -> SharedList | None:
        """A list of messages that extends one converted before (the next step's
        messages): the old JSON and that of the messages added, if none of the old
        messages changed."""
        if depth > _CACHE_DEPTH:
            return None
        before = self._lineage.get(value[0])
        if before is None:
            return None
        old_items, old_fields, old_json, _ = before
        n = len(old_items)
        if n >= len(value) or tuple(value[:n]) != old_items:
            return None
        added = value[n:]
        if not all(_is_message_class(type(item)) for item in added):
            return None
        if not _fields_unchanged(value[:n], old_fields):
            return None
        converted = [self._convert(item, depth, active) for item in added]
        if not all(type(item) is SharedJson for item in converted):
            return None
        return self._keep_list(
            value, old_fields + _fields_of(added), SharedList(old_json + converted)
        )

    def _keep_list(
        self, value: list[Any], fields: list[dict[str, Any]], converted: SharedList
    ) -> SharedList:
        entry: _ListEntry = [tuple(value), fields, converted, self._epoch]
        self._lists.put(value, entry)
        self._lineage.put(value[0], entry)
        return converted

    def _message(self, message: BaseMessage, depth: int, active: set[int]) -> Any:
        """A message's JSON, kept for the next time (``_convert`` looks it up)."""
        if depth > _CACHE_DEPTH:
            return self._convert(_message_dict(message), depth, active)
        fields = dict(vars(message))
        converted = self._convert(_message_dict(message), depth, active)
        if not isinstance(converted, dict):
            return converted  # its conversion failed: shown as a description, not kept
        shared = SharedJson(converted)
        self._messages.put(message, (fields, shared))
        return shared


_ListEntry = list[Any]
"""[its items, their field values, its JSON, the epoch it was last checked in]"""


def _fields_of(messages: list[Any]) -> list[dict[str, Any]]:
    """A copy of each message's fields: a message none of whose fields was
    reassigned converts to the same JSON (see the module's docstring)."""
    return list(map(dict, map(vars, messages)))


def _fields_unchanged(messages: list[Any], kept: list[dict[str, Any]]) -> bool:
    """No field of these messages was reassigned since ``kept`` was copied. Their
    fields compared with the copies as they are (each field found by identity
    before equality): building every message's field values again at every step
    cost a growing state's run 4% of its time."""
    return list(map(vars, messages)) == kept


def _all_messages(value: list[Any], converted: list[Any]) -> bool:
    """A list of messages, each converted to its kept JSON: a channel's value."""
    return all(type(item) is SharedJson for item in converted) and all(
        _is_message_class(type(item)) for item in value
    )


_MESSAGE_CLASSES: dict[type, bool] = {}


def _is_message_class(cls: type) -> bool:
    # isinstance on a pydantic class goes through ABCMeta: slow, for every message.
    known = _MESSAGE_CLASSES.get(cls)
    if known is None:
        known = _MESSAGE_CLASSES[cls] = issubclass(cls, BaseMessage)
    return known


def _is_secret_item(name: str, item: Any) -> bool:
    # Numbers and flags under a secret-sounding name ("token_count") are not secrets,
    # nor are containers of nothing else (usage's "input_token_details" counts).
    return is_secret_name(name) and not _only_numbers(item)


def _only_numbers(item: Any, depth: int = 0) -> bool:
    if item is None or isinstance(item, bool | int | float):
        return True
    if depth > 8:
        return False
    if isinstance(item, Mapping):
        return all(_only_numbers(value, depth + 1) for value in item.values())
    if isinstance(item, list | tuple):
        return all(_only_numbers(value, depth + 1) for value in item)
    return False


def _int(value: int) -> int | str:
    if value.bit_length() <= _HUGE_INT_BITS:
        return value
    digits = int(value.bit_length() * math.log10(2)) + 1
    return f"<{'-' if value < 0 else ''}integer of about {digits:,} digits>"


def to_text(value: Any) -> str:
    """Any JSON value as one string (a dict key that was not a string)."""
    import json

    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return _safe_repr(value)


def _message_dict(message: Any) -> dict[str, Any]:
    """A message as data: type and content first, then only the fields it set."""
    data = message.model_dump(exclude_defaults=True)
    data.pop("type", None)
    data.pop("content", None)
    return {"type": message.type, "content": message.content, **data}


def _special_form(value: Any) -> dict[str, Any] | None:
    """LangGraph control objects, shown by what they mean rather than every field."""
    if isinstance(value, Interrupt):
        return {"id": value.id, "value": value.value}
    if isinstance(value, Send):
        return {"$send": value.node, "arg": value.arg}
    if isinstance(value, Command):
        return {
            "$command": {
                k: getattr(value, k)
                for k in ("graph", "update", "resume", "goto")
                if getattr(value, k, None) not in (None, (), [])
            }
        }
    return None


def _safe_repr(value: Any) -> str:
    try:
        return repr(value)
    except RecursionError:
        return f"<{type(value).__name__} too deep to show>"
    except Exception as exc:
        return f"<{type(value).__name__} (repr failed: {type(exc).__name__})>"


def safe_str(value: Any) -> str:
    """``str(value)``, or its ``repr`` when ``__str__`` raises."""
    try:
        return str(value)
    except Exception:
        return _safe_repr(value)


def format_exception(exc: BaseException) -> str:
    try:
        return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    except Exception:  # an exception whose __str__ raises, say
        return f"{type(exc).__name__}: {safe_str(exc)}"
