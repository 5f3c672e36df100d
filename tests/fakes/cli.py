"""Run the CLI against the fake servers: in this process, or as a user does.

``run_cli_here`` runs ``main()`` in this process: the same code path, JSONL and exit
code, without the start-up a process pays (importing LangGraph, LangChain and the
clients costs more than a second of CPU). Use it unless the process itself is what
a test is about. ``CliRun`` starts ``python -m tui`` and returns at once, so a slow
case can run beside the others; its output goes to temp files, not pipes: a run that
prints more than a pipe holds must not stall while no one reads it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from tests.helpers import ROOT
from tui.engine.events import Event, event_from_dict
from tui.engine.state_once import StatesRead

_DROPPED_ENV = ("LANGGRAPH_TUI_", "OPENAI_", "OLLAMA_", "LANGSMITH_", "LANGCHAIN_")


def isolate_client_env(monkeypatch: Any) -> None:
    """The same isolation as ``cli_env`` for clients built in this process."""
    for name in list(os.environ):
        if name.startswith(_DROPPED_ENV) or "proxy" in name.lower():
            monkeypatch.delenv(name)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("LANGSMITH_TRACING", "false")


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI run: nothing that points a client elsewhere (a proxy,
    a real OpenAI key, an OLLAMA_HOST), and no tracing that would phone home."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(_DROPPED_ENV) and "proxy" not in k.lower()
    }
    env.update(
        NO_PROXY="127.0.0.1,localhost",
        LANGSMITH_TRACING="false",
        LANGCHAIN_TRACING_V2="false",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class CliResult:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    events: list[dict[str, Any]] = field(default_factory=list)

    def of(self, kind: str) -> list[dict[str, Any]]:
        """The lines of a kind, as written (a state or a request may be a reference)."""
        return [e for e in self.events if e["kind"] == kind]

    def read_back(self) -> list[Event]:
        """The events as a reader of the JSONL gets them (as ``read_events`` reads a
        file): every state and request written as a reference, whole again."""
        states = StatesRead()
        return [event_from_dict(states.resolve(dict(e))) for e in self.events]

    def one(self, kind: str) -> dict[str, Any]:
        found = self.of(kind)
        assert len(found) == 1, f"expected one {kind} event, got {len(found)}: {self.describe()}"
        return found[0]

    def tokens(self, node: str | None = None) -> list[dict[str, Any]]:
        return [
            e for e in self.of("token") if e["role"] == "ai" and (node is None or e["node"] == node)
        ]

    def text(self, node: str | None = None) -> str:
        return "".join(e["text"] for e in self.tokens(node))

    def replies(self, node: str | None = None) -> list[str]:
        """The text of each model reply, by message: parallel calls interleave tokens."""
        texts: dict[str, str] = {}
        for event in self.tokens(node):
            key = event["message_id"]
            texts[key] = texts.get(key, "") + event["text"]
        return [text for text in texts.values() if text]

    def reasoning(self, node: str | None = None) -> str:
        return "".join(e["reasoning"] for e in self.tokens(node))

    def describe(self) -> str:
        kinds = [e["kind"] for e in self.events[-12:]]
        return f"exit {self.returncode}; last events {kinds}; stderr:\n{self.stderr[-3000:]}"


class CliRun:
    """``python -m tui ARGS`` started now, in the repository root; ``result()`` waits."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.args = args
        # Held open across calls: result() reads and closes them, kill() closes them.
        self._out = tempfile.TemporaryFile()  # noqa: SIM115
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        self._started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui", *args],
            cwd=ROOT,
            env=env if env is not None else cli_env(),
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=self._err,
        )
        self._result: CliResult | None = None

    def result(self, timeout: float = 90.0) -> CliResult:
        if self._result is None:
            try:
                code = self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise
            wall = time.monotonic() - self._started
            stdout, stderr = self._read(self._out), self._read(self._err)
            self._result = _result(self.args, code, stdout, stderr, wall)
        return self._result

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._out.close()
        self._err.close()

    @staticmethod
    def _read(handle: Any) -> str:
        handle.seek(0)
        text = handle.read().decode("utf-8", "replace")
        handle.close()
        return text


def _result(args: tuple[str, ...], code: int, stdout: str, stderr: str, wall: float) -> CliResult:
    events = []
    for number, line in enumerate(stdout.splitlines(), 1):
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise AssertionError(
                f"stdout line {number} is not JSON ({exc}): {line[:200]!r}"
            ) from None
    return CliResult(args, code, stdout, stderr, wall, events)


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 90.0) -> CliResult:
    return CliRun(*args, env=env).result(timeout)


def run_cli_here(*args: str, cwd: Any = None) -> CliResult:
    """``langgraph-tui ARGS`` through ``tui.cli.main`` in this process, from the
    repository root (or ``cwd``): the same code path without a second of start-up."""
    from tui import cli

    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with (
        contextlib.chdir(cwd or ROOT),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:
            # argparse ends a bad command line (and --help) this way; a process would
            # exit with the code, or print a text code and exit 1.
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    return _result(args, code, out.getvalue(), err.getvalue(), time.monotonic() - started)


def headless(sample: str, model: str, base_url: str, *extra: str) -> tuple[str, ...]:
    """Arguments for a headless run of ``sample_graphs/SAMPLE.py`` on ``model``."""
    return (
        "run",
        f"sample_graphs/{sample}.py",
        "--headless",
        "--model",
        model,
        "--base-url",
        base_url,
        *extra,
    )
