"""The CLI as a user runs it: JSONL on stdout, one-line errors, exit codes.

Most cases run ``main()`` in this process (``run_cli_here``): what they check is the
output and the exit code, which do not depend on the process. Only Ctrl-C and the
entry points need a real process.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.fakes.cli import run_cli_here
from tests.helpers import ROOT, SAMPLES, TEST_GRAPHS, env_without_model_choice


def events_of(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize(
    ("sample", "code", "status"),
    [
        ("joke", 0, "done"),
        ("streaming_node", 0, "done"),
        ("ollama_generate", 0, "done"),
        ("react_agent", 0, "done"),
        ("custom_progress", 0, "done"),
        ("research_subgraph", 0, "done"),
        ("map_reduce", 0, "done"),
        ("human_review", 3, "interrupted"),
        ("flaky", 1, "failed"),
    ],
)
def test_headless_sample_prints_valid_jsonl_and_exits_by_status(sample, code, status):
    result = run_cli_here(
        "run", f"sample_graphs/{sample}.py", "--headless", "--model", "scripted:fast"
    )
    assert result.returncode == code, result.stderr
    events = events_of(result.stdout)
    assert events[0]["kind"] == "run_started" and events[0]["graph"] == sample
    assert events[-1] == {**events[-1], "kind": "run_finished", "status": status}
    assert [e["seq"] for e in events] == list(range(len(events)))
    for event in events:
        assert {"seq", "t", "kind", "ns"} <= set(event)


def test_langgraph_json_spec_and_jsonl_file(tmp_path):
    out = tmp_path / "out.jsonl"
    result = run_cli_here(
        "run",
        "sample_graphs/langgraph.json:joke",
        "--input",
        '{"topic": "ice cream"}',
        "--headless",
        "--jsonl",
        str(out),
        "--model",
        "scripted:fast",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    events = events_of(out.read_text())
    assert events[0]["input"] == {"topic": "ice cream"}
    assert "ice cream" in events[-1]["values"]["joke"]


def test_message_shortcut_and_input_from_file(tmp_path):
    result = run_cli_here(
        "run",
        "sample_graphs/react_agent.py",
        "--message",
        "Weather in Oslo?",
        "--headless",
        "--model",
        "scripted:fast",
    )
    assert result.returncode == 0
    first = events_of(result.stdout)[0]
    assert first["input"] == {"messages": [{"role": "user", "content": "Weather in Oslo?"}]}
    assert "Oslo" in events_of(result.stdout)[-1]["values"]["messages"][-1]["content"]
    payload = tmp_path / "in.json"
    payload.write_text('{"query": "what is a monad?"}')
    result = run_cli_here(
        "run",
        "sample_graphs/streaming_node.py",
        "--input",
        f"@{payload}",
        "--headless",
        "--model",
        "scripted:fast",
    )
    assert result.returncode == 0
    assert events_of(result.stdout)[0]["input"] == {"query": "what is a monad?"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "nowhere/graph.py"], "graph file not found: nowhere/graph.py"),
        (["run", str(TEST_GRAPHS / "syntax_error.py")], "syntax error in"),
        (["run", "sample_graphs/joke.py", "--input", "{topic: 1}"], "--input is not valid JSON"),
        (
            ["run", "sample_graphs/joke.py", "--input", "@missing.json"],
            "--input @missing.json: cannot read missing.json",
        ),
        (["run", "sample_graphs/joke.py", "--model", "gpt"], "unknown model 'gpt'"),
        (["run", "sample_graphs/joke.py", "--checkpointer", "postgres"], "bad --checkpointer"),
        (
            ["run", "sample_graphs/joke.py", "--break-before", "nope"],
            "no node named 'nope' for a breakpoint: choose from call_model",
        ),
        (["run", "sample_graphs/human_review.py", "--resume", "ok"], "--resume needs --thread ID"),
        (["run", "sample_graphs/langgraph.json:nope"], "has no graph named 'nope'"),
        (
            ["run", str(TEST_GRAPHS / "only_one.py")],
            "no input: pass --input JSON or --message TEXT",
        ),
    ],
)
def test_bad_usage_exits_2_with_one_line(args, message):
    result = run_cli_here(*args, "--headless")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("langgraph-tui: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_verbose_shows_the_traceback_of_a_load_error():
    result = run_cli_here(
        "run", str(TEST_GRAPHS / "raises_on_import.py"), "--headless", "--verbose"
    )
    assert result.returncode == 2
    assert "Traceback" in result.stderr and "RuntimeError: config missing" in result.stderr


def test_breakpoint_stops_with_exit_3():
    result = run_cli_here(
        "run",
        "sample_graphs/react_agent.py",
        "--break-before",
        "tools",
        "--headless",
        "--model",
        "scripted:fast",
    )
    assert result.returncode == 3
    events = events_of(result.stdout)
    paused = [e for e in events if e["kind"] == "paused"]
    assert paused and paused[-1]["reason"] == "breakpoint" and paused[-1]["next"] == ["tools"]


def test_resume_answers_an_interrupt_on_a_persistent_thread(tmp_path):
    db = f"sqlite:{tmp_path / 'review.db'}"
    common = [
        "run",
        "sample_graphs/human_review.py",
        "--headless",
        "--checkpointer",
        db,
        "--thread",
        "t1",
        "--model",
        "scripted:fast",
    ]
    first = run_cli_here(*common)
    assert first.returncode == 3
    interrupted = [e for e in events_of(first.stdout) if e["kind"] == "interrupted"]
    assert interrupted[0]["interrupts"][0]["value"]["question"].startswith("Approve")
    second = run_cli_here(*common, "--resume", "approve")
    assert second.returncode == 0, second.stderr
    events = events_of(second.stdout)
    assert events[0]["kind"] == "resumed" and events[0]["value"] == "approve"
    assert events[-1]["values"]["approved"] is True
    third = run_cli_here(*common, "--resume", "approve")
    assert third.returncode == 2
    assert "no interrupt is waiting for an answer" in third.stderr


@contextlib.contextmanager
def _children_get_sigint():
    """A shell that starts a job in the background without job control (``pytest &``
    in a script, some CI runners) makes it ignore SIGINT, and an ignored signal stays
    ignored across exec: the CLI under test would never see its Ctrl-C and run to the
    end. A handled signal is reset to the default at exec instead, and Python turns
    the default into KeyboardInterrupt."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if previous is signal.SIG_IGN:
            signal.signal(signal.SIGINT, previous)


def _replies_in(path: Path) -> int:
    """How many model replies have streamed into the JSONL file so far."""
    if not path.exists():
        return 0
    replies = set()
    for line in path.read_text().splitlines():
        if '"kind": "token"' in line:
            with contextlib.suppress(json.JSONDecodeError):  # a line being written
                replies.add(json.loads(line)["message_id"])
    return len(replies)


def test_ctrl_c_cancels_with_130_and_valid_jsonl(tmp_path):
    out, err = tmp_path / "run.jsonl", tmp_path / "stderr.txt"
    args = ["run", str(TEST_GRAPHS / "endless_stream.py"), "--headless", "--jsonl", str(out)]
    with _children_get_sigint(), err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", *args, "--model", "scripted:100"],
            cwd=ROOT,
            env=env_without_model_choice(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        # The graph streams until cancelled, so waiting costs nothing but time. A
        # second reply means the CLI is long past starting the run and is waiting
        # for its end, where Ctrl-C is turned into a cancel.
        deadline = time.monotonic() + 60
        while _replies_in(out) < 2:
            assert process.poll() is None, f"exit {process.returncode}: {err.read_text()}"
            assert time.monotonic() < deadline, f"no tokens streamed: {err.read_text()}"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130, err.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    events = events_of(out.read_text())
    assert events[-1]["kind"] == "run_finished" and events[-1]["status"] == "cancelled"
    assert any(e["kind"] == "token" for e in events)


def test_replay_headless_reprints_a_recording_with_every_state_whole(tmp_path):
    out = tmp_path / "run.jsonl"
    assert (
        run_cli_here(
            "run",
            "sample_graphs/joke.py",
            "--headless",
            "--jsonl",
            str(out),
            "--model",
            "scripted:fast",
        ).returncode
        == 0
    )
    replay = run_cli_here("replay", str(out), "--headless")
    assert replay.returncode == 0
    recorded = events_of(out.read_text())
    printed = events_of(replay.stdout)
    state_keys = ("values", "input", "values_from", "input_from", "values_added", "values_set")
    assert any("values_from" in e for e in recorded)  # the file writes each state once
    assert not any(k.endswith(("_from", "_added")) for e in printed for k in e)
    assert [{k: v for k, v in e.items() if k not in state_keys} for e in printed] == [
        {k: v for k, v in e.items() if k not in state_keys} for e in recorded
    ]
    # Whole again: each state the file refers to is printed.
    for written, shown in zip(recorded, printed, strict=True):
        for field in ("values", "input"):
            if f"{field}_from" in written:
                assert written[field] is None and shown[field] is not None
    finals = [e for e in printed if e["kind"] in ("values", "checkpoint")]
    assert finals[-1]["values"] == printed[-1]["values"] == recorded[-1]["values"]


def _console_script() -> list[str]:
    """The ``langgraph-tui`` console script of this checkout.

    The venv's script belongs to the checkout that was installed into it; from a
    worktree beside that one it would run the other checkout's code through the
    other checkout's entry point. Then this runs what pip writes for this
    checkout's ``[project.scripts]`` instead."""
    installed = importlib.metadata.distribution("langgraph-tui")
    origin = json.loads(installed.read_text("direct_url.json") or "{}").get("url")
    if origin == ROOT.as_uri():
        return [str(Path(sys.executable).parent / "langgraph-tui")]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    module, name = pyproject["project"]["scripts"]["langgraph-tui"].split(":")
    return [sys.executable, "-c", f"import sys; from {module} import {name}; sys.exit({name}())"]


def test_module_entry_point_and_console_script_agree():
    env = {**env_without_model_choice(), "PYTHONPATH": str(ROOT)}
    # Started together: each spends seconds importing, and there are two cores.
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "tui", "--help"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
        subprocess.Popen(
            [*_console_script(), "--help"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
    ]
    try:
        (module_out, module_err), (script_out, script_err) = [
            p.communicate(timeout=60) for p in started
        ]
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert started[0].returncode == 0, module_err
    assert started[1].returncode == 0, script_err
    assert script_out.replace("langgraph-tui", "") == module_out.replace("langgraph-tui", "")


def test_samples_langgraph_json_lists_every_sample():
    config = json.loads((SAMPLES / "langgraph.json").read_text())
    files = {p.stem for p in SAMPLES.glob("*.py") if not p.stem.startswith("_")}
    assert set(config["graphs"]) == files
