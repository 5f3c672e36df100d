"""The graph while it loads: what the app shows before its session exists.

Importing a graph runs the user's module (a heavy SDK, a model loaded at import) and
LangGraph itself, seconds on a slow machine. The app draws its first frame on this
stand-in instead, and loads the graph behind it on a thread (``DebuggerApp``'s
``reload_graph``): the status bar says LOADING, keys that need the graph say so, and
quitting works. A graph that fails to load leaves the stand-in in place with the
loader's one line (status NOT LOADED), and the app up: fix the file and "Reload graph
from disk" tries again.

``load`` is called on a thread of its own, once per attempt; it returns a ready
session or raises ``SessionError`` with the one line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, NoReturn

from tui.app.player import Player
from tui.app.source import EventSource
from tui.engine.events import Event
from tui.engine.ports import ModelSwitcher
from tui.engine.session_front import SessionError
from tui.engine.status import RunStatus


class LoadingSource:
    read_only = False
    model_label: str | None = None
    model_switcher: ModelSwitcher | None = None

    def __init__(self, name: str, load: Callable[[], EventSource], *, thread_id: str = "") -> None:
        self.name = name
        self.thread_id = thread_id
        self.load = load
        self.status = RunStatus.LOADING
        self.problem = ""
        """Why the last attempt failed (the loader's one line); empty while loading."""
        self._started = time.monotonic()
        self._listeners: list[Callable[[Event], None]] = []

    # -- the load's outcome --------------------------------------------------------

    def attempt(self) -> None:
        """A (new) attempt starts: loading again."""
        self.status, self.problem = RunStatus.LOADING, ""

    def failed(self, problem: str) -> None:
        self.status, self.problem = RunStatus.NOT_LOADED, problem

    def close(self) -> None:
        """Nothing to close: the session, once loaded, is the app's."""

    # -- the EventSource protocol: nothing has happened, nothing can run yet --------

    @property
    def player(self) -> Player | None:
        return None

    @property
    def interrupt_before(self) -> list[str]:
        return []

    @property
    def listeners(self) -> list[Callable[[Event], None]]:
        """Listeners added while loading: the session, once loaded, takes them on."""
        return self._listeners

    @property
    def why_not(self) -> str:
        """What a key that needs the graph is told."""
        if self.problem:
            return f"the graph did not load: {self.problem}"
        return f"{self.name} is still loading: try again once the status bar leaves LOADING"

    def now(self) -> float:
        return time.monotonic() - self._started

    def drain(self, limit: int | None = None) -> list[Event]:
        return []

    def rewound(self) -> bool:
        return False

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def start(self, input: Any = None, *, step: bool = False) -> Future:
        self._refuse()

    def rerun(self, input: Any = None, *, step: bool = False) -> Future:
        self._refuse()

    def resume(self) -> Future:
        self._refuse()

    def step_once(self) -> Future:
        self._refuse()

    def pause(self) -> None:
        self._refuse()

    def cancel(self) -> None:
        self._refuse()

    def answer(self, value: Any, interrupt_id: str | None = None) -> Future:
        self._refuse()

    def store_items(self) -> Future:
        self._refuse()

    def toggle_breakpoint(self, node: str) -> bool:
        self._refuse()

    def switch_model(self, text: str) -> str:
        self._refuse()

    def node_names(self) -> list[str]:
        return []

    def graph_structure(self, xray: bool = False) -> dict[str, Any]:
        return {"nodes": [], "edges": []}

    def needs_input(self) -> bool:
        return False

    def input_keys(self) -> list[str]:
        return []

    def history(self) -> Future:
        self._refuse()

    def checkpoint_state(self, checkpoint_id: str, ns: tuple[str, ...] = ()) -> Future:
        self._refuse()

    def replay_from(self, checkpoint_id: str, *, step: bool = False) -> Future:
        self._refuse()

    def fork(
        self,
        checkpoint_id: str,
        edited: dict[str, Any],
        *,
        as_node: str | None = None,
        run: bool = True,
        step: bool = False,
    ) -> Future:
        self._refuse()

    def thread_ids(self) -> Future:
        self._refuse()

    def switch_thread(self, thread_id: str) -> Future:
        self._refuse()

    def _refuse(self) -> NoReturn:
        raise SessionError(self.why_not)
