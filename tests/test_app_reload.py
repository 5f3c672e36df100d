"""Reloading the graph from the TUI: a broken file is reported on screen, the app and
the old graph stay; a fixed file comes back."""

from __future__ import annotations

import sys

import pytest

from tests.app_helpers import wait_status, wait_until
from tests.helpers import SAMPLES, EventLog
from tui.app.app import DebuggerApp
from tui.engine.session import SessionError
from tui.launcher import Reopener, RunSpec, open_session
from tui.providers import parse_model_spec


async def test_reload_reports_a_syntax_error_and_keeps_the_old_graph(tmp_path):
    graph_file = tmp_path / "agent.py"
    source = (SAMPLES / "joke.py").read_text()
    graph_file.write_text(source)
    spec = RunSpec(graph=str(graph_file), model=parse_model_spec("scripted:fast"))
    session, loaded = open_session(spec)
    app = DebuggerApp(session, reopen=Reopener(spec, loaded))
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_status(pilot, "done")
            graph_file.write_text(source.replace("def call_model(", "def call_model(("))
            app.reload_graph()
            await wait_until(pilot, lambda: any("reload failed" in e.title for e in app.model.log))
            entry = next(e for e in app.model.log if "reload failed" in e.title)
            assert "syntax error in" in entry.title and "agent.py" in entry.title
            assert "reload failed" in app.events_pane.plain_text()
            assert app.source is session and app.is_running
            first_thread = app.model.thread_id
            await pilot.press("r")  # the old graph still runs after a failed reload
            await wait_until(
                pilot, lambda: app.model.thread_id != first_thread and app.model.status == "done"
            )
            graph_file.write_text(source.replace("Tell me a short joke", "Tell me a long joke"))
            app.reload_graph()
            await wait_until(pilot, lambda: app.source is not session)
            await wait_status(pilot, "done")
            assert app.model.values["joke"]
    finally:
        app.source.close()
        session.close()


GREETER = """
from typing import TypedDict

from langgraph.graph import END, START, StateGraph

from {prompts} import GREETING


class State(TypedDict, total=False):
    said: str


def greet(state: State) -> State:
    return {{"said": GREETING}}


builder = StateGraph(State)
builder.add_node("greet", greet)
builder.add_edge(START, "greet")
builder.add_edge("greet", END)
graph = builder.compile()
default_input = {{}}
"""


def _said(session) -> str:
    log = EventLog(session)
    session.start().result(30)
    return log.finish().values["said"]


@pytest.mark.parametrize("form", ["file", "module"])
def test_a_reload_reads_the_graphs_own_modules_again(tmp_path, monkeypatch, form):
    # The user edits a module the graph imports (its prompts), not the graph's file;
    # and a package.module:attr graph is read again at all.
    name = f"greeter_{form}"  # earlier tests' folders stay on sys.path: a name of its own
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    prompts = package / "prompts.py"
    prompts.write_text('GREETING = "hello"\n')
    (package / "agent.py").write_text(GREETER.format(prompts=f"{name}.prompts"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    spec = RunSpec(graph=f"{name}/agent.py" if form == "file" else f"{name}.agent:graph")
    session, loaded = open_session(spec)
    reopen = Reopener(spec, loaded)
    opened = [session]
    try:
        assert _said(session) == "hello"
        prompts.write_text('GREETING = "good morning"\n')
        opened.append(reopen())
        assert _said(opened[-1]) == "good morning"
        # A reload that fails keeps the modules the running graph uses.
        prompts.write_text("GREETING = (\n")
        with pytest.raises(SessionError, match="syntax error in"):
            reopen()
        assert sys.modules[f"{name}.prompts"].GREETING == "good morning"
        prompts.write_text('GREETING = "good night"\n')
        opened.append(reopen())
        assert _said(opened[-1]) == "good night"
    finally:
        for each in opened:
            each.close()
