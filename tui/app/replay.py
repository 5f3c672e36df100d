"""A recording as an event source: everything is there at once, nothing can be run."""

from __future__ import annotations

import itertools
from concurrent.futures import Future
from typing import Any

from tui.engine.events import Event
from tui.engine.session import SessionError

READ_ONLY = "this is a recording: it can be inspected, not run"


class ReplaySource:
    read_only = True

    def __init__(self, events: list[Event], *, name: str) -> None:
        self._pending = list(events)
        self.name = name
        started = next((e for e in events if e.kind == "run_started"), None)
        self.thread_id = getattr(started, "thread_id", "")
        statuses = [e.status for e in events if e.kind == "status"]
        self.status = statuses[-1] if statuses else "idle"
        self.interrupt_before: list[str] = []
        self._nodes = list(
            dict.fromkeys(e.node for e in events if e.kind == "task_started" and not e.ns)
        )
        self._end = events[-1].t if events else 0.0

    def now(self) -> float:
        return self._end

    def drain(self, limit: int | None = None) -> list[Event]:
        count = len(self._pending) if limit is None else limit
        out, self._pending = self._pending[:count], self._pending[count:]
        return out

    def _refuse(self, *_: Any, **__: Any) -> Future:
        raise SessionError(READ_ONLY)

    start = rerun = answer = _refuse

    def resume(self) -> Future:
        raise SessionError(READ_ONLY)

    def step_once(self) -> Future:
        raise SessionError(READ_ONLY)

    def pause(self) -> None:
        raise SessionError(READ_ONLY)

    def cancel(self) -> None:
        raise SessionError(READ_ONLY)

    def toggle_breakpoint(self, node: str) -> bool:
        raise SessionError(READ_ONLY)

    def node_names(self) -> list[str]:
        return list(self._nodes)

    def graph_structure(self, xray: bool = False) -> dict[str, Any]:
        # A recording has no graph object: draw the path the run actually took.
        nodes = [
            {"id": n, "name": n, "subgraph": False} for n in ["__start__", *self._nodes, "__end__"]
        ]
        names = [n["id"] for n in nodes]
        edges = [
            {"source": a, "target": b, "conditional": False, "label": None}
            for a, b in itertools.pairwise(names)
        ]
        return {"nodes": nodes, "edges": edges}

    def needs_input(self) -> bool:
        return False

    def input_keys(self) -> list[str]:
        return []

    def close(self) -> None:
        self._pending = []
