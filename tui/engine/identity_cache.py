"""Work done once per object, found again by the object's identity while it is in use.

A growing state carries the same message objects step after step; converting (or
encoding) each of them again at every step makes a step cost as much as the whole
state. This cache keeps a result per object, keyed by ``id``, and holds the object
itself so its id cannot be reused while the entry lives.

It forgets what is no longer used without a size to tune: its owner ends a *turn*
after each unit of work (one value converted, one event written), and an entry that
no turn used among the last ``keep_turns`` is dropped. So it holds what the recent
states carried, and whatever the state stops carrying is gone a few turns later.

Not locked: a race between threads can only lose an entry (a miss), never return
another object's result.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

V = TypeVar("V")


class IdentityCache(Generic[V]):
    __slots__ = ("_entries", "_keep_turns", "_turn", "_used")

    def __init__(self, keep_turns: int = 8) -> None:
        self._entries: dict[int, list[Any]] = {}  # id -> [object, value, last turn used]
        self._keep_turns = keep_turns
        self._turn = 0
        self._used = False

    def get(self, obj: Any) -> V | None:
        entry = self._entries.get(id(obj))
        if entry is None or entry[0] is not obj:
            return None
        entry[2] = self._turn
        self._used = True
        value: V = entry[1]
        return value

    def put(self, obj: Any, value: V) -> None:
        self._entries[id(obj)] = [obj, value, self._turn]
        self._used = True

    def end_turn(self) -> None:
        """One unit of work is done; a turn that used nothing does not count."""
        if not self._used:
            return
        self._used = False
        self._turn += 1
        if self._turn % self._keep_turns == 0:
            oldest = self._turn - self._keep_turns
            # list() copies in one step: another thread may add entries meanwhile.
            self._entries = {k: e for k, e in list(self._entries.items()) if e[2] >= oldest}

    def clear(self) -> None:
        self._entries = {}

    def __len__(self) -> int:
        return len(self._entries)
