"""Sees what the stream does not say: a task that hands off with
``Command(goto=..., graph=Command.PARENT)`` (a swarm or supervisor handoff) ends by
raising ``ParentCommand``, and LangGraph streams no result for it. A callback sees
the task's run start (with its checkpoint namespace) and that error (with the
command), so the session can end the task as a handoff, saying where it went.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langgraph.errors import ParentCommand
from langgraph.types import Command

from tui.engine.normalize import task_id_from_checkpoint_ns

Handoff = Callable[[str, Any], None]
"""Called with the task id and the ``Command`` it handed to its parent graph."""


class TaskWatcher(BaseCallbackHandler):
    run_inline = True

    def __init__(self, on_handoff: Handoff) -> None:
        self._on_handoff = on_handoff
        self._tasks: dict[UUID, str] = {}

    def on_chain_start(
        self,
        serialized: dict[str, Any] | None,
        inputs: Any,
        *,
        run_id: UUID,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        # A task's own run is the one tagged with its step; inner chains are not.
        if not tags or not any(tag.startswith("graph:step:") for tag in tags):
            return
        task_id = task_id_from_checkpoint_ns((metadata or {}).get("langgraph_checkpoint_ns"))
        if task_id:
            self._tasks[run_id] = task_id

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self._tasks.pop(run_id, None)

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        task_id = self._tasks.pop(run_id, None)
        if task_id is None or not isinstance(error, ParentCommand) or not error.args:
            return
        command = error.args[0]
        # Only the task that raised it: on its way up, LangGraph re-addresses the
        # command to the enclosing task (graph="<node>:<id>"), which does end with a
        # result of its own.
        if isinstance(command, Command) and command.graph == Command.PARENT:
            self._on_handoff(task_id, command)
