"""A real LangGraph Server for the attach tests: ``langgraph dev`` (langgraph-cli[inmem],
offline, in memory) on 127.0.0.1 and a free port, never 2024.

It serves the graphs of ``sample_graphs/langgraph.json`` plus two test graphs that
a run cannot race (``paced_stream``: streams until cancelled; ``slow_steps``: three
steps with room between them). It runs in a folder of its own, because ``langgraph
dev`` resolves paths against its working folder and keeps its threads there
(``.langgraph_api/``): the repository stays clean. Its model is the scripted one at
full speed, like the local runs it is compared with.

One server serves the test module on every pytest-xdist worker: starting one costs
a few seconds of CPU, which three workers would pay three times. The first worker to
need it starts it under a small keeper (this file run as a script); the others find
it through a file beside their shared temporary folder. The keeper stops the server
when the pytest process that started the workers ends, however it ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

_ROOT = Path(__file__).resolve().parent.parent.parent
if str(_ROOT) not in sys.path:  # run as a script (the keeper)
    sys.path.insert(0, str(_ROOT))

from tests.fakes.cli import cli_env  # noqa: E402
from tests.helpers import SAMPLES, TEST_GRAPHS  # noqa: E402

_EXTRA_GRAPHS = ("paced_stream", "slow_steps")
_READY_S = 90.0


def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != 2024:  # taken on these machines, and langgraph dev's default
            return port


def shared_server(folder: Path, owner_pid: int) -> str:
    """The URL of the server in ``folder``, started (and kept until ``owner_pid``
    ends) by whichever caller comes first; the others wait for it to be ready."""
    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "server.json"
    with _locked(folder / "server.lock"):
        if not info.exists():
            subprocess.Popen(
                [sys.executable, __file__, str(folder), str(owner_pid)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a worker's own end must not stop it
            )
        url = _wait_ready(folder, info)
    return url


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _wait_ready(folder: Path, info: Path) -> str:
    """Until ``GET /ok`` answers (an upper bound, not a delay)."""
    log = folder / "server.log"
    deadline = time.monotonic() + _READY_S
    while time.monotonic() < deadline:
        if info.exists():
            state = json.loads(info.read_text())
            if state.get("failed"):
                raise RuntimeError(f"langgraph dev did not start: {_tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{state['url']}/ok", timeout=1.0).status_code == 200:
                    return str(state["url"])
        time.sleep(0.1)
    raise RuntimeError(f"langgraph dev not ready after {_READY_S:.0f}s: {_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


def _write_config(folder: Path) -> None:
    config = json.loads((SAMPLES / "langgraph.json").read_text())
    graphs = {
        name: f"{SAMPLES / Path(path.split(':')[0]).name}:{path.split(':')[1]}"
        for name, path in config["graphs"].items()
    }
    graphs.update({name: f"{TEST_GRAPHS / name}.py:graph" for name in _EXTRA_GRAPHS})
    (folder / "langgraph.json").write_text(json.dumps({"dependencies": ["."], "graphs": graphs}))


def _die_with_parent() -> None:
    """In the server, before it starts: end with its keeper even when that is killed
    outright, so no server outlives its tests."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def keep(folder: Path, owner_pid: int) -> None:
    """Start the server in ``folder`` and stop it once ``owner_pid`` has ended."""
    _write_config(folder)
    port = free_port()
    langgraph = Path(sys.executable).with_name("langgraph")
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [
                str(langgraph),
                "dev",
                "--no-browser",
                "--no-reload",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--config",
                "langgraph.json",
                # One run per worker at a time: three workers need three.
                "--n-jobs-per-worker",
                "4",
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
            preexec_fn=_die_with_parent,
        )
    (folder / "server.json").write_text(json.dumps({"url": f"http://127.0.0.1:{port}"}))
    try:
        while _alive(owner_pid) and server.poll() is None:
            time.sleep(0.2)
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        else:
            (folder / "server.json").write_text(json.dumps({"failed": True}))


if __name__ == "__main__":
    keep(Path(sys.argv[1]), int(sys.argv[2]))
