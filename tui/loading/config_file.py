"""``langgraph.json``: its graphs, ``env`` and local ``dependencies``, read as
``langgraph dev --config`` reads them: every path relative to the working directory
(not the file's folder), the working directory and each local dependency on
``sys.path`` after the installed packages, an ``env`` file that is missing read as
empty, and ``env`` values over what the shell set."""

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
    _check_shapes(config, path)
    return config


def _check_shapes(config: dict[str, Any], path: Path) -> None:
    # Checked before anything is applied, so a bad file changes neither the
    # environment nor sys.path.
    env = config.get("env")
    if env is not None and not isinstance(env, (str, dict)):
        raise GraphLoadError(f'{path}: "env" must be a path or a map, got {env!r}'[:300])
    dependencies = config.get("dependencies")
    if dependencies is not None and (
        not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies)
    ):
        raise GraphLoadError(
            f'{path}: "dependencies" must be a list of paths or package names, '
            f'e.g. ["."], got {dependencies!r}'[:300]
        )


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


def apply_env(env: str | dict[str, Any] | None, config_path: Path) -> list[str]:
    """Set the environment ``env`` names (a .env file's path, or a map); returns
    what to tell the user (a missing file is not an error: the templates ship only
    ``.env.example``, and ``langgraph dev`` reads a missing file as empty)."""
    if isinstance(env, dict):
        for key, value in env.items():
            os.environ[str(key)] = str(value)
        return []
    if env is None:
        return []
    env_path = Path(env)
    if not env_path.is_file():
        example = env_path.with_name(env_path.name + ".example")
        fix = (
            f"copy {example} to {env_path} and fill it in"
            if example.is_file()
            else f"create {env_path} to set them"
        )
        return [f"{config_path}: env file {env} not found, so its variables are not set ({fix})"]
    from dotenv import load_dotenv

    load_dotenv(env_path, override=True)
    return []


def apply_dependencies(dependencies: list[str] | None) -> None:
    # Local paths become importable, as the CLI installs them; package names are
    # requirements the user installs themselves, so there is nothing to do here.
    for dep in dependencies or ():
        if dep.startswith((".", "/")):
            add_to_path(Path(dep).resolve())


def add_to_path(folder: Path) -> None:
    """On ``sys.path`` after the installed packages, as ``langgraph dev`` puts it."""
    if folder.is_dir() and str(folder) not in sys.path:
        sys.path.append(str(folder))


def graph_file(target: str, config_path: Path) -> Path:
    """A graph entry's file, relative to the working directory."""
    path = Path(target)
    if path.is_file():
        return path.resolve()
    beside = config_path.parent / target
    if beside.is_file():
        folder = config_path.parent.resolve()
        raise GraphLoadError(
            f"{config_path}: graph file {target} not found from here: langgraph.json paths "
            f"are relative to the folder you run in (as langgraph dev reads them); run from {folder}"
        )
    raise GraphLoadError(f"{config_path}: graph file {target} not found (check the path)")
