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

import importlib
from typing import TYPE_CHECKING, Any

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
    "DEFAULT_SIZE": "tui.testing.app",
    "GAP": "tui.testing.assertions",
    "GoldenMismatch": "tui.testing.golden",
    "RunWatch": "tui.testing.pilot",
    "TestApp": "tui.testing.app",
    "ToolCall": "tui.testing.traces",
    "Trace": "tui.testing.traces",
    "Visit": "tui.testing.traces",
    "answer": "tui.testing.pilot",
    "assert_golden": "tui.testing.golden",
    "assert_interrupted_at": "tui.testing.assertions",
    "assert_not_visited": "tui.testing.assertions",
    "assert_path": "tui.testing.assertions",
    "assert_state": "tui.testing.assertions",
    "assert_tool_called": "tui.testing.assertions",
    "assert_tool_not_called": "tui.testing.assertions",
    "assert_visited": "tui.testing.assertions",
    "assert_within_budget": "tui.testing.assertions",
    "build_app": "tui.testing.app",
    "open_graph_session": "tui.testing.sessions",
    "settle": "tui.testing.pilot",
    "trace": "tui.testing.traces",
    "until": "tui.testing.pilot",
    "use_model": "tui.testing.sessions",
    "wait_done": "tui.testing.pilot",
    "wait_failed": "tui.testing.pilot",
    "wait_interrupted": "tui.testing.pilot",
    "wait_modal": "tui.testing.pilot",
    "wait_node": "tui.testing.pilot",
    "wait_paused": "tui.testing.pilot",
    "wait_status": "tui.testing.pilot",
    "wait_tool": "tui.testing.pilot",
    "wait_until": "tui.testing.pilot",
}


def __getattr__(name: str) -> Any:
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
