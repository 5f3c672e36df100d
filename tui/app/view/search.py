"""Search a run: its model output, its events (every step's update among them), the
states the view holds (the latest, per graph) and what its LLM calls were sent and
answered. No Textual.

Case-insensitive substring search (simple case folding, so a match's place in
the text is its place in the original). Text that every later checkpoint (or every later
call's prompt) repeats is the same string object, so it is looked at, and reported,
once: where it first appeared.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tui.app.view.records import CheckpointInfo, LlmCall, LogEntry, TokenBlock
from tui.app.view.run_view import RunView
from tui.app.view.state_diff import path_label

MAX_HITS = 500
CONTEXT = 30


class HitKind(enum.StrEnum):
    TOKENS = "tokens"
    EVENTS = "events"
    STATE = "state"
    LLM_CALL = "llm call"


@dataclass
class Hit:
    kind: HitKind
    where: str
    """What holds the match: ``agent · step 3``, ``messages[2].content``."""
    snippet: str
    """The match with a little text either side, on one line."""
    block: TokenBlock | None = None
    entry: int | None = None
    """The index of the events-pane entry."""
    checkpoint: CheckpointInfo | None = None
    path: tuple[Any, ...] = ()
    call: LlmCall | None = None
    task_id: str | None = None


def search(view: RunView, query: str, limit: int = MAX_HITS) -> list[Hit]:
    if not query:
        return []
    needle = re.compile(re.escape(query), re.IGNORECASE)
    hits: list[Hit] = []
    for hit in _all_hits(view, needle):
        hits.append(hit)
        if len(hits) >= limit:
            break
    return hits


def _all_hits(view: RunView, needle: re.Pattern[str]) -> Iterator[Hit]:
    yield from _token_hits(view, needle)
    yield from _event_hits(view.log, needle)
    yield from _state_hits(view, needle)
    yield from _call_hits(view.llm_calls, needle)


def snippet(text: str, needle: re.Pattern[str]) -> str | None:
    """The first match in ``text`` with its context, or ``None``."""
    match = needle.search(text)
    if match is None:
        return None
    start, end = max(0, match.start() - CONTEXT), min(len(text), match.end() + CONTEXT)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def _token_hits(view: RunView, needle: re.Pattern[str]) -> Iterator[Hit]:
    for block in view.blocks:
        parts = [block.reasoning, block.text]
        parts += [f"{d.name}({d.args})" for d in block.tool_calls.values()]
        if block.role == "tool":
            parts.append(block.tool_name or "")
        for part in parts:
            found = snippet(part, needle)
            if found is not None:
                where = block.tool_name or block.node if block.role == "tool" else block.node
                step = f" · step {block.step}" if block.step is not None else ""
                yield Hit(
                    HitKind.TOKENS, f"{where}{step}", found, block=block, task_id=block.task_id
                )
                break


def _event_hits(log: list[LogEntry], needle: re.Pattern[str]) -> Iterator[Hit]:
    for index, entry in enumerate(log):
        found = snippet(entry.title, needle)
        if found is None and entry.body is not None:
            found = snippet(_json(entry.body), needle)
        if found is None and entry.detail:
            found = snippet(entry.detail, needle)
        if found is not None:
            yield Hit(HitKind.EVENTS, entry.title, found, entry=index)


def _state_hits(view: RunView, needle: re.Pattern[str]) -> Iterator[Hit]:
    seen: set[tuple[Any, ...]] = set()
    for info in view.checkpoints.values():
        if info.values is None:
            continue  # an older state the view no longer holds (its updates are events)
        for path, text in _texts(info.values, (), seen):
            found = snippet(text, needle)
            if found is not None:
                yield Hit(HitKind.STATE, path_label(path), found, checkpoint=info, path=path)


def _call_hits(calls: list[LlmCall], needle: re.Pattern[str]) -> Iterator[Hit]:
    seen: set[tuple[Any, ...]] = set()
    for call in calls:
        value = {"messages": call.messages, "tools": call.tools, "reply": call.reply}
        for path, text in _texts(value, (), seen):
            found = snippet(text, needle)
            if found is not None:
                where = f"call {call.index} · {call.node or '?'} · {path_label(path)}"
                yield Hit(
                    HitKind.LLM_CALL, where, found, call=call, path=path, task_id=call.task_id
                )


def _texts(
    value: Any, path: tuple[Any, ...], seen: set[tuple[Any, ...]]
) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string and number in ``value`` with its path; one that an earlier
    checkpoint (or call) held at the same path is skipped."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key), seen)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index), seen)
    elif value is not None and not isinstance(value, bool):
        text = value if isinstance(value, str) else str(value)
        # The very string object (shared by every later checkpoint), or an equal number.
        key = (path, id(value)) if isinstance(value, str) else (path, text)
        if key not in seen:
            seen.add(key)
            yield path, text


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError, RecursionError):
        return repr(value)
