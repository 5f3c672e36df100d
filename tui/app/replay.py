"""A recording as an event source: everything is there at once, nothing can be run."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, NoReturn

from tui.engine.events import Event, RunStarted, Status, StoreChanged, TaskStarted
from tui.engine.ports import ModelSwitcher
from tui.engine.session import SessionError
from tui.engine.status import RunStatus

READ_ONLY = "this is a recording: it can be inspected, not run"


class ReplaySource:
    read_only = True
    model_label: str | None = None
    model_switcher: ModelSwitcher | None = None

    def __init__(self, events: list[Event], *, name: str) -> None:
        self._pending = list(events)
        self._all = list(events)
        self.name = name
        started = next((e for e in events if isinstance(e, RunStarted)), None)
        self.thread_id = started.thread_id if started is not None else ""
        statuses = [e.status for e in events if isinstance(e, Status)]
        self.status = statuses[-1] if statuses else RunStatus.IDLE
        self._nodes = list(
            dict.fromkeys(e.node for e in events if isinstance(e, TaskStarted) and not e.ns)
        )
        self._end = events[-1].t if events else 0.0

    @property
    def interrupt_before(self) -> list[str]:
        return []

    @property
    def listeners(self) -> list[Callable[[Event], None]]:
        return []

    def now(self) -> float:
        return self._end

    def drain(self, limit: int | None = None) -> list[Event]:
        count = len(self._pending) if limit is None else limit
        out, self._pending = self._pending[:count], self._pending[count:]
        return out

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        raise SessionError(READ_ONLY)

    def start(self, input: Any = None, *, step: bool = False) -> Future:
        _refuse()

    def rerun(self, input: Any = None, *, step: bool = False) -> Future:
        _refuse()

    def resume(self) -> Future:
        _refuse()

    def step_once(self) -> Future:
        _refuse()

    def pause(self) -> None:
        _refuse()

    def cancel(self) -> None:
        _refuse()

    def answer(self, value: Any, interrupt_id: str | None = None) -> Future:
        _refuse()

    def toggle_breakpoint(self, node: str) -> bool:
        _refuse()

    def store_items(self) -> Future:
        """What the recorded runs wrote to the store (a recording has no store)."""
        items: dict[tuple[tuple[str, ...], str], Any] = {}
        for event in self._all:
            if isinstance(event, StoreChanged):
                items[(tuple(event.namespace), event.key)] = event.value
        future: Future = Future()
        future.set_result(
            [
                {"namespace": list(ns), "key": key, "value": value}
                for (ns, key), value in items.items()
                if value is not None
            ]
        )
        return future

    def switch_model(self, text: str) -> str:
        _refuse()

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


def _refuse() -> NoReturn:
    raise SessionError(READ_ONLY)
