"""The real TUI in a real (pseudo-)terminal: what the README's main command does."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
import time

from tests.helpers import ROOT, TEST_GRAPHS, env_without_model_choice


def _spawn(
    args: list[str], size: tuple[int, int] = (100, 30)
) -> tuple[subprocess.Popen, int, list[bytes]]:
    master, slave = pty.openpty()
    cols, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = env_without_model_choice()
    env.update(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        cwd=ROOT,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    output: list[bytes] = []

    def pump() -> None:  # keep reading, or the app blocks on a full terminal
        while True:
            try:
                ready, _, _ = select.select([master], [], [], 0.1)
                if ready:
                    chunk = os.read(master, 65536)
                    if not chunk:
                        return
                    output.append(chunk)
                elif process.poll() is not None:
                    return
            except OSError:
                return

    threading.Thread(target=pump, daemon=True).start()
    return process, master, output


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _run_until_done_then_quit(args: list[str], recording, node: str) -> list[dict]:
    """The TUI on ``args`` (recording to ``recording``): its run ends, the screen shows
    DONE and ``node``, and q quits with 0. Returns the recorded events."""
    process, master, output = _spawn([*args, "--jsonl", str(recording)])
    try:
        finished = _wait(
            lambda: recording.exists() and '"run_finished"' in recording.read_text(), 60
        )
        assert finished, b"".join(output)[-2000:]

        def shown() -> str:
            return b"".join(output).decode("utf-8", "replace")

        assert _wait(lambda: "DONE" in shown() and node in shown(), 20), shown()[-2000:]
        os.write(master, b"q")
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    return [json.loads(line) for line in recording.read_text().splitlines()]


def test_tui_runs_a_sample_records_it_and_quits_on_q(tmp_path):
    events = _run_until_done_then_quit(
        ["run", "sample_graphs/joke.py", "--model", "scripted:fast"],
        tmp_path / "run.jsonl",
        "call_model",
    )
    assert events[0]["kind"] == "run_started" and events[-1]["status"] == "done"


def test_tui_starts_with_the_message_given_on_the_command_line(tmp_path):
    message = "weather in Oslo?"
    events = _run_until_done_then_quit(
        ["run", "sample_graphs/react_agent.py", "--model", "scripted:fast", "--message", message],
        tmp_path / "run.jsonl",
        "agent",
    )
    assert events[0]["input"] == {"messages": [{"role": "user", "content": message}]}
    assert events[-1]["status"] == "done"
    first = events[-1]["values"]["messages"][0]
    assert first["type"] == "human" and first["content"] == message


def test_a_graph_that_does_not_load_is_shown_then_q_exits_2_with_its_line():
    """The frame comes first, so a broken graph is reported on it; quitting then
    exits 2 with the same one line on stderr, as a bad command line does."""
    process, master, output = _spawn(["run", str(TEST_GRAPHS / "syntax_error.py")])
    try:

        def shown() -> str:
            return b"".join(output).decode("utf-8", "replace")

        assert _wait(lambda: "NOT LOADED" in shown(), 60), shown()[-2000:]
        os.write(master, b"q")
        assert process.wait(timeout=20) == 2
        assert _wait(lambda: "langgraph-tui: error: syntax error in" in shown(), 5), shown()[-800:]
        assert "Traceback" not in shown()
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
