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

from tui.engine.events import KNOWN_TOKEN_FIELDS, Token, data_fields

_FIELDS = KNOWN_TOKEN_FIELDS[3:]  # after seq, t and ns (the stamp)
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
        return _stamp(token) + _head(token) + _str(token.text) + _tail(token)
    except _NotPlain:
        return None


_NOTHING: Any = object()


class TokenLines:
    """One writer's token lines. The fields around a token's text are the same for
    every token of a reply (the same objects: the normalizer takes them from the
    same metadata), so their text is made once and found again by the fields'
    identity: a line is its seq, its time, its text and the two kept pieces.
    Not locked: its writer holds its own lock around it."""

    __slots__ = (
        "_head",
        "_last",
        "_message_id",
        "_name",
        "_node",
        "_ns",
        "_reasoning",
        "_role",
        "_step",
        "_tail",
        "_task_id",
        "_tool_call_id",
    )

    def __init__(self) -> None:
        # Nothing kept yet: no token's fields are these objects.
        self._ns = self._node = self._message_id = self._task_id = self._step = _NOTHING
        self._role = self._reasoning = self._tool_call_id = self._name = self._last = _NOTHING
        self._head = self._tail = ""

    def fits(self, token: Token) -> bool:
        """The token's line is its seq, its time and its text between the kept pieces."""
        chunks = token.tool_call_chunks
        t = token.t
        return (
            token.ns is self._ns
            and token.node is self._node
            and token.message_id is self._message_id
            and token.task_id is self._task_id
            and token.step is self._step
            and token.role is self._role
            and token.reasoning is self._reasoning
            and token.tool_call_id is self._tool_call_id
            and token.name is self._name
            and token.last is self._last
            and type(chunks) is list
            and not chunks
            and type(token) is Token
            and type(token.seq) is int
            and type(t) is float
            and type(token.text) is str
            and math.isfinite(t)
        )

    def line(self, token: Token) -> str | None:
        """``token_line(token)``; a token that does not fit has its pieces kept."""
        if not self.fits(token):
            return self._first(token)
        return self.lines([token])[:-1]

    def lines(self, tokens: list[Token]) -> str:
        """The lines of tokens that each ``fits``, each ending in a newline: written
        together, at the writer's next flush."""
        head, tail = self._head, self._tail
        return "".join(
            [
                f'{{"seq": {token.seq}, "t": {_time_text(token.t)}, {head}{_encode_str(token.text)}{tail}\n'
                for token in tokens
            ]
        )

    def _first(self, token: Token) -> str | None:
        """A token whose pieces are not kept: its line, and its pieces kept if they
        can be (they hold no tool-call chunks)."""
        line = token_line(token)
        chunks = token.tool_call_chunks
        if line is not None and type(chunks) is list and not chunks:
            self._head, self._tail = _head(token), _tail(token)
            self._ns, self._node, self._message_id = token.ns, token.node, token.message_id
            self._task_id, self._step, self._role = token.task_id, token.step, token.role
            self._reasoning, self._tool_call_id = token.reasoning, token.tool_call_id
            self._name, self._last = token.name, token.last
        return line


def _stamp(token: Token) -> str:
    t = token.t
    if type(t) is not float or not math.isfinite(t):
        raise _NotPlain
    return f'{{"seq": {_int(token.seq)}, "t": {_time_text(t)}, '


def _time_text(t: float) -> str:
    """``repr(round(t, 6))`` (a finite ``t``), at a third of its cost. Between 1e-4
    and 1e9, "%.6f" rounds to the same six decimals as ``round`` (both correctly),
    and the shortest text of a float that has at most 15 significant digits is
    those digits: so it is that text without its trailing zeros. Elsewhere repr
    writes an exponent, or the digits could be fewer: ``repr`` itself."""
    if 1e-4 <= t < 1e9:
        text = "%.6f" % t  # noqa: UP031 (the fastest way to these digits)
        text = text.rstrip("0")
        return text + "0" if text[-1] == "." else text
    return float.__repr__(round(t, 6))


def _head(token: Token) -> str:
    """What comes between the stamp and the text."""
    ns = token.ns
    if not all(type(part) is str for part in ns):
        raise _NotPlain
    return f'"kind": "token", "ns": [{", ".join(map(_encode_str, ns))}], "node": {_str(token.node)}, "text": '


def _tail(token: Token) -> str:
    """What comes after the text."""
    chunks = token.tool_call_chunks
    return (
        f', "message_id": {_optional_str(token.message_id)}, '
        f'"task_id": {_optional_str(token.task_id)}, '
        f'"step": {"null" if token.step is None else _int(token.step)}, '
        f'"role": {_str(token.role)}, "reasoning": {_str(token.reasoning)}, '
        f'"tool_call_chunks": {"[]" if chunks == [] else _json(chunks)}, '
        f'"tool_call_id": {_optional_str(token.tool_call_id)}, '
        f'"name": {_optional_str(token.name)}, "last": {_bool(token.last)}}}'
    )


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


def _bool(value: Any) -> str:
    if type(value) is not bool:
        raise _NotPlain
    return "true" if value else "false"


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=True, default=repr)
    except (TypeError, ValueError, RecursionError) as exc:
        raise _NotPlain from exc
