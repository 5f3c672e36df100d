"""Arguments shared by subcommands, and reading JSON given on the command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from tui.cli.errors import UsageError


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        default="scripted",
        help="scripted (default, offline), scripted:fast, ollama:NAME or openai:NAME",
    )
    parser.add_argument("--base-url", help="server URL for ollama:/openai: models")
    parser.add_argument("--timeout", type=float, help="seconds to wait for the model server")
    parser.add_argument("--max-tokens", type=int, help="cap on tokens per model reply")
    parser.add_argument(
        "--no-stream-tools",
        action="store_true",
        help="ask for whole messages when tools are bound (small models with broken tool deltas)",
    )


def parse_json_arg(flag: str, text: str, *, allow_file: bool) -> Any:
    """``text`` as JSON; with ``allow_file``, ``@path`` reads the JSON from a file."""
    where = flag
    if allow_file and text.startswith("@"):
        path = Path(text[1:])
        where = f"{flag} {text}"
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise UsageError(f"{where}: cannot read {path} ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"{where}: {path} is not UTF-8 text (byte {exc.start}): give a JSON file"
            ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            """quote it for the shell, e.g. --input '{"topic": "cats"}'"""
        ) from exc
    except RecursionError:
        raise UsageError(f"{where}: the JSON is nested too deeply to read (simplify it)") from None


def split_nodes(values: list[str]) -> list[str]:
    """``--break-before a,b --break-before c`` -> ``[a, b, c]``."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]
