"""Headless output is always valid JSONL: what the graph prints goes to stderr."""

from __future__ import annotations

import json
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fakes.cli import cli_env, run_cli_here
from tests.helpers import ROOT, examples

PRINTER = """
import os, sys
from typing import TypedDict
from langgraph.graph import StateGraph, START, END
print("import-time print", {text!r})
sys.stdout.write("no newline at import")
class S(TypedDict, total=False):
    x: int
def n(state):
    print("node print", {text!r})
    os.write(1, b"raw bytes to fd 1\\n")
    return {{"x": 2}}
b = StateGraph(S); b.add_node("n", n); b.add_edge(START, "n"); b.add_edge("n", END)
graph = b.compile()
default_input = {{"x": 1}}
"""


def _lines_are_events(stdout: str) -> list[dict]:
    events = [json.loads(line) for line in stdout.splitlines()]
    assert all({"seq", "t", "kind", "ns"} <= set(e) for e in events)
    return events


def test_prints_from_import_nodes_and_fd_1_go_to_stderr(tmp_path):
    graph = tmp_path / "printer.py"
    graph.write_text(PRINTER.format(text="hello"))
    done = subprocess.run(
        [sys.executable, "-m", "tui", "run", str(graph), "--headless"],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    events = _lines_are_events(done.stdout)
    assert events[-1]["kind"] == "run_finished"
    for said in ("import-time print hello", "node print hello", "raw bytes to fd 1"):
        assert said in done.stderr


@settings(max_examples=examples(5))
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40))
def test_whatever_a_node_prints_stdout_stays_jsonl(tmp_path_factory, text):
    graph = tmp_path_factory.mktemp("p") / "printer.py"
    graph.write_text(PRINTER.format(text=text))
    result = run_cli_here("run", str(graph), "--headless")
    assert result.returncode == 0
    assert _lines_are_events(result.stdout)[-1]["kind"] == "run_finished"


def test_a_headless_run_keeps_no_event_once_it_is_written(tmp_path, open_session):
    from types import SimpleNamespace

    from tui.cli.headless import run_headless
    from tui.engine.no_input import NO_INPUT
    from tui.engine.recording import JsonlWriter, read_events

    session, _ = open_session("joke")
    path = tmp_path / "run.jsonl"
    writer = JsonlWriter.to_path(path)
    spec = SimpleNamespace(
        input=NO_INPUT, resume=NO_INPUT, jsonl=str(path), from_checkpoint=None, update=None
    )
    assert run_headless(session, spec, writer) == 0
    writer.close()
    assert [e.kind for e in read_events(path)][-1] == "run_finished"
    # Nobody drains a headless session's queue: had the events (and every state they
    # carry) gone there too, they would all be held until the process ends.
    assert session.drain() == []
