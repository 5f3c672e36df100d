"""Command line: ``langgraph-tui run|models|replay|threads|attach``.

Each subcommand is a module here with ``add_parser`` (which binds its ``command``
with ``set_defaults(func=...)``). Exit codes (``exit_codes``): 0 done, 1 the run
failed, 2 bad usage or a graph that cannot load, 3 stopped at an interrupt or
breakpoint, 130 cancelled by Ctrl-C.
"""

from __future__ import annotations

import argparse

from tui.cli import (
    attach_command,
    models_command,
    replay_command,
    run_command,
    threads_command,
)
from tui.cli.errors import UsageError, print_error
from tui.cli.exit_codes import EXIT_USAGE
from tui.cli.process_io import exit_now_if_threads_linger

SUBCOMMANDS = (run_command, models_command, replay_command, threads_command, attach_command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="langgraph-tui",
        description="A terminal debugger for LangGraph graphs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for subcommand in SUBCOMMANDS:
        subcommand.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print_error(str(exc))
        return EXIT_USAGE


def entry() -> int:
    """The ``langgraph-tui`` command (and ``python -m tui``): ``main``, then an exit
    that a thread left running by the graph cannot hold up."""
    code = main()
    exit_now_if_threads_linger(code)
    return code
