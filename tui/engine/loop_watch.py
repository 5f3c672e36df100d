"""Signs that an agent loops, as the run goes: the model asking for the same tool call
(same tool, same arguments) again, the model giving the same reply again, and the
run's steps nearing its recursion limit. Each is said once, as a warning notice, so
the TUI shows it and a headless run says it on stderr.

The watch sees every event the session emits for a run (``observe``) and returns the
notices to emit after it.
"""

from __future__ import annotations

import json
from typing import Any

from tui.engine.events import (
    Event,
    LlmFinished,
    Notice,
    Resumed,
    RunStarted,
    TaskStarted,
)
from tui.engine.status import NoticeLevel

_ARGS_PREVIEW = 60
_WATCHED = frozenset(kind.kind for kind in (RunStarted, Resumed, TaskStarted, LlmFinished))


def default_recursion_limit() -> int:
    """LangGraph's own default, which its version decides (10,007 in 1.2, 25 before;
    ``LANGGRAPH_DEFAULT_RECURSION_LIMIT`` sets it)."""
    try:
        from langgraph._internal._config import DEFAULT_RECURSION_LIMIT
    except ImportError:  # another LangGraph: the limit it documented for years
        return 25
    return int(DEFAULT_RECURSION_LIMIT)


def warn_at(limit: int) -> int:
    """The step count that warns: a fifth of the budget before the end (at least one)."""
    return max(1, limit - max(1, limit // 5))


class LoopWatch:
    def __init__(self) -> None:
        self.limit = default_recursion_limit()
        self._tool_calls: dict[tuple[Any, ...], int | None] = {}
        self._replies: dict[tuple[Any, ...], int | None] = {}
        self._first_step: int | None = None
        self._warned_limit = False
        # The step each task runs in: an LLM call knows its task, not its step.
        self._steps: dict[str, int] = {}

    def observe(self, event: Event) -> list[Notice]:
        """The notices ``event`` calls for."""
        if event.kind not in _WATCHED:
            return []  # a token, mostly: thousands a second
        if isinstance(event, RunStarted):
            self._tool_calls.clear()
            self._replies.clear()
            self._steps.clear()
            self._new_budget(event.recursion_limit)
        elif isinstance(event, Resumed):
            self._new_budget(self.limit)  # each invocation gets the whole limit again
        elif isinstance(event, TaskStarted):
            self._steps[event.task_id] = event.step
            if not event.ns:
                return self._step(event.step)
        elif isinstance(event, LlmFinished) and event.reply is not None:
            return self._reply(event, self._steps.get(event.task_id or ""))
        return []

    def _new_budget(self, limit: int | None) -> None:
        self.limit = limit or default_recursion_limit()
        self._first_step = None
        self._warned_limit = False

    def _step(self, step: int) -> list[Notice]:
        if self._first_step is None:
            self._first_step = step
        used = step - self._first_step + 1
        if self._warned_limit or used < warn_at(self.limit):
            return []
        self._warned_limit = True
        return [
            _warning(
                f"step {used} of the {self.limit} this run may take (its recursion limit): "
                "it fails if it needs more; an agent that does not stop may be looping "
                "(raise --recursion-limit if it is not)"
            )
        ]

    def _reply(self, event: LlmFinished, step: int | None) -> list[Notice]:
        reply = event.reply or {}
        node = event.node or "a node"
        calls = [c for c in reply.get("tool_calls") or [] if isinstance(c, dict)]
        notices: list[Notice] = []
        for call in calls:
            key = (event.ns, event.node, call.get("name"), _canonical(call.get("args")))
            if key in self._tool_calls:
                args = _canonical(call.get("args"))
                if len(args) > _ARGS_PREVIEW:
                    args = args[: _ARGS_PREVIEW - 1] + "…"
                notices.append(
                    _warning(
                        f"{node} called {call.get('name')}({args}) again{_at(step)}: the same "
                        f"tool call as{_at(self._tool_calls[key], '')} before; the agent may "
                        "be looping"
                    )
                )
            else:
                self._tool_calls[key] = step
        content = reply.get("content")
        if not (content or calls):
            return notices
        same = (
            event.ns,
            event.node,
            _canonical(content),
            tuple((c.get("name"), _canonical(c.get("args"))) for c in calls),
        )
        if same in self._replies and not notices:
            notices.append(
                _warning(
                    f"the model gave {node} the same reply{_at(step)} as"
                    f"{_at(self._replies[same], '')} before; the agent may be looping"
                )
            )
        self._replies.setdefault(same, step)
        return notices


def _at(step: int | None, word: str = " at") -> str:
    return f"{word} step {step}" if step is not None else ""


def _canonical(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _warning(text: str) -> Notice:
    return Notice(level=NoticeLevel.WARNING, text=text)
