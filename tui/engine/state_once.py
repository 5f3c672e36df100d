"""A state is written once in a recording, and a growing state only by what it adds.

LangGraph hands the debugger each step's state three times: in the ``values`` event,
in the ``checkpoint`` saved after it, and as the input of the next step's tasks; and
an agent's state is mostly a message list that grows by a message or two a step. A
recording that wrote every copy whole grew by three copies of the whole state a
step: a 1,000-step loop over a growing message list wrote 644 MB, and writing it
took 1.3-2.5 s where the whole run of the bare graph takes 7 s. So, in the JSONL:

* a checkpoint's ``values`` or a task's ``input`` that is exactly the ``values``
  event written last in its namespace is ``null``, with ``values_from`` /
  ``input_from`` giving that event's ``seq``;
* a ``values`` event whose state has the same keys as the last one, in which some
  list only grew (and every other key is unchanged, or replaced), is ``null`` with
  ``values_from`` (the ``seq`` it grew from), ``values_added`` (per key, the items
  appended) and ``values_set`` (per key, a value replaced).

An agent's model calls are the same story: each call is sent the whole conversation
so far, the last call's messages and what came since. So an ``llm_started`` whose
messages begin with every message of the last ``llm_started`` of its node (in its
namespace) is written with ``messages`` ``null``, ``messages_from`` (that call's
``seq``) and ``messages_added`` (the messages after them).

Reading a recording (``StatesRead``) puts every state and prompt back whole, so every
consumer of events sees them as they were; ``run_finished`` keeps its values (the
last line is the one a shell reads).

"Exactly": the same JSON text (``same_json``); the converter shares each message
between the events and steps that carry it, so the checks are mostly identity tests.
"""

from __future__ import annotations

import operator
from typing import Any

from tui.engine.events import JSON, Checkpoint, LlmStarted, TaskStarted, Values
from tui.engine.shared_json import plain_encode

REFERRING: dict[type, str] = {Checkpoint: "values", TaskStarted: "input"}
"""The events whose field may refer to the last ``values`` event, and that field."""

_FROM = {field: f"{field}_from" for field in REFERRING.values()}


def same_json(a: JSON, b: JSON) -> bool:
    """``json.dumps(a) == json.dumps(b)``. The converter shares what did not change
    (each message, each list of messages) between the events and steps that carry it,
    so the keys and items of a state are mostly the same objects and are not written
    at all; the rest is written by the C encoder and compared."""
    if a is b:
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        # Same keys in the same order: json writes them in order.
        return len(a) == len(b) and all(
            ka == kb and type(ka) is type(kb) and (va is vb or _same_text(va, vb))
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=False)
        )
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(
            x is y or _same_text(x, y) for x, y in zip(a, b, strict=False)
        )
    return _same_text(a, b)


def _same_text(a: JSON, b: JSON) -> bool:
    try:
        return plain_encode(a) == plain_encode(b)
    except (ValueError, TypeError, RecursionError):
        return False  # written whole, as the writer can


def growth(old: JSON, new: JSON) -> tuple[dict[str, list[Any]], dict[str, Any]] | None:
    """``new`` as what it adds to ``old``: (per key, the items appended to a list
    that only grew; per key, a value replaced), or ``None`` when no list grew or
    the two have different keys (or keys in another order)."""
    if (
        not isinstance(old, dict)
        or not isinstance(new, dict)
        or len(old) != len(new)
        or list(old) != list(new)
    ):
        return None
    added: dict[str, list[Any]] = {}
    replaced: dict[str, Any] = {}
    for key, value in new.items():
        before = old[key]
        if value is before:
            continue
        if (
            isinstance(value, list)
            and isinstance(before, list)
            and len(value) > len(before)
            and begins_with(value, before)
        ):
            added[key] = value[len(before) :]
            continue
        if not same_json(value, before):
            replaced[key] = value
    return (added, replaced) if added else None


def begins_with(items: list[Any], head: list[Any]) -> bool:
    """``items`` starts with every item of ``head``, each written alike (a list
    that grew, a conversation that went on)."""
    kept = len(head)
    # The converter's lists share their items: the same objects, in C.
    return kept <= len(items) and (
        all(map(operator.is_, items[:kept], head)) or same_json(items[:kept], head)
    )


class StatesWritten:
    """What a writer remembers to write each state once: per namespace, the last
    ``values`` event it wrote; per namespace and node, the last model call's
    messages. Not locked: its writer holds its own lock."""

    __slots__ = ("_last", "_prompts")

    def __init__(self) -> None:
        self._last: dict[tuple[str, ...], tuple[int, JSON]] = {}
        self._prompts: dict[tuple[tuple[str, ...], str | None], tuple[int, JSON]] = {}

    def line_data(self, event: Any, data: dict[str, JSON]) -> dict[str, JSON]:
        """``data`` (the event's ``to_dict()``) as it is written: a state that grew
        from the last one written in its namespace, or that is it, refers to it; and
        a model call's messages that go on from its node's last call's, to them."""
        kind = type(event)
        if kind is LlmStarted:
            return self._prompt_data(event, data)
        last = self._last.get(event.ns)
        if kind is Values:
            self._last[event.ns] = (event.seq, event.values)
            if last is None:
                return data
            grown = growth(last[1], event.values)
            if grown is not None:
                data["values"] = None
                data["values_from"] = last[0]
                data["values_added"], data["values_set"] = grown
            return data
        field = REFERRING.get(kind)
        value = data.get(field) if field is not None else None
        if field is None or last is None or value is None:
            return data
        seq, state = last
        if same_json(value, state):
            data[field] = None
            data[_FROM[field]] = seq
        return data

    def _prompt_data(self, event: Any, data: dict[str, JSON]) -> dict[str, JSON]:
        key = (event.ns, event.node)
        last = self._prompts.get(key)
        messages = data.get("messages")
        self._prompts[key] = (event.seq, messages)
        if last is None or not isinstance(messages, list) or not isinstance(last[1], list):
            return data
        seq, before = last
        if before and begins_with(messages, before):
            data["messages"] = None
            data["messages_from"] = seq
            data["messages_added"] = messages[len(before) :]
        return data


class StatesRead:
    """Reading a recording: puts back each state and model call's messages written as
    a reference."""

    __slots__ = ("_prompts", "_values")

    def __init__(self) -> None:
        self._values: dict[int, JSON] = {}
        self._prompts: dict[int, JSON] = {}

    def resolve(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with its state (or prompt) whole again; ``ValueError`` names a
        reference to no event of its kind read before, or a growth that does not fit."""
        if data.get("kind") == "llm_started":
            if "messages_from" in data:
                data["messages"] = _prompt(
                    self._prompts, data.pop("messages_from"), data.pop("messages_added", None)
                )
            if type(data.get("seq")) is int:
                self._prompts[data["seq"]] = data.get("messages")
            return data
        if data.get("kind") == "values":
            if "values_from" in data:
                base = self._state(data, "values_from")
                data["values"] = _grown(
                    base, data.pop("values_added", None), data.pop("values_set", None)
                )
            if type(data.get("seq")) is int:
                self._values[data["seq"]] = data.get("values")
            return data
        for field, ref_key in _FROM.items():
            if ref_key in data:
                data[field] = self._state(data, ref_key)
        return data

    def _state(self, data: dict[str, Any], ref_key: str) -> JSON:
        seq = data.pop(ref_key)
        if type(seq) is not int or seq not in self._values:
            raise ValueError(f"{ref_key} {seq!r} names no values event earlier in the recording")
        return self._values[seq]


def _prompt(prompts: dict[int, JSON], seq: Any, added: Any) -> list[Any]:
    before = prompts.get(seq) if type(seq) is int else None
    if not isinstance(before, list):
        raise ValueError(f"messages_from {seq!r} names no llm_started earlier in the recording")
    if not isinstance(added, list):
        raise ValueError("messages_added is the list of messages after messages_from's")
    return before + added


def _grown(base: JSON, added: Any, replaced: Any) -> dict[str, Any]:
    if not (isinstance(base, dict) and isinstance(added, dict) and isinstance(replaced, dict)):
        raise ValueError("values_added and values_set extend a values event's state")
    state = dict(base)  # its keys, in its order
    for key, items in added.items():
        if not (isinstance(state.get(key), list) and isinstance(items, list)):
            raise ValueError(f"values_added {key!r} extends no list of the state")
        state[key] = state[key] + items
    for key, value in replaced.items():
        if key not in state:
            raise ValueError(f"values_set {key!r} is no key of the state")
        state[key] = value
    return state
