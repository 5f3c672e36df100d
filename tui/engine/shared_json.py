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


class TextCache:
    """What a writer has written of shared values: each one's text (a list's without
    its closing bracket), and, per first message, the last list of messages that
    began with it, with its text: the next step's list (the same messages and one
    more) is that text and the new message's."""

    __slots__ = ("lists", "texts")

    def __init__(self) -> None:
        self.texts: IdentityCache[str] = IdentityCache()
        self.lists: IdentityCache[tuple[SharedList, str]] = IdentityCache()

    def end_turn(self) -> None:
        self.texts.end_turn()
        self.lists.end_turn()


def encode(value: Any, cache: TextCache) -> str:
    """``json.dumps(value, ensure_ascii=True, default=repr)``, reusing the text of
    each shared value written before."""
    out: list[str] = []
    _write(value, cache, out)
    return "".join(out)


def encode_fields(data: dict[str, Any], cache: TextCache) -> str:
    """An event's fields (string keys) as one JSON object, as ``encode`` writes them."""
    if SHARED_TYPES.isdisjoint(map(type, data.values())):
        return plain_encode(data)
    return encode(DictWithShared(data), cache)


def _write(value: Any, cache: TextCache, out: list[str]) -> None:
    # Appends pieces and joins once: a state's text is large, and every ``+`` of it
    # would copy it again.
    kind = type(value)
    if kind is SharedJson:
        text = cache.texts.get(value)
        if text is None:
            text = plain_encode(value)
            cache.texts.put(value, text)
        out.append(text)
    elif kind is SharedList:
        if not value:
            out.append("[]")
            return
        text = cache.texts.get(value)
        if text is None:
            text = _open_list_text(value, cache)
            cache.texts.put(value, text)
        out.append(text)
        out.append("]")
    elif kind is ListWithShared:
        if not value:
            out.append("[]")
            return
        out.append("[")
        _write_items(value, cache, out)
        out.append("]")
    elif kind is DictWithShared and all(type(key) is str for key in value):
        if not value:
            out.append("{}")
            return
        out.append("{")
        for n, (key, item) in enumerate(value.items()):
            out.append(", " + _encode_key(key) + ": " if n else _encode_key(key) + ": ")
            _write(item, cache, out)
        out.append("}")
    else:
        out.append(plain_encode(value))  # json's own rules for keys that are not str


def _write_items(items: list[Any], cache: TextCache, out: list[str]) -> None:
    for n, item in enumerate(items):
        if n:
            out.append(", ")
        _write(item, cache, out)


def _open_list_text(value: SharedList, cache: TextCache) -> str:
    """The list's text without its closing bracket, from the text of the list it
    extends when there is one."""
    first = value[0]
    before = cache.lists.get(first)
    text: str | None = None
    if before is not None:
        old, old_text = before
        n = len(old)
        # Equal items write equal text (identical ones are not compared further).
        if n < len(value) and value[:n] == old:
            out = [old_text, ", "]
            _write_items(value[n:], cache, out)
            text = "".join(out)
        elif n == len(value) and value == old:
            text = old_text
    if text is None:
        out = ["["]
        _write_items(value, cache, out)
        text = "".join(out)
    cache.lists.put(first, (value, text))
    return text
