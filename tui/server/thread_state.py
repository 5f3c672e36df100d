"""A server thread's state (``GET /threads/{id}/state``) as the session reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.server.stream_parts import as_objects


@dataclass
class ThreadState:
    values: Any = None
    next: list[str] = field(default_factory=list)
    step: int | None = None
    checkpoint_id: str | None = None
    parent_id: str | None = None
    interrupts: list[dict[str, Any]] = field(default_factory=list)
    """Pending interrupts: ``{id, value, node, task_id, response_schema}``."""
    task_names: list[str] = field(default_factory=list)

    @property
    def ahead(self) -> list[str]:
        """What a continue would run: the next nodes, else the tasks of a step that
        never finished (a cancel cut them)."""
        return list(self.next) if self.next else list(self.task_names)

    @property
    def is_new(self) -> bool:
        return not self.values and not self.ahead and self.checkpoint_id is None


def thread_state(data: Any) -> ThreadState:
    if not isinstance(data, dict):
        return ThreadState()
    metadata = data.get("metadata") or {}
    step = metadata.get("step") if isinstance(metadata, dict) else None
    checkpoint = data.get("checkpoint") or {}
    parent = data.get("parent_checkpoint") or {}
    tasks = [t for t in data.get("tasks") or [] if isinstance(t, dict)]
    asked_by: dict[str, dict[str, Any]] = {}
    interrupts: dict[str, dict[str, Any]] = {}
    for task in tasks:
        for interrupt in task.get("interrupts") or []:
            if isinstance(interrupt, dict) and "id" in interrupt:
                asked_by[str(interrupt["id"])] = task
                interrupts.setdefault(str(interrupt["id"]), interrupt)
    for interrupt in data.get("interrupts") or []:
        if isinstance(interrupt, dict) and "id" in interrupt:
            interrupts[str(interrupt["id"])] = {
                **interrupts.get(str(interrupt["id"]), {}),
                **interrupt,
            }
    return ThreadState(
        values=as_objects(data.get("values")),
        next=[str(n) for n in data.get("next") or []],
        step=step if isinstance(step, int) else None,
        checkpoint_id=checkpoint.get("checkpoint_id") if isinstance(checkpoint, dict) else None,
        parent_id=parent.get("checkpoint_id") if isinstance(parent, dict) else None,
        interrupts=[
            {
                "id": key,
                "value": interrupt.get("value"),
                "node": asked_by[key].get("name") if key in asked_by else None,
                "task_id": asked_by[key].get("id") if key in asked_by else None,
                "response_schema": interrupt.get("response_schema")
                if isinstance(interrupt.get("response_schema"), dict)
                else None,
            }
            for key, interrupt in interrupts.items()
        ],
        task_names=[str(t.get("name")) for t in tasks if t.get("name")],
    )
