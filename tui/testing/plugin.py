"""The pytest plugin (``pytest11`` entry point ``langgraph_tui``): fixtures for
testing a graph with the debugger, found as soon as langgraph-tui is installed.

Fixtures (each test gets threads of its own, the same on every run of it; what
a fixture opened is closed after the test, and the model a test chose is
forgotten):

* ``tui_app(graph, input, **options)``: a ``TestApp`` (see ``tui.testing.build_app``);
* ``tui_snapshot(graph_or_app, until="done", **options)``: ``snap_compare`` on it at
  its fixed size, once the run reached ``until`` and settled;
* ``tui_trace(graph, input, **options)``: ``tui.testing.trace``;
* ``tui_golden(trace_or_text, name=None)``: compare with ``golden/<test>.txt`` beside
  the test file (``--update-golden`` or ``--snapshot-update`` rewrites it);
* ``tui_cassette(name=None)``: a ``Cassette`` at ``cassettes/<test>.json`` beside the
  test file: replayed when it exists, recorded when not (``--record-cassettes``
  records anew).

This module imports nothing heavy until a fixture is used: pytest loads it in
every session of an environment where langgraph-tui is installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("langgraph-tui", "langgraph-tui testing kit")
    group.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden trace files instead of comparing with them",
    )
    group.addoption(
        "--record-cassettes",
        action="store_true",
        default=False,
        help="record model calls anew into tui_cassette files (needs the real model)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "langgraph_tui: uses the langgraph-tui testing kit")
    update = config.getoption("update_golden", False) or config.getoption("update_snapshots", False)
    if update:
        from tui.testing.golden import set_updating

        set_updating(True)


def pytest_unconfigure(config: pytest.Config) -> None:
    import sys

    golden = sys.modules.get("tui.testing.golden")
    if golden is not None:  # an inner pytest run (pytester) must not leave it on
        golden.set_updating(False)


def _test_name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")


@pytest.fixture(autouse=True)
def _tui_forget_model() -> Iterator[None]:
    yield
    import sys

    sessions = sys.modules.get("tui.testing.sessions")
    if sessions is not None:  # only when a test used the kit
        sessions.reset_model()


@pytest.fixture
def tui_app() -> Iterator[Callable[..., Any]]:
    """``tui_app(graph, input=..., **options)`` -> a ``TestApp``; see ``build_app``."""
    from tui.testing.app import build_app

    apps: list[Any] = []

    def make(graph: Any, *args: Any, **options: Any) -> Any:
        app = build_app(graph, *args, **options)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close_session()


@pytest.fixture
def tui_snapshot(
    request: pytest.FixtureRequest, tui_app: Callable[..., Any]
) -> Callable[..., bool]:
    """``assert tui_snapshot(graph_or_app, until="done", run_before=None, **options)``:
    the screen once the run shows ``until`` (a status, or several in a tuple) and
    every event is handled, then ``run_before`` (more keys, say) if given."""
    snap_compare = request.getfixturevalue("snap_compare")

    def compare(
        graph: Any,
        *args: Any,
        until: str | tuple[str, ...] | None = "done",
        run_before: Callable[[Any], Any] | None = None,
        **options: Any,
    ) -> bool:
        from tui.testing.app import TestApp
        from tui.testing.pilot import settle, wait_status

        app = graph if isinstance(graph, TestApp) else tui_app(graph, *args, **options)
        statuses = (until,) if isinstance(until, str) else tuple(until or ())

        async def before(pilot: Any) -> None:
            if statuses:
                await wait_status(pilot, *statuses)
            if run_before is not None:
                await run_before(pilot)
            await settle(pilot)

        return bool(snap_compare(app, terminal_size=app.terminal_size, run_before=before))

    return compare


@pytest.fixture
def tui_trace() -> Callable[..., Any]:
    """``tui_trace(graph, input=..., **options)`` -> a ``Trace``; see ``trace``."""
    from tui.testing.sessions import thread_id_for_test
    from tui.testing.traces import trace

    def run(graph: Any, *args: Any, **options: Any) -> Any:
        options.setdefault("thread_id", thread_id_for_test())
        return trace(graph, *args, **options)

    return run


@pytest.fixture
def tui_golden(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``tui_golden(trace_or_text, name=None)``: compare with
    ``golden/<name or test name>.txt`` beside the test file."""
    from tui.testing.golden import assert_golden

    folder = Path(request.node.path).parent / "golden"

    def compare(actual: Any, name: str | None = None) -> None:
        assert_golden(actual, folder / f"{name or _test_name(request)}.txt")

    return compare


@pytest.fixture
def tui_cassette(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``tui_cassette(name=None, tools=False)`` -> a ``Cassette`` at
    ``cassettes/<name or test name>.json`` beside the test file."""
    from tui.cassettes import Cassette, Mode

    folder = Path(request.node.path).parent / "cassettes"
    record = bool(request.config.getoption("record_cassettes", False))

    def make(name: str | None = None, **options: Any) -> Any:
        options.setdefault("mode", Mode.RECORD if record else Mode.ONCE)
        return Cassette(folder / f"{name or _test_name(request)}.json", **options)

    return make
