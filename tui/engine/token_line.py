"""A token's JSONL line, written without building its dict first.

A fast model streams thousands of tokens a second, and a headless run writes each
as a line: ``to_dict`` and the general encoder cost a token more than the engine's
own work on it. This writes the same text as ``json.dumps(token.to_dict(),
ensure_ascii=True, default=repr)`` straight from the fields; a field of a type it
does not expect (or a ``Token`` with other fields than these) falls back to that.
"""

from __future__ import annotations

import json
import math
from typing import Any

from tui.engine.events import Token, data_fields

_FIELDS = (
    "node",
    "text",
    "message_id",
    "task_id",
    "step",
    "role",
    "reasoning",
    "tool_call_chunks",
    "tool_call_id",
    "name",
    "last",
)
_encode_str = json.encoder.encode_basestring_ascii
# A Token given other fields since: the general encoder writes it.
_KNOWN = data_fields(Token) == _FIELDS


class _NotPlain(Exception):
    """A field this writer does not know how to write as json.dumps would."""


def token_line(token: Token) -> str | None:
    """The line, or ``None`` when only the general encoder can write it."""
    if not _KNOWN or type(token) is not Token:
        return None
    try:
        ns = token.ns
        if not all(type(part) is str for part in ns):
            return None
        chunks = token.tool_call_chunks
        return (
            f'{{"seq": {_int(token.seq)}, "t": {_float(round(token.t, 6))}, "kind": "token", '
            f'"ns": [{", ".join(map(_encode_str, ns))}], '
            f'"node": {_str(token.node)}, "text": {_str(token.text)}, '
            f'"message_id": {_optional_str(token.message_id)}, '
            f'"task_id": {_optional_str(token.task_id)}, '
            f'"step": {"null" if token.step is None else _int(token.step)}, '
            f'"role": {_str(token.role)}, "reasoning": {_str(token.reasoning)}, '
            f'"tool_call_chunks": {"[]" if chunks == [] else _json(chunks)}, '
            f'"tool_call_id": {_optional_str(token.tool_call_id)}, '
            f'"name": {_optional_str(token.name)}, "last": {_bool(token.last)}}}'
        )
    except _NotPlain:
        return None


def _str(value: Any) -> str:
    if type(value) is not str:
        raise _NotPlain
    return _encode_str(value)


def _optional_str(value: Any) -> str:
    return "null" if value is None else _str(value)


def _int(value: Any) -> str:
    if type(value) is not int:
        raise _NotPlain
    return int.__repr__(value)


def _float(value: Any) -> str:
    if type(value) is not float or not math.isfinite(value):
        raise _NotPlain
    return float.__repr__(value)


def _bool(value: Any) -> str:
    if type(value) is not bool:
        raise _NotPlain
    return "true" if value else "false"


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=True, default=repr)
    except (TypeError, ValueError, RecursionError) as exc:
        raise _NotPlain from exc
