"""The debugger app on a test's graph, set up so its screen is the same every run.

``build_app`` gives a ``DebuggerApp`` on a session with a frozen clock (every time
on screen reads 0), a fixed thread id, and the model chosen for the test; its
``size`` is the terminal size to snapshot it at. pytest-textual-snapshot's
``snap_compare`` then gives the same SVG run after run and machine to machine::

    app = build_app("my_agent.py", input={"messages": [...]})
    assert snap_compare(app, terminal_size=app.terminal_size, run_before=until("done"))
    app.close_session()

(the ``tui_snapshot`` fixture does this in one line).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tui.app import app as app_module
from tui.app.app import DebuggerApp
from tui.engine.no_input import NO_INPUT
from tui.testing.pilot import RunWatch
from tui.testing.sessions import (
    DEFAULT_MODEL,
    GraphLike,
    ModelLike,
    open_graph_session,
    thread_id_for_test,
)

DEFAULT_SIZE = (120, 36)


class TestApp(DebuggerApp):
    """The debugger app as a test builds it: it knows the terminal size it is meant
    to be shown at, and keeps every event its session emitted (``run_watch``)."""

    __test__ = False  # not a test class, whatever pytest's collection thinks
    # Textual reads CSS_PATH relative to the defining class's module.
    CSS_PATH = str(Path(app_module.__file__).with_name(DebuggerApp.CSS_PATH))

    def __init__(self, *args: Any, size: tuple[int, int] = DEFAULT_SIZE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terminal_size = size

    @property
    def run_watch(self) -> RunWatch:
        return next(x for x in self.source.listeners if isinstance(x, RunWatch))

    def close_session(self) -> None:
        """End the session's engine thread (the fixtures do this after each test)."""
        self.source.close()


def build_app(
    graph: GraphLike,
    input: Any = NO_INPUT,
    *,
    model: ModelLike = DEFAULT_MODEL,
    context: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
    thread_id: str | None = None,
    autostart: bool = True,
    break_before: Iterable[str] = (),
    break_after: Iterable[str] = (),
    recursion_limit: int | None = None,
) -> TestApp:
    """The debugger on ``graph`` (a spec, module, compiled graph, ``StateGraph`` or
    factory), starting a run on ``input`` (default: the graph's own) when it
    mounts, unless ``autostart`` is false.

    ``model``: a spec (``"scripted:fast"``, the default; ``"openai:NAME"``) or a
    chat model object, for graphs that take their model from
    ``tui.providers.chat_model()``. ``context`` and ``config`` are the run's
    runtime context and ``RunnableConfig``, as ``--context`` and ``--config``
    give them. The clock is frozen, and the thread id (shown on screen) is the
    running test's own (``thread_id_for_test``) unless ``thread_id`` is given."""
    session = open_graph_session(
        graph,
        model=model,
        context=context,
        config=config,
        thread_id=thread_id or thread_id_for_test(),
        break_before=break_before,
        break_after=break_after,
        recursion_limit=recursion_limit,
    )
    session.add_listener(RunWatch())
    app = TestApp(session, autostart=autostart, first_input=input, size=size)
    return app
