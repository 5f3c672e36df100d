"""``langgraph-tui models``: what a local Ollama has pulled."""

from __future__ import annotations

import argparse
import sys

from tui.cli.errors import print_error
from tui.cli.exit_codes import EXIT_FAILED, EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="list the models a local Ollama has pulled")
    models.set_defaults(func=command)
    models.add_argument("--base-url", help="Ollama URL (default: OLLAMA_HOST or localhost:11434)")
    models.add_argument("--timeout", type=float, default=5.0)


def command(args: argparse.Namespace) -> int:
    from tui.providers.ollama_models import OllamaUnavailable, list_ollama_models

    try:
        models = list_ollama_models(args.base_url, timeout_s=args.timeout)
    except OllamaUnavailable as exc:
        print_error(str(exc))
        return EXIT_FAILED
    if not models:
        print("no models pulled yet: run `ollama pull llama3.2`", file=sys.stderr)
        return EXIT_OK
    for model in models:
        print(f"ollama:{model.name}\t{model.size_label}\t{model.details}")
    return EXIT_OK
