"""Every run ends, with an event: whatever a node raises, whatever a value holds,
whatever a listener does, and whatever the graph leaves running."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.app_helpers import wait_status
from tests.fakes.cli import cli_env, run_cli_here
from tests.helpers import ROOT
from tui.app.app import DebuggerApp
from tui.engine.events import Notice, RunFailed, RunFinished, TaskFinished
from tui.engine.recording import dumps
from tui.engine.status import NoticeLevel, RunOutcome, TaskStatus


def _graph_file(tmp_path, body: str, name: str = "g.py") -> str:
    path = tmp_path / name
    path.write_text(
        "from typing import Any, TypedDict\n"
        "from langgraph.graph import StateGraph, START, END\n"
        "class S(TypedDict, total=False):\n"
        "    x: Any\n" + body + "\n"
        "b = StateGraph(S)\n"
        "b.add_node('n', n)\n"
        "b.add_edge(START, 'n')\n"
        "b.add_edge('n', END)\n"
        "graph = b.compile()\n"
        "default_input = {'x': 1}\n"
    )
    return str(path)


# node body -> the exception type the run reports (Python itself turns a
# GeneratorExit raised in a coroutine into a RuntimeError).
RAISERS = {
    "KeyboardInterrupt": (
        "def n(state):\n    raise KeyboardInterrupt('from a node')\n",
        "KeyboardInterrupt",
    ),
    "SystemExit": ("async def n(state):\n    raise SystemExit(3)\n", "SystemExit"),
    "GeneratorExit": ("def n(state):\n    raise GeneratorExit()\n", "RuntimeError"),
    "BaseException": ("async def n(state):\n    raise BaseException('odd')\n", "BaseException"),
    "unprintable": (
        "class Bad(Exception):\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no str')\n"
        "def n(state):\n"
        "    raise Bad()\n",
        "Bad",
    ),
}


@pytest.mark.parametrize("kind", list(RAISERS))
def test_a_node_raising_anything_ends_the_run_with_an_event(tmp_path, kind, open_session):
    body, reported = RAISERS[kind]
    session, log = open_session(_graph_file(tmp_path, body))
    session.start().result(30)
    final = log.finish(timeout=30)
    assert final.status == RunOutcome.FAILED
    (failed,) = log.of("run_failed")
    assert failed.type == reported
    ended = log.of("task_finished")
    assert [(e.node, e.status) for e in ended] == [("n", TaskStatus.ERROR)]
    # The engine survived: the next run on the same session works.
    mark = log.mark()
    session.rerun().result(30)
    assert log.finish(after=mark, timeout=30).status == RunOutcome.FAILED


@given(st.integers(min_value=4_400, max_value=20_000))
def test_values_the_encoder_refuses_still_end_the_run(tmp_path_factory, digits):
    tmp = tmp_path_factory.mktemp("big")
    graph = _graph_file(tmp, f"def n(state):\n    return {{'x': 10 ** {digits}}}\n")
    result = run_cli_here("run", graph, "--headless")
    assert result.returncode == 0, result.describe()
    assert result.events[-1]["kind"] == "run_finished"
    assert "digits" in result.events[-1]["values"]["x"]


def test_an_event_the_json_encoder_refuses_is_written_described():
    finished = RunFinished(status=RunOutcome.DONE, values={"x": float("inf")})
    finished.values = {"x": [1, {2}]}  # a set: not JSON, and not through jsonify
    line = json.loads(dumps(finished))
    assert line["kind"] == "run_finished" and line["status"] == "done"


def test_a_failing_listener_is_reported_and_the_run_still_ends(open_session):
    session, log = open_session("joke")
    seen: list = []

    def broken(event) -> None:
        raise OSError("No space left on device")

    session.add_listener(broken)
    session.add_listener(seen.append)
    session.start().result(30)
    assert log.finish().status == RunOutcome.DONE
    notices = [e for e in seen if isinstance(e, Notice) and e.level == NoticeLevel.ERROR]
    assert len(notices) == 1 and "No space left on device" in notices[0].text
    assert isinstance(seen[-1], RunFinished)


def test_a_failing_sibling_ends_the_others_as_cancelled(tmp_path, open_session):
    body = (
        "import asyncio\n"
        "from langgraph.types import Send\n"
        "async def n(state):\n"
        "    return {}\n"
        "async def work(arg):\n"
        "    if arg == 0:\n"
        "        raise ValueError('worker 0 failed')\n"
        "    await asyncio.sleep(30)\n"
        "    return {}\n"
    )
    path = tmp_path / "fan.py"
    path.write_text(
        "from typing import Any, TypedDict\n"
        "from langgraph.graph import StateGraph, START, END\n"
        "class S(TypedDict, total=False):\n"
        "    x: Any\n" + body + "\n"
        "b = StateGraph(S)\n"
        "b.add_node('n', n)\n"
        "b.add_node('work', work)\n"
        "b.add_edge(START, 'n')\n"
        "b.add_conditional_edges('n', lambda s: [Send('work', i) for i in range(3)], ['work'])\n"
        "b.add_edge('work', END)\n"
        "graph = b.compile()\n"
        "default_input = {'x': 1}\n"
    )
    session, log = open_session(str(path))
    session.start().result(30)
    assert log.finish(timeout=30).status == RunOutcome.FAILED
    started = {e.task_id for e in log.of("task_started")}
    finished = {e.task_id: e.status for e in log.of("task_finished")}
    assert started == set(finished), "a task started and never finished"
    workers = sorted(s for e, s in finished.items() if e != log.of("task_started")[0].task_id)
    assert workers.count(TaskStatus.ERROR) == 1 and workers.count(TaskStatus.CANCELLED) == 2


def test_a_module_that_leaves_a_thread_running_does_not_hold_the_process(tmp_path):
    graph = _graph_file(
        tmp_path,
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(3600,)).start()\n"
        "def n(state):\n"
        "    threading.Thread(target=time.sleep, args=(3600,)).start()\n"
        "    return {'x': 2}\n",
    )
    done = subprocess.run(
        [sys.executable, "-m", "tui", "run", graph, "--headless"],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["status"] == "done"


def test_a_node_that_reads_stdin_gets_nothing_and_fails_with_a_hint(tmp_path):
    graph = _graph_file(tmp_path, "def n(state):\n    return {'x': input('name? ')}\n")
    result = run_cli_here("run", graph, "--headless")
    assert result.returncode == 1
    (failed,) = result.of("run_failed")
    assert failed["type"] == "EOFError" and "stdin" in failed["hint"]


async def test_a_node_reading_stdin_does_not_take_the_tuis_keys(tmp_path, open_session):
    graph = _graph_file(tmp_path, "def n(state):\n    return {'x': input('name? ')}\n")
    session, _ = open_session(graph)
    seen: list = []
    session.add_listener(seen.append)
    app = DebuggerApp(session)
    from tui.cli.process_io import no_stdin

    with no_stdin():
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_status(pilot, "failed")
            await pilot.press("q")
    assert app.return_code == 0
    assert any(isinstance(e, RunFailed) and e.type == "EOFError" for e in seen)
    assert all(e.status != TaskStatus.RUNNING for e in seen if isinstance(e, TaskFinished))
