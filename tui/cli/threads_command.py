"""``langgraph-tui threads --checkpointer sqlite:PATH``: the threads a database holds,
or one thread's checkpoints (``--thread ID``), without loading any graph."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING, Any

from tui.cli.errors import UsageError
from tui.cli.exit_codes import EXIT_OK
from tui.engine.checkpointer_spec import sqlite_path

if TYPE_CHECKING:
    from tui.engine.history import HistoryEntry
    from tui.engine.threads import ThreadSummary


def add_parser(sub: argparse._SubParsersAction) -> None:
    threads = sub.add_parser(
        "threads", help="list the threads of a checkpoint database (or one thread's checkpoints)"
    )
    threads.set_defaults(func=command)
    threads.add_argument("--checkpointer", required=True, metavar="sqlite:PATH")
    threads.add_argument("--thread", metavar="ID", help="list this thread's checkpoints instead")
    threads.add_argument("--json", action="store_true", help="one JSON object per line")


def command(args: argparse.Namespace) -> int:
    path = sqlite_path(args.checkpointer)
    if path is None:
        raise UsageError(
            f"--checkpointer {args.checkpointer!r}: threads lists a database, give sqlite:PATH"
        )
    if not path.is_file():
        raise UsageError(f"no checkpoint database at {path}: give the file a run wrote")
    rows = asyncio.run(_read(str(path), args.thread))
    if args.thread is not None and not rows:
        raise UsageError(f"{path} has no thread {args.thread!r}: list them without --thread")
    for line in _lines(rows, args.json):
        print(line)
    if not rows:
        print(f"{path} holds no threads yet", file=sys.stderr)
    return EXIT_OK


async def _read(path: str, thread_id: str | None) -> list[Any]:
    from tui.engine.threads import (
        NotACheckpointDatabase,
        open_read_only,
        read_history,
        thread_summaries,
    )

    try:
        saver = await open_read_only(path)
    except NotACheckpointDatabase as exc:
        raise UsageError(str(exc)) from exc
    try:
        if thread_id is not None:
            return await read_history(saver, thread_id)
        return await thread_summaries(saver)
    except Exception as exc:
        raise UsageError(f"cannot read {path}: {type(exc).__name__}: {exc}") from exc
    finally:
        await saver.conn.close()  # type: ignore[attr-defined]


def _lines(rows: list[Any], as_json: bool) -> list[str]:
    from tui.engine.history import HistoryEntry

    if as_json or not rows:
        return [json.dumps(row.to_dict(), ensure_ascii=False, default=str) for row in rows]
    if rows and isinstance(rows[0], HistoryEntry):
        return _table(
            ["CHECKPOINT", "STEP", "SOURCE", "RAN", "NEXT", "WHEN", "BRANCH"],
            [_history_row(entry) for entry in _flat(rows)],
        )
    return _table(
        ["THREAD", "GRAPH", "STEP", "STATUS", "NEXT", "UPDATED", "INTERRUPT"],
        [_thread_row(row) for row in rows],
    )


def _flat(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    out = []
    for entry in entries:
        out.append(entry)
        out.extend(entry.inner)
    return out


def _history_row(entry: HistoryEntry) -> list[str]:
    inner = f"  {'/'.join(entry.ns)} " if entry.ns else ""
    return [
        f"{inner}{entry.checkpoint_id}",
        str(entry.step),
        entry.source.value,
        ", ".join(entry.ran or []) or "-",
        ", ".join(entry.next or []) or "-",
        entry.created_at.strftime("%Y-%m-%d %H:%M:%S") if entry.created_at else "-",
        "" if entry.on_branch or entry.ns else "old branch",
    ]


def _thread_row(row: ThreadSummary) -> list[str]:
    interrupt = "" if row.interrupt is None else json.dumps(row.interrupt, default=str)
    return [
        row.thread_id,
        row.graph or "-",
        "-" if row.step is None else str(row.step),
        row.status.value,
        ", ".join(row.next) or "-",
        row.updated_at.strftime("%Y-%m-%d %H:%M:%S") if row.updated_at else "-",
        interrupt[:60],
    ]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    from tui.app.text.literal import visible

    # Thread ids, graph names and interrupt values come from the database: data,
    # never terminal control.
    cells = [header, *[[visible(cell).replace("\n", " ") for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
