"""Interrupts that still show as pending though their node already failed on the
answer it was given.

Once a task has been resumed, LangGraph saves the answer among that task's writes
and hands it to ``interrupt()`` on every later attempt: an answer given again is
ignored, and continuing runs the node on the same answer (which helps only when what
failed was passing, such as a server that was down). A task holding both a saved
answer and an error is in that state; the thread's pending writes say so, after a
restart too. A task that was answered and now waits at its next ``interrupt()``
holds an answer but no error: it is answered as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.pregel import Pregel
from langgraph.types import StateSnapshot

# LangGraph's channels for a task's saved answers and its error (private constants in
# langgraph._internal, but the names are part of every saved checkpoint).
_RESUME = "__resume__"
_ERROR = "__error__"


@dataclass(frozen=True)
class FailedAnswer:
    node: str
    answer: Any
    """The answer the node failed on: the one LangGraph will give it again."""


async def failed_answers(graph: Pregel, state: StateSnapshot) -> dict[str, FailedAnswer]:
    """Pending interrupt id → the answer its node already failed on."""
    checkpointer = graph.checkpointer
    if not isinstance(checkpointer, BaseCheckpointSaver) or not state.interrupts:
        return {}
    try:
        saved = await checkpointer.aget_tuple(state.config)
    except Exception:
        return {}  # unreadable: the run that tries it says why
    answers: dict[str, list[Any]] = {}
    failed: set[str] = set()
    for task_id, channel, value in (saved.pending_writes or []) if saved is not None else []:
        if channel == _RESUME and isinstance(value, list):
            answers.setdefault(task_id, []).extend(value)
        elif channel == _ERROR:
            failed.add(task_id)
    return {
        interrupt.id: FailedAnswer(task.name, answers[task.id][-1])
        for task in state.tasks
        if task.id in failed and answers.get(task.id)
        for interrupt in task.interrupts
    }
