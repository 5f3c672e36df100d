"""A recording as an event source: everything is there at once, nothing can be run."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, NoReturn

from tui.app.player import Player
from tui.app.recorded_history import recorded_history, recorded_state
from tui.engine.events import Event, RunStarted, Status, StoreChanged, TaskStarted
from tui.engine.ports import ModelSwitcher
from tui.engine.session_front import SessionError
from tui.engine.status import RunStatus

READ_ONLY = "this is a recording: it can be inspected, not run"


class ReplaySource:
    read_only = True
    model_label: str | None = None
    model_switcher: ModelSwitcher | None = None

    def __init__(self, events: list[Event], *, name: str) -> None:
        self._all = list(events)
        # Opened at the end (the whole recording shown); the player moves from there.
        self.player = Player(self._all, position=len(self._all))
        self._delivered = 0
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
        """The events up to the player's position not handed out yet."""
        end = self.player.position
        if limit is not None:
            end = min(end, self._delivered + limit)
        out = self._all[self._delivered : end]
        self._delivered = max(self._delivered, end)
        return out

    def rewound(self) -> bool:
        """True once after the player moved back: the view must be folded again from
        the first event (``drain`` then starts there)."""
        if self.player.position >= self._delivered:
            return False
        self._delivered = 0
        return True

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
        return _done(
            [
                {"namespace": list(ns), "key": key, "value": value}
                for (ns, key), value in items.items()
                if value is not None
            ]
        )

    def switch_model(self, text: str) -> str:
        _refuse()

    def history(self) -> Future:
        """The recorded thread's checkpoints, as the live history shows them."""
        return _done(recorded_history(self._all))

    def checkpoint_state(self, checkpoint_id: str, ns: tuple[str, ...] = ()) -> Future:
        return _done(recorded_state(self._all, checkpoint_id))

    def replay_from(self, checkpoint_id: str, *, step: bool = False) -> Future:
        _refuse()

    def fork(
        self,
        checkpoint_id: str,
        edited: dict[str, Any],
        *,
        as_node: str | None = None,
        run: bool = True,
        step: bool = False,
    ) -> Future:
        _refuse()

    def thread_ids(self) -> Future:
        return _done([self.thread_id])

    def switch_thread(self, thread_id: str) -> Future:
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
        self.player.playing = False


def _done(value: Any) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def _refuse() -> NoReturn:
    raise SessionError(READ_ONLY)
