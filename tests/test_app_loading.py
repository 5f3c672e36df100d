"""The first frame comes before the graph: the app draws on a stand-in, shows LOADING
while the graph loads behind it, then runs it. Keys that need the graph say so
meanwhile, quitting works, and a graph that does not load is its one line on screen
with the app still up (and exit 2 with that line once it closes)."""

from __future__ import annotations

import threading

import pytest

from tests.app_helpers import wait_status, wait_until
from tests.helpers import SAMPLES, TEST_GRAPHS
from tui.app.app import DebuggerApp
from tui.app.loading_source import LoadingSource
from tui.cli.tui_loading import GraphLoader
from tui.engine.session import Session, SessionError
from tui.engine.status import RunStatus
from tui.launcher import RunSpec, open_session
from tui.providers import parse_model_spec

SYNTAX = "syntax error in agent.py, line 3: invalid syntax (fix the file and rerun)"


class GatedLoad:
    """A load that waits for the test to let it finish: the graph loads "slowly"
    for exactly as long as the test looks at the loading state."""

    def __init__(self, *outcomes: str | None) -> None:
        self.gate = threading.Event()
        self.outcomes = list(outcomes)  # per attempt: None loads joke.py, else fails so
        self.sessions: list[Session] = []

    def __call__(self) -> Session:
        assert self.gate.wait(30), "the test never let the load finish"
        self.gate.clear()
        problem = self.outcomes.pop(0)
        if problem is not None:
            raise SessionError(problem)
        spec = RunSpec(graph=str(SAMPLES / "joke.py"), model=parse_model_spec("scripted:fast"))
        session, _ = open_session(spec)
        self.sessions.append(session)
        return session


def _toasts(app: DebuggerApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_a_slow_graph_shows_loading_then_runs():
    load = GatedLoad(None)
    app = DebuggerApp(LoadingSource("agent.py", load))
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert app.model.status == RunStatus.LOADING
            assert "LOADING" in app.status_bar.render().plain
            assert "importing agent.py" in app.status_bar.render().plain
            assert "loading the graph" in app.tokens.render_line(0).text
            footer = {b.binding.action for b in app.screen.active_bindings.values()}
            assert "quit" in footer and not footer & {"continue", "next", "rerun", "breakpoint"}
            await pilot.press("c")  # a key that needs the graph says why it does nothing
            await wait_until(pilot, lambda: any("still loading" in t for t in _toasts(app)))
            load.gate.set()
            await wait_status(pilot, "done")
            assert app.source is load.sessions[0] and app.model.values["joke"]
            assert not any("reloaded" in t for t in _toasts(app))
            assert app.load_problem == ""
    finally:
        app.source.close()


async def test_a_graph_that_does_not_load_is_its_one_line_and_the_app_stays_up():
    load = GatedLoad(SYNTAX, None)
    app = DebuggerApp(LoadingSource("agent.py", load))
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            load.gate.set()
            await wait_status(pilot, "not loaded")
            assert SYNTAX in app.status_bar.render().plain
            assert app.load_problem == SYNTAX and app.is_running
            await pilot.press("n")
            await wait_until(
                pilot, lambda: any("did not load: " + SYNTAX in t for t in _toasts(app))
            )
            # Fixed on disk: "Reload graph from disk" tries again, and the run goes.
            commands = [c.title for c in app.get_system_commands(app.screen)]
            assert "Reload graph from disk" in commands
            app.reload_graph()
            await pilot.pause()
            assert app.model.status == RunStatus.LOADING
            load.gate.set()
            await wait_status(pilot, "done")
            assert app.load_problem == ""
    finally:
        app.source.close()


async def test_quitting_while_the_graph_loads_closes_the_session_it_brings():
    load = GatedLoad(None)
    app = DebuggerApp(LoadingSource("agent.py", load))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("q")  # no run is going: no question asked
    assert not app.is_running and app.return_code == 0
    loader = app._loader
    assert loader is not None
    load.gate.set()
    loader.join(30)
    assert load.sessions and load.sessions[0]._closed


def test_what_the_command_line_asks_of_the_graph_is_checked_when_it_loads(capsys):
    spec = RunSpec(
        graph=str(SAMPLES / "joke.py"),
        model=parse_model_spec("scripted:fast"),
        interrupt_before=["nope"],
    )
    loader = GraphLoader(spec, None)
    with pytest.raises(SessionError) as caught:
        loader.first()
    problem = str(caught.value)
    assert problem == "no node named 'nope' for a breakpoint: choose from call_model"
    assert loader.exit_code(0, problem) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"langgraph-tui: error: {problem}"]


def test_verbose_prints_the_graphs_own_traceback_under_the_line(capsys):
    spec = RunSpec(
        graph=str(TEST_GRAPHS / "raises_on_import.py"),
        model=parse_model_spec("scripted:fast"),
        verbose=True,
    )
    loader = GraphLoader(spec, None)
    with pytest.raises(SessionError) as caught:
        loader.first()
    assert loader.exit_code(0, str(caught.value)) == 2
    err = capsys.readouterr().err
    first, *rest = err.splitlines()
    assert first.startswith("langgraph-tui: error: ") and "raised RuntimeError" in first
    assert rest[0].startswith("Traceback") and "RuntimeError: config missing" in err
