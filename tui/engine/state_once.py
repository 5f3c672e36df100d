"""A state is written once per step in a recording.

LangGraph hands the debugger each step's state three times: in the ``values`` event,
in the ``checkpoint`` saved after it, and as the input of the next step's tasks. A
recording that writes all three grows by three copies of the whole state a step: a
1,000-step loop over a growing message list wrote 640 MB, and writing it cost more
than the run. So a checkpoint's ``values`` or a task's ``input`` that is exactly the
``values`` event written last in its namespace is written as ``null``, with
``values_from`` / ``input_from`` giving that event's ``seq``. Reading a recording puts
the state back (``StatesRead``), so every consumer of events sees them whole.

"Exactly": the same JSON text, checked without writing it (``same_json``); the
converter shares each message list between the three, so the check is a few
identity tests. ``run_finished`` keeps its values: the last line is the one a shell
reads.
"""

from __future__ import annotations

from typing import Any

from tui.engine.events import JSON, Checkpoint, TaskStarted, Values

REFERRING: dict[type, str] = {Checkpoint: "values", TaskStarted: "input"}
"""The events whose field may refer to the last ``values`` event, and that field."""

_FROM = {field: f"{field}_from" for field in REFERRING.values()}


def same_json(a: JSON, b: JSON) -> bool:
    """``json.dumps(a) == json.dumps(b)``, without writing either (identical objects,
    such as shared message lists, are not looked into)."""
    if a is b:
        return True
    if isinstance(a, dict):
        if not isinstance(b, dict) or len(a) != len(b):
            return False
        # Same keys in the same order: json writes them in order.
        return all(
            ka == kb and type(ka) is type(kb) and same_json(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, list | tuple):
        if not isinstance(b, list | tuple) or len(a) != len(b):
            return False
        return all(same_json(x, y) for x, y in zip(a, b, strict=True))
    # 1, 1.0 and True are equal but written apart, as are 0.0 and -0.0; NaN is
    # unequal to itself (and then simply written again).
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return a == b and repr(a) == repr(b)
    return bool(a == b)


class StatesWritten:
    """What a writer remembers to write each state once: per namespace, the last
    ``values`` event it wrote. Not locked: its writer holds its own lock."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: dict[tuple[str, ...], tuple[int, JSON]] = {}

    def line_data(self, event: Any, data: dict[str, JSON]) -> dict[str, JSON]:
        """``data`` (the event's ``to_dict()``) as it is written: a field equal to
        the last state written in its namespace refers to it."""
        kind = type(event)
        if kind is Values:
            self._last[event.ns] = (event.seq, event.values)
            return data
        field = REFERRING.get(kind)
        if field is None:
            return data
        last = self._last.get(event.ns)
        value = data.get(field)
        if last is None or value is None:
            return data
        seq, state = last
        try:
            same = same_json(value, state)
        except RecursionError:
            same = False  # too deep to compare here: written whole, as json.dumps can
        if same:
            data[field] = None
            data[_FROM[field]] = seq
        return data


class StatesRead:
    """Reading a recording: puts back each state written as a reference."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[int, JSON] = {}

    def resolve(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with any ``values_from`` / ``input_from`` replaced by the state it
        names; ``ValueError`` if it names no ``values`` event read before."""
        if data.get("kind") == "values" and type(data.get("seq")) is int:
            self._values[data["seq"]] = data.get("values")
            return data
        for field, ref_key in _FROM.items():
            if ref_key in data:
                seq = data.pop(ref_key)
                if type(seq) is not int or seq not in self._values:
                    raise ValueError(
                        f"{ref_key} {seq!r} names no values event earlier in the recording"
                    )
                data[field] = self._values[seq]
        return data
