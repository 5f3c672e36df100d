"""Reading JSON that a user gives (a flag, an ``@file``, a ``langgraph.json``).

Each failure is a ``JsonTextError`` whose text says what is wrong, without where:
the caller knows the flag or file and what to tell the user to do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class JsonTextError(ValueError):
    pass


def read_text_file(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise JsonTextError(f"cannot read {path} ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise JsonTextError(f"{path} is not UTF-8 text (byte {exc.start})") from exc


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonTextError(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    except RecursionError:
        raise JsonTextError("is nested too deeply to read") from None
