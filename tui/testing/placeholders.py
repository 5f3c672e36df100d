"""Stable placeholders for the parts of events that differ from run to run.

Times, durations and rates become ``<time>``; every id becomes a numbered
placeholder of its kind (``<thread-1>``, ``<checkpoint-2>``, ``<task-3>``,
``<run-1>``, ``<call-1>``, ``<id-4>``), numbered by first appearance, so two runs of
the same graph give the same data while what refers to what stays visible: the
tool message answering ``<call-2>`` answers the call the model made as ``<call-2>``.
The same id gets the same placeholder wherever it shows up, also inside a longer
string (a subgraph namespace ``agent:<task-3>``) or as a dict key (answers by
interrupt id).
"""

from __future__ import annotations

import re
from typing import Any

TIME_KEYS = frozenset({"t", "duration_s", "ttft_s", "tokens_per_s", "elapsed_s"})
_KIND_BY_KEY = {
    "thread_id": "thread",
    "checkpoint_id": "checkpoint",
    "parent_id": "checkpoint",
    "task_id": "task",
    "run_id": "run",
    "tool_call_id": "call",
    "message_id": "id",
    "id": "id",
}
# What an id looks like when it turns up inside free text: a UUID (also in
# LangChain's "lc_run--<uuid>" message ids), or a 32-hex digest.
_ID_IN_TEXT = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{32}\b"
)


class Placeholders:
    """Replaces varying parts with placeholders; one instance per trace, so that
    numbering runs across all of its events."""

    def __init__(self) -> None:
        self._by_value: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def placeholder(self, value: str, kind: str) -> str:
        known = self._by_value.get(value)
        if known is None:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            known = f"<{kind}-{self._counts[kind]}>"
            self._by_value[value] = known
        return known

    def __call__(self, value: Any, key: str | None = None, parent: Any = None) -> Any:
        """``value`` with every varying part replaced (a new object; the input is
        left as it was)."""
        if isinstance(value, dict):
            kind_of_id = "call" if _is_tool_call(value) else None
            return {
                self._key(k): self(v, kind_of_id if k == "id" and kind_of_id else k, value)
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self(item, key, value) for item in value]
        if key in TIME_KEYS and isinstance(value, int | float) and not isinstance(value, bool):
            return "<time>"
        if isinstance(value, str):
            kind = _KIND_BY_KEY.get(key or "") or (key if key == "call" else None)
            if kind is not None and value and not _is_placeholder(value):
                return self.placeholder(value, kind)
            return self.text(value)
        return value

    def text(self, text: str) -> str:
        """Free text with the ids it contains replaced (known ones by their own
        placeholder)."""
        for value, placeholder in self._by_value.items():
            if len(value) >= 8 and value in text:
                text = text.replace(value, placeholder)
        return _ID_IN_TEXT.sub(lambda m: self.placeholder(m.group(0), "id"), text)

    def _key(self, key: str) -> str:
        known = self._by_value.get(key)
        return known if known is not None else key


def _is_tool_call(value: dict[str, Any]) -> bool:
    return "name" in value and ("args" in value or "arguments" in value)


def _is_placeholder(value: str) -> bool:
    return value.startswith("<") and value.endswith(">")


def stabilize(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Event dicts (``Event.to_dict()``) with placeholders; ``seq`` is dropped, since
    it counts token chunks, which vary with the model server's chunking."""
    replace = Placeholders()
    out = []
    for event in events:
        data = {k: v for k, v in event.items() if k != "seq"}
        out.append(replace(data))
    return out
