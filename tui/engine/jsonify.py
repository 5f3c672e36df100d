"""Turn any graph value into faithful JSON data, with secrets removed.

State can hold messages, dataclasses, pydantic models, sets, bytes and arbitrary
objects. Dropping what ``json`` cannot encode would make the inspector lie, so each
is converted to the closest JSON form; only truly opaque objects fall back to
``repr``. Secrets are scrubbed here because every event passes through this function
on its way to a screen or a recording.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import decimal
import enum
import math
import os
import re
import traceback
import uuid
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

from langchain_core.messages import BaseMessage
from langgraph.types import Command, Interrupt, Send
from pydantic import BaseModel, SecretBytes, SecretStr

REDACTED = "[redacted]"

_SECRET_KEY = re.compile(
    r"(api[_-]?key|secret|passw(or)?d|authorization|auth[_-]?token|access[_-]?token|"
    r"refresh[_-]?token|bearer|private[_-]?key)",
    re.IGNORECASE,
)
_SECRET_ENV = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.IGNORECASE)
_MIN_SECRET_LEN = 8
_MAX_DEPTH = 64


def secret_values_from_env(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """Values of environment variables whose names say they are secrets."""
    env = os.environ if environ is None else environ
    return frozenset(
        value
        for name, value in env.items()
        if _SECRET_ENV.search(name) and len(value) >= _MIN_SECRET_LEN
    )


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


class Jsonifier:
    """Converts values to JSON data; one instance per session so the set of secret
    values is computed once, not per token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(sorted({s for s in secrets if len(s) >= _MIN_SECRET_LEN}))

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def __call__(self, value: Any) -> Any:
        return self._convert(value, 0, set())

    def _convert(self, value: Any, depth: int, active: set[int]) -> Any:
        if value is None or isinstance(value, bool | int):
            return value
        if isinstance(value, str):
            return self.scrub(value) if self.secrets else value
        if isinstance(value, float):
            return value if math.isfinite(value) else str(value)
        if depth > _MAX_DEPTH:
            return self.scrub(_safe_repr(value))
        marker = id(value)
        if marker in active:
            return f"<cycle {type(value).__name__}>"
        active.add(marker)
        try:
            return self._convert_container(value, depth + 1, active)
        finally:
            active.discard(marker)

    def _convert_container(self, value: Any, depth: int, active: set[int]) -> Any:
        convert = self._convert
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                name = key if isinstance(key, str) else str(convert(key, depth, active))
                out[name] = REDACTED if is_secret_key(name) else convert(item, depth, active)
            return out
        if isinstance(value, list | tuple):
            return [convert(item, depth, active) for item in value]
        if isinstance(value, set | frozenset):
            items = [convert(item, depth, active) for item in value]
            return sorted(items, key=repr)
        if isinstance(value, SecretStr | SecretBytes):
            return REDACTED
        if isinstance(value, bytes | bytearray | memoryview):
            return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
        if isinstance(value, BaseMessage):
            return convert(_message_dict(value), depth, active)
        special = _special_form(value)
        if special is not None:
            return convert(special, depth, active)
        if isinstance(value, BaseModel):
            return convert(value.model_dump(mode="python"), depth, active)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return convert(fields, depth, active)
        if isinstance(value, BaseException):
            return {"type": type(value).__name__, "message": self.scrub(str(value))}
        if isinstance(value, enum.Enum):
            return convert(value.value, depth, active)
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, dt.timedelta):
            return value.total_seconds()
        if isinstance(value, uuid.UUID | decimal.Decimal | PurePath):
            return str(value)
        return self.scrub(_safe_repr(value))


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
    except Exception as exc:
        return f"<{type(value).__name__} (repr failed: {exc!r})>"


def format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
