"""Testing kit: test your own graph with the debugger, in your own test suite.

::

    from tui.testing import build_app, trace, until, assert_path, assert_tool_called

    def test_screen(snap_compare):
        app = build_app("my_agent.py", input={"messages": [("user", "Hi")]})
        assert snap_compare(app, terminal_size=app.terminal_size, run_before=until("done"))

    def test_path():
        t = trace("my_agent.py", {"messages": [("user", "Weather in Oslo?")]})
        assert_path(t, "agent", ..., "agent")
        assert_tool_called(t, "get_weather", {"city": "Oslo"})

What is here:

* ``build_app``: the debugger app on a graph, deterministic on screen (frozen
  clock, fixed thread id and size) for pytest-textual-snapshot;
* Pilot helpers (``answer`` an interrupt as a person would; ``wait_status``, ``wait_done``, ``wait_paused``, ``wait_interrupted``,
  ``wait_failed``, ``wait_node``, ``wait_tool``, ``wait_modal``, ``settle``, ``until``)
  that time out with what the run was doing and its last events;
* ``trace``: a headless run as a ``Trace`` with stable placeholders, and
  ``assert_golden`` to pin its text in a golden file;
* assertions (``assert_path``, ``assert_visited``, ``assert_tool_called``,
  ``assert_state``, ``assert_interrupted_at``, ``assert_within_budget``, ...);
* cassettes (``tui.cassettes.Cassette``): record a run's model calls once, replay
  them with no model server.

The pytest plugin (``tui.testing.plugin``, loaded automatically) wraps these as
fixtures: ``tui_app``, ``tui_snapshot``, ``tui_trace``, ``tui_golden``, ``tui_cassette``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from tui.testing.app import DEFAULT_SIZE, TestApp, build_app
    from tui.testing.assertions import (
        GAP,
        assert_interrupted_at,
        assert_not_visited,
        assert_path,
        assert_state,
        assert_tool_called,
        assert_tool_not_called,
        assert_visited,
        assert_within_budget,
    )
    from tui.testing.golden import GoldenMismatch, assert_golden
    from tui.testing.pilot import (
        RunWatch,
        answer,
        settle,
        until,
        wait_done,
        wait_failed,
        wait_interrupted,
        wait_modal,
        wait_node,
        wait_paused,
        wait_status,
        wait_tool,
        wait_until,
    )
    from tui.testing.sessions import open_graph_session, use_model
    from tui.testing.traces import ToolCall, Trace, Visit, trace

# Imported when first used: pytest loads the plugin (``tui.testing.plugin``) in every
# session of an environment where langgraph-tui is installed, and importing the app,
# Textual and LangGraph up front would add seconds to every one of them.
_WHERE = {
    "DEFAULT_SIZE": "app",
    "GAP": "assertions",
    "GoldenMismatch": "golden",
    "RunWatch": "pilot",
    "TestApp": "app",
    "ToolCall": "traces",
    "Trace": "traces",
    "Visit": "traces",
    "answer": "pilot",
    "assert_golden": "golden",
    "assert_interrupted_at": "assertions",
    "assert_not_visited": "assertions",
    "assert_path": "assertions",
    "assert_state": "assertions",
    "assert_tool_called": "assertions",
    "assert_tool_not_called": "assertions",
    "assert_visited": "assertions",
    "assert_within_budget": "assertions",
    "build_app": "app",
    "open_graph_session": "sessions",
    "settle": "pilot",
    "trace": "traces",
    "until": "pilot",
    "use_model": "sessions",
    "wait_done": "pilot",
    "wait_failed": "pilot",
    "wait_interrupted": "pilot",
    "wait_modal": "pilot",
    "wait_node": "pilot",
    "wait_paused": "pilot",
    "wait_status": "pilot",
    "wait_tool": "pilot",
    "wait_until": "pilot",
}


__getattr__ = lazy_exports(__name__, _WHERE)

__all__ = [
    "DEFAULT_SIZE",
    "GAP",
    "GoldenMismatch",
    "RunWatch",
    "TestApp",
    "ToolCall",
    "Trace",
    "Visit",
    "answer",
    "assert_golden",
    "assert_interrupted_at",
    "assert_not_visited",
    "assert_path",
    "assert_state",
    "assert_tool_called",
    "assert_tool_not_called",
    "assert_visited",
    "assert_within_budget",
    "build_app",
    "open_graph_session",
    "settle",
    "trace",
    "until",
    "use_model",
    "wait_done",
    "wait_failed",
    "wait_interrupted",
    "wait_modal",
    "wait_node",
    "wait_paused",
    "wait_status",
    "wait_tool",
    "wait_until",
]
