"""``langgraph-tui attach URL --graph NAME``: the debugger on a graph that runs on a
LangGraph Server; with no ``--graph``, the server's graphs and assistants."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.cli.arguments import split_nodes
from tui.cli.errors import UsageError
from tui.cli.exit_codes import EXIT_OK
from tui.cli.process_io import user_output_to_stderr
from tui.cli.run_command import _answer, _input, _json_object, _open_output, check_time_travel
from tui.engine.no_input import NO_INPUT
from tui.engine.recording import JsonlWriter
from tui.engine.redaction import Redactor

if TYPE_CHECKING:
    from tui.server.session import ServerSession


def add_parser(sub: argparse._SubParsersAction) -> None:
    attach = sub.add_parser(
        "attach",
        help="debug a graph that runs on a LangGraph Server (langgraph dev, langgraph up, "
        "LangSmith Deployment)",
    )
    attach.set_defaults(func=command)
    attach.add_argument("url", help="the server, e.g. http://127.0.0.1:2024")
    attach.add_argument(
        "--graph",
        help="a graph name or assistant id on the server (leave out to list them)",
    )
    source = attach.add_mutually_exclusive_group()
    source.add_argument("--input", help="input as JSON, or @file.json")
    source.add_argument(
        "--message", help='shortcut for {"messages": [{"role": "user", "content": TEXT}]}'
    )
    attach.add_argument("--context", metavar="JSON", help="the run's context as JSON or @file")
    attach.add_argument("--config", metavar="JSON", help="the run's config as JSON or @file")
    attach.add_argument("--thread", help="a server thread id (a UUID; default: a new thread)")
    attach.add_argument(
        "--break-before",
        action="append",
        default=[],
        metavar="NODE",
        help="stop before NODE (repeat or comma-separate): the run's interrupt_before",
    )
    attach.add_argument(
        "--break-after", action="append", default=[], metavar="NODE", help="interrupt_after"
    )
    attach.add_argument("--recursion-limit", type=int, help="LangGraph's step limit for one run")
    attach.add_argument("--headless", action="store_true", help="no screen: JSONL events on stdout")
    attach.add_argument("--jsonl", metavar="FILE", help="write the events to FILE as JSONL")
    attach.add_argument(
        "--resume", metavar="VALUE", help="answer the pending interrupt on --thread"
    )
    attach.add_argument(
        "--from",
        dest="from_checkpoint",
        metavar="CHECKPOINT_ID",
        help="run on from this checkpoint of --thread on the server: the steps after it run "
        "again, as a new branch",
    )
    attach.add_argument(
        "--update",
        metavar="JSON",
        help="with --from: set these state keys first (a JSON object, or @file.json); "
        "tried on a copy of the thread before the server writes it",
    )
    attach.add_argument("--as-node", metavar="NODE", help="with --update: make the edit as NODE")
    attach.add_argument(
        "--api-key",
        help="the deployment's API key (default: LANGGRAPH_API_KEY, LANGSMITH_API_KEY); "
        "never recorded or shown",
    )
    attach.add_argument(
        "--timeout", type=float, default=10.0, help="seconds to wait for the server to answer"
    )


@dataclass
class _Attach:
    """What the headless runner reads of a spec."""

    input: Any
    resume: Any
    jsonl: str | None
    from_checkpoint: str | None = None
    update: dict[str, Any] | None = None
    as_node: str | None = None


def command(args: argparse.Namespace) -> int:
    api_key = args.api_key or _key_from_env()
    try:
        return _command(args, api_key)
    except UsageError as exc:
        # A server's error may quote the key it refused: never shown.
        raise UsageError(Redactor([api_key] if api_key else []).scrub(str(exc))) from None


def _command(args: argparse.Namespace, api_key: str | None) -> int:
    from tui.server.connection import ServerError

    try:
        if not args.graph:
            from tui.server.attach import assistants_listing

            print(assistants_listing(args.url, api_key, args.timeout))
            return EXIT_OK
        session = _open(args, api_key)
    except ServerError as exc:
        raise UsageError(str(exc)) from exc
    try:
        return _use(session, args)
    finally:
        session.close()


def _open(args: argparse.Namespace, api_key: str | None) -> ServerSession:
    if args.resume is not None and not args.thread:
        raise UsageError("--resume needs --thread ID (the server thread that waits)")
    check_time_travel(args, needs="--thread ID (a server thread)")
    if args.recursion_limit is not None and args.recursion_limit < 1:
        raise UsageError(f"--recursion-limit must be 1 or more (got {args.recursion_limit})")
    config, context = _json_object(args, "config"), _json_object(args, "context")
    if config.get("configurable") and context:
        raise UsageError(
            "--config has configurable and --context is given: the server takes one of them "
            "(each is copied to the other)"
        )
    try:
        from tui.server.attach import AttachSpec, open_server_session
    except ImportError as exc:  # langgraph-sdk is missing
        from tui.server.connection import missing_sdk

        raise UsageError(str(missing_sdk())) from exc
    return open_server_session(
        AttachSpec(
            url=args.url,
            graph=args.graph,
            api_key=api_key,
            timeout_s=args.timeout,
            thread_id=args.thread,
            interrupt_before=split_nodes(args.break_before),
            interrupt_after=split_nodes(args.break_after),
            config=config,
            context=context,
            recursion_limit=args.recursion_limit,
        )
    )


def _use(session: ServerSession, args: argparse.Namespace) -> int:
    from tui.cli.headless import jsonl_writer, run_headless

    run = _Attach(
        input=_input(args),
        resume=_answer(args.resume) if args.resume is not None else NO_INPUT,
        jsonl=args.jsonl,
        from_checkpoint=args.from_checkpoint,
        update=_json_object(args, "update") if args.update is not None else None,
        as_node=args.as_node,
    )
    if args.headless:
        with user_output_to_stderr() as stdout:
            writer = _open_output(lambda: jsonl_writer(run, stdout))
            try:
                return run_headless(session, run, writer)
            finally:
                writer.close()
    recorder = _open_output(lambda: JsonlWriter.to_path(args.jsonl)) if args.jsonl else None
    try:
        return _run_tui(session, run, recorder)
    finally:
        if recorder is not None:
            recorder.close()


def _run_tui(session: ServerSession, run: _Attach, recorder: JsonlWriter | None) -> int:
    from tui.app.app import DebuggerApp
    from tui.cli.headless import travel
    from tui.engine.session import SessionError

    if recorder is not None:
        session.add_listener(recorder)
    if session.options.thread_id:
        try:
            session.open_thread().result()
            if run.from_checkpoint is not None:
                travel(session, run).result()
        except SessionError as exc:
            raise UsageError(str(exc)) from exc
    app = DebuggerApp(session, first_input=run.input)
    app.run()
    return app.return_code or 0


def _key_from_env() -> str | None:
    # As the SDK reads them (so the key is known here, to keep it out of messages).
    for name in ("LANGGRAPH_API_KEY", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"):
        value = os.environ.get(name, "").strip().strip("'\"")
        if value:
            return value
    return None
