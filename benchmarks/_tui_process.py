"""A real ``langgraph-tui run`` in a pseudo-terminal (or headless, on a pipe), for the
TUI benchmarks (plumbing, not a benchmark itself).

The child runs ``benchmarks/graphs/token_stream.py`` (``BENCH_TOKENS`` tokens at
``BENCH_RATE`` per second). A thread reads everything it writes, as a terminal would,
and notes when each watched marker (``b"RUNNING"``, ``b"DONE"``, ...) first appeared:
what a user sees, to the read.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from _bench import ROOT

GRAPH = "benchmarks/graphs/token_stream.py"
SIZE = (130, 36)  # columns, rows
TIMEOUT_S = 120.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (all its threads)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wakeups(pid: int) -> int:
    """How many times the process's main thread (the app's) has gone to sleep and
    woken (voluntary context switches)."""
    for line in Path(f"/proc/{pid}/task/{pid}/status").read_text().splitlines():
        if line.startswith("voluntary_ctxt_switches:"):
            return int(line.split()[1])
    return 0


class Child:
    """A ``langgraph-tui run`` subprocess whose output a thread collects."""

    def __init__(
        self, tokens: int, rate: float, *, headless: bool, watch: tuple[bytes, ...] = ()
    ) -> None:
        env = dict(
            os.environ,
            TERM="xterm-256color",
            BENCH_TOKENS=str(tokens),
            BENCH_RATE=str(rate),
            PYTHONPATH=str(ROOT),
        )
        command = [sys.executable, "-m", "tui", "run", GRAPH]
        self.written = 0
        """Bytes written so far."""
        self.seen: dict[bytes, float] = {}
        """When each of ``watch`` first appeared in the output (``time.perf_counter``)."""
        self._watch = watch
        self._tail = b""
        self._lock = threading.Lock()
        if headless:
            self.proc = subprocess.Popen(
                [*command, "--headless"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            assert self.proc.stdout is not None
            self._fd = self.proc.stdout.fileno()
        else:
            master, slave = os.openpty()
            cols, rows = SIZE
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            self.proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                start_new_session=True,
            )
            os.close(slave)
            self._fd = master
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._fd, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            # A marker may straddle two reads: look from just before this one.
            window = self._tail + data
            with self._lock:
                self.written += len(data)
                for marker in self._watch:
                    if marker not in self.seen and marker in window:
                        self.seen[marker] = now
            self._tail = window[-32:]

    def wait_for(self, marker: bytes, timeout: float = TIMEOUT_S) -> float:
        """Until ``marker`` (one of ``watch``) has appeared; returns when it did."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if marker in self.seen:
                    return self.seen[marker]
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"never saw {marker!r} (exit {self.proc.returncode})")
            time.sleep(0.01)

    def type(self, text: str) -> float:
        """Send keys to the TUI as typed; returns when (``time.perf_counter``)."""
        now = time.perf_counter()
        os.write(self._fd, text.encode())
        return now

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        if self.proc.stdout is None:
            os.close(self._fd)
        else:
            self.proc.stdout.close()
