"""Tracebacks cut to the user's own frames, for reading at a glance.

A failing node's traceback is mostly LangGraph and asyncio frames. The events pane
shows the frames from the user's code (paths relative to the working directory)
and says how many library frames it hid; the task detail keeps the full text.
"""

from __future__ import annotations

import os
import re
import sys
import sysconfig

import tui

_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line \d+')
_TASK_NOTE = re.compile(r"(During task with name '[^']*') and id '[^']*'")
# The debugger's own frames (the engine driving the stream) are noise to its user.
_OWN_PACKAGE = os.path.dirname(os.path.abspath(tui.__file__))


def _library_roots() -> tuple[str, ...]:
    roots = {
        sysconfig.get_paths().get(key, "") for key in ("stdlib", "platstdlib", "purelib", "platlib")
    }
    roots.add(os.path.join(sys.base_prefix, "lib"))
    roots.add(_OWN_PACKAGE + os.sep)
    return tuple(sorted(root for root in roots if root))


def is_library(path: str) -> bool:
    return (
        "site-packages" in path or path.startswith(_library_roots()) or path.startswith("<frozen")
    )


def user_traceback(text: str, cwd: str | None = None) -> str:
    cwd = (cwd or os.getcwd()).rstrip(os.sep) + os.sep
    out: list[str] = []
    hidden = 0
    skipping = False
    for line in text.rstrip("\n").splitlines():
        frame = _FRAME.match(line)
        if frame:
            skipping = is_library(frame.group("path"))
            if skipping:
                hidden += 1
                continue
            out.append(line.replace(cwd, ""))
            continue
        if skipping and line.startswith("    "):
            continue  # the source line (and carets) of a hidden frame
        skipping = False
        out.append(_TASK_NOTE.sub(r"\1", line))
    if hidden:
        note = f"({hidden} library frame{'s' if hidden != 1 else ''} hidden; enter on the task shows all)"
        out.insert(1 if out and out[0].startswith("Traceback") else 0, f"  {note}")
    return "\n".join(out)
