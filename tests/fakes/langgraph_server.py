"""A real LangGraph Server for the attach tests: ``langgraph dev`` (langgraph-cli[inmem],
offline, in memory) on 127.0.0.1 and a free port, never 2024.

It serves the graphs of ``sample_graphs/langgraph.json`` plus two test graphs that
a run cannot race (``paced_stream``: streams until cancelled; ``slow_steps``: three
steps with room between them). It runs in a folder of its own, because ``langgraph
dev`` resolves paths against its working folder and keeps its threads there
(``.langgraph_api/``): the repository stays clean and servers never share state.
Its model is the scripted one at full speed, like the local runs it is compared with.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fakes.cli import cli_env
from tests.helpers import SAMPLES, TEST_GRAPHS

_EXTRA_GRAPHS = ("paced_stream", "slow_steps")


def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != 2024:  # taken on these machines, and langgraph dev's default
            return port


def _die_with_parent() -> None:
    """In the server, before it starts: end with the test process even when that is
    killed outright (no fixture teardown then), so no server outlives its tests."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class LangGraphDevServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        config = json.loads((SAMPLES / "langgraph.json").read_text())
        graphs = {
            name: str(SAMPLES / Path(path.split(":")[0]).name) + ":" + path.split(":")[1]
            for name, path in config["graphs"].items()
        }
        graphs.update({name: f"{TEST_GRAPHS / name}.py:graph" for name in _EXTRA_GRAPHS})
        (folder / "langgraph.json").write_text(
            json.dumps({"dependencies": ["."], "graphs": graphs})
        )
        langgraph = Path(sys.executable).with_name("langgraph")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(langgraph),
                    "dev",
                    "--no-browser",
                    "--no-reload",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--config",
                    "langgraph.json",
                ],
                cwd=folder,
                env=cli_env(
                    LANGGRAPH_TUI_MODEL="scripted:fast",
                    LANGGRAPH_NO_VERSION_CHECK="true",
                    LANGGRAPH_CLI_NO_ANALYTICS="1",
                    LGTUI_TEST_STEP_DELAY="0.3",
                ),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until ``GET /ok`` answers (an upper bound, not a delay)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"langgraph dev exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/ok", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"langgraph dev not ready: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            # Its own process group: the server's workers go with it.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
