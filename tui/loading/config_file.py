"""``langgraph.json``: its graphs, ``env`` and local ``dependencies``, as the CLI reads them."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from tui.json_text import JsonTextError, parse_json, read_text_file
from tui.loading.errors import GraphLoadError

CONFIG_FILE = "langgraph.json"


def read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise GraphLoadError(f"{path} not found: check the path to langgraph.json")
    try:
        config = parse_json(read_text_file(path))
    except JsonTextError as exc:
        what = str(exc) if str(exc).startswith(("cannot", str(path))) else f"{path} {exc}"
        raise GraphLoadError(f"{what}: fix the file (it must be JSON)") from exc
    graphs = config.get("graphs") if isinstance(config, dict) else None
    if not isinstance(graphs, dict) or not graphs:
        raise GraphLoadError(
            f'{path} has no "graphs" map: add one, e.g. {{"graphs": {{"agent": "./agent.py:graph"}}}}'
        )
    return config


def pick_graph(config: dict[str, Any], path: Path, name: str | None) -> tuple[str, str, str]:
    """``(name, target, attr)`` of the chosen graph entry."""
    graphs = config["graphs"]
    names = ", ".join(sorted(graphs))
    if name is None:
        if len(graphs) != 1:
            raise GraphLoadError(
                f"{path} defines several graphs ({names}): pick one with {path}:NAME"
            )
        name = next(iter(graphs))
    if name not in graphs:
        raise GraphLoadError(f"{path} has no graph named {name!r}: choose one of {names}")
    entry = graphs[name]
    if isinstance(entry, dict):
        entry = entry.get("path", "")
    if not isinstance(entry, str) or ":" not in entry:
        raise GraphLoadError(
            f'{path}: graph {name!r} must look like "./file.py:attr", got {entry!r}'
        )
    target, attr = entry.rsplit(":", 1)
    return name, target, attr


def apply_env(env: Any, base: Path, config_path: Path) -> None:
    # Same as the LangGraph CLI: a path to a .env file, or a map of variables.
    # Variables already set in the shell win, so a user can override the file.
    if env is None:
        return
    if isinstance(env, dict):
        for key, value in env.items():
            os.environ.setdefault(str(key), str(value))
        return
    if isinstance(env, str):
        env_path = (base / env).resolve()
        if not env_path.is_file():
            raise GraphLoadError(f'{config_path}: env file {env} not found: create it or fix "env"')
        from dotenv import load_dotenv

        load_dotenv(env_path, override=False)
        return
    raise GraphLoadError(f'{config_path}: "env" must be a path or a map, got {env!r}')


def apply_dependencies(dependencies: Any, base: Path, config_path: Path) -> None:
    # Local paths become importable, as the CLI installs them; package names are
    # requirements the user installs themselves, so there is nothing to do here.
    if dependencies is None:
        return
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        raise GraphLoadError(
            f'{config_path}: "dependencies" must be a list of paths or package names, '
            f'e.g. ["."], got {dependencies!r}'[:300]
        )
    for dep in dependencies:
        if isinstance(dep, str) and dep.startswith((".", "/")):
            dep_path = (base / dep).resolve()
            if dep_path.is_dir() and str(dep_path) not in sys.path:
                sys.path.insert(0, str(dep_path))
