"""What a step changed in the state: keys added, removed and changed; for message
lists the messages appended, replaced or removed (matched by id, as LangGraph's
``add_messages`` matches them); for strings a line (or word) diff. No Textual.

Unchanged parts cost nothing to skip: values converted from one state share their
strings, so comparing two checkpoints compares identical objects until they differ.
"""

from __future__ import annotations

import difflib
import enum
import re
from dataclasses import dataclass, field
from typing import Any

_MAX_TEXT_DIFF = 4_000
"""Lines (or words) beyond which a text diff is not computed: both sides are shown."""
_WORDS = re.compile(r"\s+|[^\s]+")


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    APPENDED = "appended"
    REPLACED = "replaced"
    TEXT = "text"


@dataclass
class Change:
    kind: ChangeKind
    path: tuple[Any, ...]
    before: Any = None
    after: Any = None
    text: list[tuple[str, str]] = field(default_factory=list)
    """For ``TEXT``: ``(op, piece)`` with op ``" "`` kept, ``"-"`` removed, ``"+"`` added."""


def diff_values(before: Any, after: Any) -> list[Change]:
    """Every change from ``before`` to ``after``, outermost first."""
    changes: list[Change] = []
    _diff(before, after, (), changes)
    return changes


def _diff(before: Any, after: Any, path: tuple[Any, ...], out: list[Change]) -> None:
    if before is after or _same(before, after):
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key, value in after.items():
            if key not in before:
                out.append(Change(ChangeKind.ADDED, (*path, key), after=value))
            else:
                _diff(before[key], value, (*path, key), out)
        for key, value in before.items():
            if key not in after:
                out.append(Change(ChangeKind.REMOVED, (*path, key), before=value))
        return
    if isinstance(before, list) and isinstance(after, list):
        if _has_ids(before) and _has_ids(after):
            _diff_by_id(before, after, path, out)
        else:
            _diff_list(before, after, path, out)
        return
    if isinstance(before, str) and isinstance(after, str):
        out.append(Change(ChangeKind.TEXT, path, before, after, text_diff(before, after)))
        return
    out.append(Change(ChangeKind.CHANGED, path, before, after))


def _same(before: Any, after: Any) -> bool:
    try:
        return bool(before == after) and type(before) is type(after)
    except Exception:  # a value whose comparison raises is shown as changed
        return False


def _has_ids(items: list[Any]) -> bool:
    """A list of messages (dicts with ids): LangGraph's reducer matches them by id."""
    return bool(items) and all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items)


def _diff_by_id(
    before: list[Any], after: list[Any], path: tuple[Any, ...], out: list[Change]
) -> None:
    old = {item["id"]: (index, item) for index, item in enumerate(before)}
    seen = set()
    for index, item in enumerate(after):
        match = old.get(item["id"])
        if match is None:
            kind = ChangeKind.APPENDED if index >= len(before) else ChangeKind.ADDED
            out.append(Change(kind, (*path, index), after=item))
            continue
        seen.add(item["id"])
        if not _same(match[1], item):
            out.append(Change(ChangeKind.REPLACED, (*path, index), before=match[1], after=item))
    for key, (index, item) in old.items():
        if key not in seen:
            out.append(Change(ChangeKind.REMOVED, (*path, index), before=item))


def _diff_list(
    before: list[Any], after: list[Any], path: tuple[Any, ...], out: list[Change]
) -> None:
    common = min(len(before), len(after))
    for index in range(common):
        _diff(before[index], after[index], (*path, index), out)
    for index in range(common, len(after)):
        out.append(Change(ChangeKind.APPENDED, (*path, index), after=after[index]))
    for index in range(common, len(before)):
        out.append(Change(ChangeKind.REMOVED, (*path, index), before=before[index]))


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """A line diff of multi-line text, a word diff of one line; ``[]`` when either
    is too long to diff (the caller shows both sides)."""
    if "\n" in before or "\n" in after:
        a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    else:
        a, b = _WORDS.findall(before), _WORDS.findall(after)
    if len(a) > _MAX_TEXT_DIFF or len(b) > _MAX_TEXT_DIFF:
        return []
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append((" ", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", "".join(b[j1:j2])))
    return pieces


def path_label(path: tuple[Any, ...]) -> str:
    """``messages[3].content`` for ``("messages", 3, "content")``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the state)"
