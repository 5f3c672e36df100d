"""The process's own streams, kept apart from the graph's.

* Headless JSONL owns stdout: whatever the graph prints (at import, in a node, from
  C code or a subprocess writing to file descriptor 1) goes to stderr instead.
* The graph gets no stdin: a node that reads it sees end-of-file at once, instead
  of hanging a headless run or stealing the TUI's keys (Textual reads the terminal
  through ``sys.__stdin__``, which is left alone).
* A graph that leaves a non-daemon thread running cannot keep the process alive
  once the run has ended and everything is flushed.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
from collections.abc import Iterator
from typing import TextIO


@contextlib.contextmanager
def user_output_to_stderr() -> Iterator[TextIO]:
    """While inside, prints go to stderr; yields the stream JSONL is written to."""
    original = sys.stdout
    try:
        fd = original.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        fd = -1
    if fd < 0:
        # Not a real file (tests redirect to a StringIO): swapping the object is enough.
        sys.stdout = sys.stderr
        try:
            yield original
        finally:
            sys.stdout = original
        return
    original.flush()
    saved = os.dup(fd)
    jsonl = os.fdopen(os.dup(fd), "w", encoding="utf-8", closefd=True)
    os.dup2(sys.stderr.fileno(), fd)
    sys.stdout = sys.stderr
    try:
        yield jsonl
    finally:
        with contextlib.suppress(OSError, ValueError):
            jsonl.flush()
        sys.stdout = original
        os.dup2(saved, fd)
        os.close(saved)
        with contextlib.suppress(OSError, ValueError):
            jsonl.close()


@contextlib.contextmanager
def no_stdin() -> Iterator[None]:
    original = sys.stdin
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (closed below)
    try:
        yield
    finally:
        sys.stdin.close()
        sys.stdin = original


def exit_now_if_threads_linger(code: int) -> None:
    """Exit with ``code`` even while a thread the graph started is still running."""
    lingering = [
        t
        for t in threading.enumerate()
        if t is not threading.main_thread() and not t.daemon and t.is_alive()
    ]
    if lingering:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
