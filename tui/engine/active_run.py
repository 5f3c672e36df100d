"""One run in flight: its asyncio task, its drain control, and step-mode bookkeeping."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from langgraph.runtime import RunControl

from tui.engine.llm_stats import LlmStatsHandler
from tui.engine.status import PauseReason
from tui.engine.task_watcher import TaskWatcher


@dataclass
class ActiveRun:
    control: RunControl
    generation: int
    step_mode: bool
    llm_stats: LlmStatsHandler
    watcher: TaskWatcher
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    task: asyncio.Task[None] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    root_tasks: set[str] = field(default_factory=set)
    saw_root_task: bool = False
    last_checkpoint_id: str | None = None
    """The last root checkpoint this run's own stream reported."""
    blocked_nodes: set[str] = field(default_factory=set)
    """Nodes already reported for blocking the loop in this run (once each)."""
    from_checkpoint: str | None = None
    """The checkpoint this run goes on from (a replay or a fork); else the latest."""

    def request_step_stop(self) -> None:
        """Step mode asked for while running: stop after the step now in flight."""
        self.step_mode = True
        if self.saw_root_task and not self.root_tasks:
            self.control.request_drain(PauseReason.STEP)

    def track(self, part: Mapping[str, Any]) -> None:
        """Follow the root graph's steps in this run's own stream. In step mode,
        request the drain once every root task of the step has reported its result:
        before the loop ticks again, never inside a subgraph."""
        if part.get("type") != "debug" or part.get("ns"):
            return
        data = part.get("data") or {}
        payload = data.get("payload") or {}
        if data.get("type") == "checkpoint":
            config = payload.get("config") or {}
            self.last_checkpoint_id = (config.get("configurable") or {}).get("checkpoint_id")
            return
        task_id = payload.get("id")
        if not self.step_mode or not isinstance(task_id, str):
            return
        if data.get("type") == "task":
            self.root_tasks.add(task_id)
            self.saw_root_task = True
        elif data.get("type") == "task_result":
            self.root_tasks.discard(task_id)
            if not self.root_tasks:
                self.control.request_drain(PauseReason.STEP)
