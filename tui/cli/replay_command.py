"""``langgraph-tui replay FILE``: a recording in the debugger, or printed back."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui.cli.errors import UsageError
from tui.cli.exit_codes import EXIT_OK


def add_parser(sub: argparse._SubParsersAction) -> None:
    replay = sub.add_parser("replay", help="open a JSONL recording in the debugger")
    replay.set_defaults(func=command)
    replay.add_argument("file")
    replay.add_argument("--headless", action="store_true", help="print the events instead")


def command(args: argparse.Namespace) -> int:
    from tui.engine.recording import RecordingError, dumps, read_events

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"recording not found: {path}")
    try:
        events = list(read_events(path))
    except RecordingError as exc:
        raise UsageError(str(exc)) from exc
    if args.headless:
        for event in events:
            print(dumps(event))
        return EXIT_OK
    from tui.app.app import DebuggerApp
    from tui.app.replay import ReplaySource

    app = DebuggerApp(ReplaySource(events, name=path.name))
    app.run()
    return app.return_code or 0
