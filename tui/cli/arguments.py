"""Arguments shared by subcommands, and reading JSON given on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tui.cli.errors import UsageError
from tui.json_text import JsonTextError, parse_json, read_text_file


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
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
        where = f"{flag} {text}"
        try:
            text = read_text_file(Path(text[1:]))
        except JsonTextError as exc:
            raise UsageError(f"{where}: {exc}: give a JSON file") from exc
    try:
        return parse_json(text)
    except JsonTextError as exc:
        raise UsageError(
            f'{where} {exc}; quote it for the shell, e.g. {flag} \'{{"topic": "cats"}}\''
        ) from exc


def split_nodes(values: list[str]) -> list[str]:
    """``--break-before a,b --break-before c`` -> ``[a, b, c]``."""
    return [name.strip() for value in values for name in value.split(",") if name.strip()]
