"""Reloading the graph from the TUI: a broken file is reported on screen, the app and
the old graph stay; a fixed file comes back."""

from __future__ import annotations

from tests.app_helpers import wait_status, wait_until
from tests.helpers import SAMPLES
from tui.app.app import DebuggerApp
from tui.launcher import RunSpec, open_session, reopen
from tui.providers import parse_model_spec


async def test_reload_reports_a_syntax_error_and_keeps_the_old_graph(tmp_path):
    graph_file = tmp_path / "agent.py"
    source = (SAMPLES / "joke.py").read_text()
    graph_file.write_text(source)
    spec = RunSpec(graph=str(graph_file), model=parse_model_spec("scripted:fast"))
    session, _ = open_session(spec)
    app = DebuggerApp(session, reopen=lambda: reopen(spec))
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
