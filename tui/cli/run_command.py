"""``langgraph-tui run GRAPH``: the debugger on a graph, or ``--headless`` JSONL."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.cli import cassette_option
from tui.cli.arguments import add_model_options, parse_json_arg, split_nodes
from tui.cli.errors import UsageError, print_error
from tui.cli.exit_codes import EXIT_USAGE
from tui.cli.process_io import no_stdin, user_output_to_stderr
from tui.engine.answers import AnswerError, parse_answer
from tui.engine.checkpointer_spec import CheckpointerError, check_spec
from tui.engine.no_input import NO_INPUT
from tui.engine.recording import JsonlWriter, RecordingError
from tui.run_spec import RunSpec

if TYPE_CHECKING:
    from tui.engine.session import Session
    from tui.loading import LoadedGraph


def add_parser(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="run a graph in the debugger (or --headless as JSONL)")
    run.set_defaults(func=command)
    run.add_argument("graph", help="file.py[:attr], package.module:attr, or langgraph.json[:name]")
    source = run.add_mutually_exclusive_group()
    source.add_argument("--input", help="input as JSON, or @file.json")
    source.add_argument(
        "--message", help='shortcut for {"messages": [{"role": "user", "content": TEXT}]}'
    )
    run.add_argument(
        "--context",
        metavar="JSON",
        help="the graph's runtime context (its context_schema) as JSON, or @file.json",
    )
    run.add_argument(
        "--config",
        metavar="JSON",
        help='the run\'s config as JSON or @file.json: {"configurable": {...}, "tags": [...], '
        '"metadata": {...}}',
    )
    add_model_options(run)
    run.add_argument("--thread", help="thread id (default: a new one)")
    run.add_argument(
        "--checkpointer",
        default="memory",
        help="memory (default) or sqlite:PATH to keep checkpoints across runs",
    )
    run.add_argument(
        "--break-before",
        action="append",
        default=[],
        metavar="NODE",
        help="stop before NODE (repeat or comma-separate)",
    )
    run.add_argument("--break-after", action="append", default=[], metavar="NODE")
    run.add_argument("--recursion-limit", type=int, help="LangGraph's step limit for one run")
    run.add_argument("--headless", action="store_true", help="no screen: JSONL events on stdout")
    run.add_argument("--jsonl", metavar="FILE", help="write the events to FILE as JSONL")
    run.add_argument(
        "--resume",
        metavar="VALUE",
        help="answer the pending interrupt on --thread (JSON, or plain text)",
    )
    run.add_argument(
        "--from",
        dest="from_checkpoint",
        metavar="CHECKPOINT_ID",
        help="run on from this checkpoint of --thread: the steps after it run again, as a "
        "new branch (ids: langgraph-tui threads --thread ID)",
    )
    run.add_argument(
        "--update",
        metavar="JSON",
        help="with --from: set these state keys first (a JSON object, or @file.json); "
        "the edit is checked against the state schema before anything is written",
    )
    run.add_argument("--as-node", metavar="NODE", help="with --update: make the edit as NODE")
    run.add_argument("--verbose", action="store_true", help="show tracebacks for load errors")
    cassette_option.add_argument(run)


def run_spec_from_args(args: argparse.Namespace) -> RunSpec:
    from tui.providers import ModelSpecError, parse_model_spec

    try:
        model = parse_model_spec(
            args.model or "scripted",
            base_url=args.base_url,
            timeout_s=args.timeout,
            max_tokens=args.max_tokens,
            stream_tools=not args.no_stream_tools,
        )
    except ModelSpecError as exc:
        raise UsageError(str(exc)) from exc
    checkpointer = args.checkpointer
    try:
        check_spec(checkpointer)
    except CheckpointerError as exc:
        raise UsageError(str(exc)) from exc
    if args.resume is not None and not args.thread:
        raise UsageError("--resume needs --thread ID (and a persistent --checkpointer sqlite:PATH)")
    check_time_travel(args, needs="--thread ID (and a persistent --checkpointer sqlite:PATH)")
    if args.recursion_limit is not None and args.recursion_limit < 1:
        raise UsageError(
            f"--recursion-limit must be 1 or more (got {args.recursion_limit}): "
            "it is the most supersteps one run may take"
        )
    return RunSpec(
        graph=args.graph,
        input=_input(args),
        model=model,
        thread_id=args.thread,
        checkpointer=checkpointer,
        interrupt_before=split_nodes(args.break_before),
        interrupt_after=split_nodes(args.break_after),
        recursion_limit=args.recursion_limit,
        jsonl=args.jsonl,
        resume=_answer(args.resume) if args.resume is not None else NO_INPUT,
        verbose=args.verbose,
        config=_json_object(args, "config"),
        context=_json_object(args, "context"),
        model_given=args.model is not None,
        from_checkpoint=args.from_checkpoint,
        update=_json_object(args, "update") if args.update is not None else None,
        as_node=args.as_node,
        cassette=args.cassette,
    )


def check_time_travel(args: argparse.Namespace, needs: str) -> None:
    """``--from``/``--update``/``--as-node`` together as they must be (run and attach)."""
    if args.from_checkpoint is None:
        if args.update is not None or args.as_node is not None:
            raise UsageError("--update and --as-node edit a checkpoint: give it with --from ID")
        return
    if not args.thread:
        raise UsageError(f"--from needs {needs}: a checkpoint belongs to a thread")
    if args.resume is not None or args.input is not None or args.message is not None:
        raise UsageError(
            "--from runs on from a checkpoint's own state: drop --input/--message/--resume "
            "(edit the state with --update)"
        )
    if args.as_node is not None and args.update is None:
        raise UsageError("--as-node names who makes an edit: give the edit with --update JSON")


def _json_object(args: argparse.Namespace, name: str) -> dict:
    text = getattr(args, name)
    if text is None:
        return {}
    value = parse_json_arg(f"--{name}", text, allow_file=True)
    if not isinstance(value, dict):
        raise UsageError(f"--{name} must be a JSON object, got {type(value).__name__}")
    return value


def _answer(text: str) -> object:
    try:
        return parse_answer(text)
    except AnswerError as exc:
        raise UsageError(f"--resume: {exc}") from exc


def _input(args: argparse.Namespace) -> object:
    if args.message is not None:
        return {"messages": [{"role": "user", "content": args.message}]}
    if args.input is None:
        return NO_INPUT
    return parse_json_arg("--input", args.input, allow_file=True)


def command(args: argparse.Namespace) -> int:
    spec = run_spec_from_args(args)
    with no_stdin():
        if args.headless:
            # Imported once the arguments are known good: LangGraph takes a second to load.
            from tui.cli.headless import jsonl_writer, run_headless

            with user_output_to_stderr() as stdout:
                writer = _open_output(lambda: jsonl_writer(spec, stdout))
                try:
                    return _with_session(
                        spec, lambda session, _: run_headless(session, spec, writer)
                    )
                finally:
                    writer.close()
        jsonl = spec.jsonl
        recorder = _open_output(lambda: JsonlWriter.to_path(jsonl)) if jsonl else None
        try:
            return _run_tui(spec, recorder)
        finally:
            if recorder is not None:
                recorder.close()


def _open_output(open_writer: Callable[[], JsonlWriter]) -> JsonlWriter:
    # Before the graph loads: a --jsonl that cannot be written is a usage error, not
    # a run that goes unrecorded.
    try:
        return open_writer()
    except RecordingError as exc:
        raise UsageError(f"--jsonl: {exc}") from exc


def _with_session(spec: RunSpec, use: Callable[[Session, LoadedGraph], int]) -> int:
    from tui.launcher import open_session
    from tui.loading import GraphLoadError

    try:
        session, loaded = open_session(spec)
    except GraphLoadError as exc:
        print_error(str(exc))
        if spec.verbose and exc.__cause__ is not None:
            traceback.print_exception(exc.__cause__, file=sys.stderr)
        return EXIT_USAGE
    try:
        check_breakpoints(session, spec.interrupt_before + spec.interrupt_after)
        return cassette_option.run_with_cassette(
            spec.cassette, session, lambda: use(session, loaded)
        )
    finally:
        session.close()


def check_breakpoints(session: Session, nodes: list[str]) -> None:
    """Breakpoints on nodes the graph has, or a usage error naming the ones it has."""
    known = session.node_names()
    for node in nodes:
        if node not in known:
            raise UsageError(
                f"no node named {node!r} for a breakpoint: choose from {', '.join(known)}"
            )


def _run_tui(spec: RunSpec, recorder: JsonlWriter | None) -> int:
    """The app at once, on a stand-in; the graph loads behind its first frame
    (``tui_loading``), and everything the command line asks of it happens there."""
    from tui.app.app import DebuggerApp
    from tui.app.loading_source import LoadingSource
    from tui.cli.tui_loading import GraphLoader

    loader = GraphLoader(spec, recorder)
    app = DebuggerApp(
        LoadingSource(spec.graph, loader.first, thread_id=spec.thread_id or ""),
        reopen=loader.again,
        first_input=spec.input,
    )
    try:
        app.run()
    except BaseException:
        if loader.cassette is not None:
            loader.cassette.abort()
        raise
    finally:
        app.source.close()  # a reload may have swapped in a new session
    return loader.exit_code(app.return_code or 0, app.load_problem)
