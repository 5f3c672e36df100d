"""A checkpoint serializer that cannot fail on what a graph holds.

Without a checkpointer, ``graph.invoke`` never serializes state; the debugger
supplies one, so it must not make a working graph fail. LangGraph's own
serializer is tried first (its checkpoints read back as they always do); what it
cannot encode (an object without a msgpack form, a lone surrogate, a structure
too deep or cyclic) is pickled; what cannot be pickled (a lock, a socket) is kept
by reference in memory, or, in a database, saved as a marker naming what it was.
"""

from __future__ import annotations

import itertools
import pickle
import threading
from typing import Any

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

LIVE = "lgtui-live"
UNSAVED = "lgtui-unsaved"


class SafeSerializer(JsonPlusSerializer):
    def __init__(self, *, keep_live: bool) -> None:
        super().__init__(pickle_fallback=True)
        self._keep_live = keep_live
        self._live: dict[bytes, Any] = {}
        self._ids = itertools.count()
        self._lock = threading.Lock()

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        try:
            return super().dumps_typed(obj)
        except (Exception, RecursionError):
            pass
        try:
            return "pickle", pickle.dumps(obj)
        except (Exception, RecursionError):
            pass
        if self._keep_live:
            with self._lock:
                key = str(next(self._ids)).encode()
                self._live[key] = obj
            return LIVE, key
        return UNSAVED, _describe(obj).encode("utf-8", "backslashreplace")

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        kind, payload = data
        if kind == LIVE:
            with self._lock:
                return self._live[payload]
        if kind == UNSAVED:
            return payload.decode("utf-8", "replace")
        return super().loads_typed(data)


def _describe(obj: Any) -> str:
    try:
        text = repr(obj)
    except Exception:
        text = f"<{type(obj).__name__}>"
    return f"<not saved: {type(obj).__name__} cannot be serialized> {text[:200]}"
