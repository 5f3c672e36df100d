"""JSON shared between events, and writing it without encoding it again.

A message that stays in the state is converted once (``Jsonifier``) and the same
``SharedJson`` then rides in every event that carries the state: the task inputs,
``values``, ``checkpoint``, of every later step. Event data is never mutated by
anyone; a ``SharedJson`` is shared, so it must not be.

A list of messages (a channel's value) is shared the same way (``SharedList``): the
values, the checkpoint and the next tasks' inputs of a step carry the same list.

The containers the ``Jsonifier`` builds around shared values say so by their type
(``ListWithShared``, ``DictWithShared``), so ``encode`` walks only those and writes
a shared value's text from the cache, and everything else in one call to the C
encoder. They are ``dict`` and ``list`` in every other respect: equal to the plain
ones, and what a consumer reads is the same.

``encode(value, cache)`` is exactly ``json.dumps(value, ensure_ascii=True,
default=repr)`` (but for a value with a cycle, which the ``Jsonifier`` never makes).
"""

from __future__ import annotations

import json
from typing import Any

from tui.engine.identity_cache import IdentityCache


class SharedJson(dict):
    """A converted message (or other value converted once per object), shared by
    every event that carries it unchanged."""

    __slots__ = ()


class SharedList(list):
    """A converted list of messages (a channel's value), shared by every event of a
    step that carries the same list: the values, the checkpoint, the next tasks'
    inputs."""

    __slots__ = ()


class ListWithShared(list):
    """A JSON list with a ``SharedJson`` somewhere inside."""

    __slots__ = ()


class DictWithShared(dict):
    """A JSON object with a ``SharedJson`` somewhere inside."""

    __slots__ = ()


SHARED_TYPES = frozenset({SharedJson, SharedList, ListWithShared, DictWithShared})

_ENCODER = json.JSONEncoder(ensure_ascii=True, default=repr)
_encode_key = json.encoder.encode_basestring_ascii
# json.dumps makes its C encoder anew for every call; one made once writes the same
# text (a token's line is written thousands of times a second). Without the circular
# check: a cycle ends in RecursionError (the caller then asks json.dumps why).
_make_c_encoder = getattr(json.encoder, "c_make_encoder", None)
_c_encoder = (
    _make_c_encoder(None, repr, _encode_key, None, ": ", ", ", False, False, True)
    if _make_c_encoder is not None
    else None
)


def plain_encode(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=True, default=repr)``, but a cycle raises
    ``RecursionError`` (``ValueError`` in ``json.dumps``)."""
    if _c_encoder is None or isinstance(value, str):
        return _ENCODER.encode(value)
    return "".join(_c_encoder(value, 0))


def holds_shared(value: Any) -> bool:
    return type(value) in SHARED_TYPES


def encode(value: Any, cache: IdentityCache[str]) -> str:
    """``json.dumps(value, ensure_ascii=True, default=repr)``, reusing the text of
    each ``SharedJson`` written before."""
    kind = type(value)
    if kind is SharedJson or kind is SharedList:
        text = cache.get(value)
        if text is None:
            text = plain_encode(value) if kind is SharedJson else _encode_list(value, cache)
            cache.put(value, text)
        return text
    if kind is ListWithShared:
        return _encode_list(value, cache)
    if kind is DictWithShared:
        if not value:
            return "{}"
        if not all(type(key) is str for key in value):
            return plain_encode(value)  # json's own rules for other keys
        return (
            "{"
            + ", ".join(
                [_encode_key(key) + ": " + encode(item, cache) for key, item in value.items()]
            )
            + "}"
        )
    return plain_encode(value)


def _encode_list(value: list[Any], cache: IdentityCache[str]) -> str:
    if not value:
        return "[]"
    return "[" + ", ".join([encode(item, cache) for item in value]) + "]"


def encode_fields(data: dict[str, Any], cache: IdentityCache[str]) -> str:
    """An event's fields (string keys) as one JSON object, as ``encode`` writes them."""
    if not any(type(value) in SHARED_TYPES for value in data.values()):
        return plain_encode(data)
    return encode(DictWithShared(data), cache)
