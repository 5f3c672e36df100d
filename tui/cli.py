"""Command line: ``langgraph-tui run|models|replay``.

Exit codes: 0 done, 1 the run failed, 2 bad usage or a graph that cannot load,
3 stopped at an interrupt or breakpoint, 130 cancelled by Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3
EXIT_CANCELLED = 130
STATUS_EXIT = {
    "done": EXIT_OK,
    "failed": EXIT_FAILED,
    "interrupted": EXIT_STOPPED,
    "paused": EXIT_STOPPED,
    "cancelled": EXIT_CANCELLED,
}


class UsageError(Exception):
    """Bad arguments; ``str()`` is the one-line message."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="langgraph-tui",
        description="A terminal debugger for LangGraph graphs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a graph in the debugger (or --headless as JSONL)")
    run.add_argument("graph", help="file.py[:attr], package.module:attr, or langgraph.json[:name]")
    source = run.add_mutually_exclusive_group()
    source.add_argument("--input", help="input as JSON, or @file.json")
    source.add_argument(
        "--message", help='shortcut for {"messages": [{"role": "user", "content": TEXT}]}'
    )
    _add_model_options(run)
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
    run.add_argument("--verbose", action="store_true", help="show tracebacks for load errors")

    models = sub.add_parser("models", help="list the models a local Ollama has pulled")
    models.add_argument("--base-url", help="Ollama URL (default: OLLAMA_HOST or localhost:11434)")
    models.add_argument("--timeout", type=float, default=5.0)

    replay = sub.add_parser("replay", help="open a JSONL recording in the debugger")
    replay.add_argument("file")
    replay.add_argument("--headless", action="store_true", help="print the events instead")
    return parser


def _add_model_options(parser: argparse.ArgumentParser) -> None:
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "models":
            return _models(args)
        return _replay(args)
    except UsageError as exc:
        _error(str(exc))
        return EXIT_USAGE


def _error(message: str) -> None:
    print(f"langgraph-tui: error: {message}", file=sys.stderr)


def parse_input(args: argparse.Namespace) -> Any:
    from tui.engine.session import NO_INPUT

    if args.message is not None:
        return {"messages": [{"role": "user", "content": args.message}]}
    if args.input is None:
        return NO_INPUT
    return parse_json_arg("--input", args.input, allow_file=True)


def parse_json_arg(flag: str, text: str, *, allow_file: bool) -> Any:
    where = flag
    if allow_file and text.startswith("@"):
        path = Path(text[1:])
        where = f"{flag} {text}"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{where}: cannot read {path} ({exc.strerror or exc})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            """quote it for the shell, e.g. --input '{"topic": "cats"}'"""
        ) from exc


def _answer_value(text: str) -> Any:
    # An answer is JSON when it parses as JSON, else the text itself: `--resume approve`
    # and `--resume '{"approved": false}'` both do what they look like.
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _split_nodes(values: list[str]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def run_spec_from_args(args: argparse.Namespace) -> Any:
    from tui.engine.session import NO_INPUT
    from tui.launcher import RunSpec
    from tui.models import ModelSpecError, parse_model_spec

    try:
        model = parse_model_spec(
            args.model,
            base_url=args.base_url,
            timeout_s=args.timeout,
            max_tokens=args.max_tokens,
            stream_tools=not args.no_stream_tools,
        )
    except ModelSpecError as exc:
        raise UsageError(str(exc)) from exc
    checkpointer = args.checkpointer
    if checkpointer != "memory" and not (
        checkpointer.startswith("sqlite:") and len(checkpointer) > len("sqlite:")
    ):
        raise UsageError(f"bad --checkpointer {checkpointer!r}: use memory or sqlite:PATH")
    if args.resume is not None and not args.thread:
        raise UsageError("--resume needs --thread ID (and a persistent --checkpointer sqlite:PATH)")
    return RunSpec(
        graph=args.graph,
        input=parse_input(args),
        model=model,
        thread_id=args.thread,
        checkpointer=checkpointer,
        interrupt_before=_split_nodes(args.break_before),
        interrupt_after=_split_nodes(args.break_after),
        recursion_limit=args.recursion_limit,
        jsonl=args.jsonl,
        resume=_answer_value(args.resume) if args.resume is not None else NO_INPUT,
        verbose=args.verbose,
    )


def _run(args: argparse.Namespace) -> int:
    spec = run_spec_from_args(args)
    from tui.launcher import open_session
    from tui.loading import GraphLoadError

    try:
        session, _ = open_session(spec)
    except GraphLoadError as exc:
        _error(str(exc))
        if spec.verbose and exc.__cause__ is not None:
            traceback.print_exception(exc.__cause__, file=sys.stderr)
        return EXIT_USAGE
    try:
        _check_breakpoints(session, spec.interrupt_before + spec.interrupt_after)
        if args.headless:
            return run_headless(session, spec)
        return _run_tui(session, spec)
    finally:
        session.close()


def _run_tui(session: Any, spec: Any) -> int:
    from tui.app.app import DebuggerApp
    from tui.engine.recording import JsonlWriter

    recorder = None
    if spec.jsonl:
        # The TUI records too: every event, flushed as it comes, so the file is
        # whole up to the last event whatever happens to the app.
        recorder = JsonlWriter.to_path(spec.jsonl)
        session.add_listener(recorder)
    app = DebuggerApp(session, spec=spec)
    try:
        app.run()
    finally:
        app.source.close()  # a reload may have swapped in a new session
        if recorder is not None:
            recorder.close()
    return app.return_code or 0


def _check_breakpoints(session: Any, nodes: list[str]) -> None:
    known = session.node_names()
    for node in nodes:
        if node not in known:
            raise UsageError(
                f"no node named {node!r} for a breakpoint: choose from {', '.join(known)}"
            )


def run_headless(session: Any, spec: Any) -> int:
    """Run to the end, writing JSONL; returns the exit code for the final status."""
    from tui.engine.recording import JsonlWriter
    from tui.engine.session import NO_INPUT, SessionError

    writer = JsonlWriter.to_path(spec.jsonl) if spec.jsonl else JsonlWriter(sys.stdout)
    finished = threading.Event()
    final: dict[str, str] = {}

    def on_event(event: Any) -> None:
        writer(event)
        if event.kind == "run_finished":
            final["status"] = event.status
            finished.set()

    session.add_listener(on_event)
    try:
        if spec.resume is not NO_INPUT:
            session.answer(spec.resume).result()
        else:
            session.start(spec.input).result()
    except SessionError as exc:
        writer.close()
        raise UsageError(str(exc)) from exc
    try:
        while not finished.wait(0.1):
            if writer.broken is not None:
                # Nobody reads the events any more: stop spending model tokens.
                _silence_stdout()
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        with contextlib.suppress(SessionError):
            session.cancel()
        finished.wait(5.0)
        writer.close()
        return EXIT_CANCELLED
    writer.close()
    return STATUS_EXIT.get(final.get("status", "failed"), EXIT_FAILED)


def _silence_stdout() -> None:
    # Python would otherwise report the broken pipe again when it flushes at exit.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _models(args: argparse.Namespace) -> int:
    from tui.ollama_models import OllamaUnavailable, list_ollama_models

    try:
        models = list_ollama_models(args.base_url, timeout_s=args.timeout)
    except OllamaUnavailable as exc:
        _error(str(exc))
        return EXIT_FAILED
    if not models:
        print("no models pulled yet: run `ollama pull llama3.2`", file=sys.stderr)
        return EXIT_OK
    for model in models:
        print(f"ollama:{model.name}\t{model.size_label}\t{model.details}")
    return EXIT_OK


def _replay(args: argparse.Namespace) -> int:
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


if __name__ == "__main__":
    raise SystemExit(main())
