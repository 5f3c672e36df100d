"""A cassette: a run's model calls (and, optionally, tool calls) recorded once and
replayed with no model server.

Recording keeps, for every call, where it was made (thread, step, subgraph path,
node, call number), what was asked and what came back (the streamed chunks too,
so a replay streams the same tokens); and the path of tasks the run took. The
file goes through the session's redaction pass before it is written: secrets
never reach it.

A replay answers each call from the recording and checks, as the run goes, that
it is still the recorded run: the first time it is not, it stops with where and
how it diverged (``Divergence``): routing (another node ran, or the run stopped
early or went on), arguments (a tool called with other arguments), content (a
model asked something else: another prompt, other tools). The model call that
meets a divergence raises ``CassetteDivergence``, so the node fails there, not
somewhere later; leaving ``playing`` raises it too.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage

from tui.cassettes import interception
from tui.cassettes.calls import Site, bare_ns, first_difference, merge_chunks, reply_data
from tui.cassettes.divergence import (
    CassetteDivergence,
    CassetteError,
    Divergence,
    DivergenceKind,
)
from tui.engine.events import Event, RunFinished, RunStarted, TaskStarted
from tui.engine.jsonify import Jsonifier, safe_str
from tui.engine.redaction import REDACTED, Redactor
from tui.engine.session import Session
from tui.engine.status import RunOutcome

FORMAT_VERSION = 1


class Mode(StrEnum):
    ONCE = "once"
    """Replay when the file exists, else record (the default)."""
    RECORD = "record"
    """Record anew, replacing the file."""
    REPLAY = "replay"
    """Replay; a missing file is an error."""


class Cassette:
    """``Cassette(path, mode=Mode.ONCE, tools=False)``; use it around a run::

        with Cassette("agent.json").playing(session):
            ...

    or hand it (or its path) to ``tui.testing.trace(..., cassette=...)``.
    ``tools=True`` records tool calls too (and replays what they returned when it
    is plain data, so a tool calling an API does not run)."""

    def __init__(self, path: str | Path, *, mode: Mode | str = Mode.ONCE, tools: bool = False):
        self.path = Path(path)
        self.mode = Mode(mode)
        self.tools = tools
        self.replaying = False
        self.divergence: Divergence | None = None
        self._lock = threading.Lock()
        self._threads: dict[str, int] = {}
        self._calls: list[dict[str, Any]] = []
        self._path: list[dict[str, Any]] = []
        self._used: set[int] = set()
        self._used_path: set[int] = set()
        self._counts: dict[tuple[Any, ...], int] = {}
        self._session: Session | None = None
        self._redactor: Redactor | None = None
        self._graph = ""
        self._jsonify = Jsonifier(Redactor.from_env())

    # -- playing ----------------------------------------------------------------------

    @contextlib.contextmanager
    def playing(self, session: Session | None = None) -> Iterator[Cassette]:
        """Record or replay the calls made while the block runs. With ``session``,
        the tasks its runs take are recorded (or checked) too, and its redactor
        cleans the file."""
        self._begin(session)
        interception.activate(self)
        failed = False
        try:
            yield self
        except BaseException:
            failed = True
            raise
        finally:
            interception.deactivate(self)
            self._session = None
            if not self.replaying:
                self.save()
        if self.divergence is not None and not failed:
            raise CassetteDivergence(self.divergence, str(self.path))

    def __enter__(self) -> Cassette:
        self._context = self.playing()
        return self._context.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self._context.__exit__(*exc)

    def _begin(self, session: Session | None) -> None:
        self.replaying = self.mode == Mode.REPLAY or (self.mode == Mode.ONCE and self.path.exists())
        self.divergence = None
        self._threads.clear()
        self._counts.clear()
        self._used.clear()
        self._used_path.clear()
        if self.replaying:
            self._load()
        else:
            self._calls, self._path = [], []
            _check_writable(self.path)
        self._session = session
        self._redactor = session.redactor if session is not None else None
        # Requests are compared as saved: JSON, secrets redacted.
        self._jsonify = Jsonifier(self._redactor or Redactor.from_env())
        self._graph = session.name if session is not None else self._graph
        if session is not None:
            session.add_listener(lambda event: self._on_event(event, session))

    def _load(self) -> None:
        if not self.path.exists():
            raise CassetteError(
                f"no cassette {self.path} to replay: record it first (run with the real "
                "model and --cassette, or pytest --record-cassettes)"
            )
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != FORMAT_VERSION:
                raise ValueError(f"version {data.get('version')!r}")
            calls, path = data["calls"], data["path"]
            if not isinstance(calls, list) or not isinstance(path, list):
                raise ValueError("calls and path must be lists")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CassetteError(
                f"{self.path} is not a langgraph-tui cassette ({exc}): delete it to record it again"
            ) from exc
        self._calls, self._path = calls, path
        self._graph = data.get("graph") or ""
        self.tools = self.tools or bool(data.get("tools"))

    def save(self) -> None:
        """Write the recording, secrets redacted."""
        redactor = self._redactor or Redactor.from_env()
        calls = [_whole_if_secret_split(call, redactor) for call in self._calls]
        data = Jsonifier(redactor)(
            {
                "version": FORMAT_VERSION,
                "graph": self._graph,
                "tools": self.tools,
                "calls": calls,
                "path": self._path,
            }
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(_readable_json(data) + "\n", encoding="utf-8")

    @property
    def calls(self) -> list[dict[str, Any]]:
        """The recorded calls (read-only use)."""
        return list(self._calls)

    # -- where calls come from ------------------------------------------------------------

    def _thread(self, thread_id: str | None) -> int:
        if thread_id is None:
            return 0
        return self._threads.setdefault(thread_id, len(self._threads) + 1)

    def _key(self, site: Site, kind: str, name: str = "") -> dict[str, Any]:
        key = (self._thread(site.thread), site.step, site.ns, site.node, kind, name)
        self._counts[key] = self._counts.get(key, 0) + 1
        return {
            "kind": kind,
            "thread": key[0],
            "step": site.step,
            "ns": site.ns,
            "node": site.node,
            "n": self._counts[key],
        }

    def _diverged(self, kind: DivergenceKind, where: str, detail: str) -> CassetteDivergence:
        if self.divergence is None:
            self.divergence = Divergence(kind, where, detail)
        return CassetteDivergence(self.divergence, str(self.path))

    # -- model calls ------------------------------------------------------------------

    def model_call(self, site: Site, request: dict[str, Any], model: str) -> dict[str, Any]:
        """A model call starting: its entry (recorded now, or taken from the
        recording). Raises ``CassetteDivergence`` when a replay diverges here."""
        with self._lock:
            entry = {
                **self._key(site, "model"),
                "model": model,
                "request": self._jsonify(request),
            }
            if not self.replaying:
                entry.update(reply=None, chunks=None)
                self._calls.append(entry)
                return entry
            if self.divergence is not None:
                raise CassetteDivergence(self.divergence, str(self.path))
            return self._take(entry, site)

    def _take(self, entry: dict[str, Any], site: Site) -> dict[str, Any]:
        same_place = [
            (i, c)
            for i, c in enumerate(self._calls)
            if i not in self._used
            and c.get("kind") == "model"
            and (c.get("thread"), c.get("step"), c.get("ns"), c.get("node"))
            == (entry["thread"], entry["step"], entry["ns"], entry["node"])
        ]
        for index, recorded in same_place:
            if recorded.get("request") == entry["request"]:
                self._used.add(index)
                return recorded
        where = f"model call {entry['n']} in {site.describe()}"
        if same_place:
            recorded = same_place[0][1]
            raise self._diverged(
                DivergenceKind.CONTENT,
                where,
                "the model was asked something else: "
                + first_difference(recorded.get("request") or {}, entry["request"]),
            )
        raise self._diverged(DivergenceKind.ROUTING, where, self._recorded_at(entry))

    def _recorded_at(self, entry: dict[str, Any]) -> str:
        """What the recording did at this call's step instead."""
        thread, step = entry["thread"], entry["step"]
        callers = sorted(
            {
                str(c.get("node"))
                for c in self._calls
                if c.get("kind") == entry["kind"]
                and c.get("thread") == thread
                and c.get("step") == step
            }
        )
        ran = sorted(
            {
                str(p["node"])
                for p in self._path
                if p.get("thread") == thread and p.get("step") == step
            }
        )
        if callers:
            return f"in the recording, the calls at step {step} came from {', '.join(callers)}"
        if ran:
            return f"in the recording, step {step} ran {', '.join(ran)} and made no such call"
        return f"the recording made no such call (it has no step {step} there)"

    def model_replied(self, entry: dict[str, Any], message: BaseMessage) -> None:
        with self._lock:
            entry["reply"] = reply_data(message)

    def model_failed(self, entry: dict[str, Any], exc: BaseException) -> None:
        with self._lock:
            entry["error"] = f"{type(exc).__name__}: {safe_str(exc)}"

    def model_streamed(self, entry: dict[str, Any], chunks: list[dict[str, Any]]) -> None:
        with self._lock:
            entry["chunks"] = chunks

    # -- tool calls -------------------------------------------------------------------

    def tool_call(self, site: Site, name: str, args: Any) -> dict[str, Any]:
        with self._lock:
            entry = {**self._key(site, "tool", name), "tool": name, "args": self._jsonify(args)}
            if not self.replaying:
                self._calls.append(entry)
                return entry
            if self.divergence is not None:
                raise CassetteDivergence(self.divergence, str(self.path))
            same = [
                (i, c)
                for i, c in enumerate(self._calls)
                if i not in self._used
                and c.get("kind") == "tool"
                and c.get("tool") == name
                and c.get("thread") == entry["thread"]
                and c.get("ns") == entry["ns"]
                and c.get("node") == entry["node"]
                and c.get("step") == entry["step"]
            ]
            for index, recorded in same:
                if recorded.get("args") == entry["args"]:
                    self._used.add(index)
                    return recorded
            where = f"tool {name} in {site.describe()}"
            if same:
                raise self._diverged(
                    DivergenceKind.ARGUMENTS,
                    where,
                    f"called with {_json(entry['args'])}; the recording had {_json(same[0][1].get('args'))}",
                )
            raise self._diverged(DivergenceKind.ROUTING, where, self._recorded_at(entry))

    def tool_returned(self, entry: dict[str, Any], output: Any) -> None:
        with self._lock:
            if self.replaying:
                return
            replayable = _is_plain(output)
            entry["replayable"] = replayable or (
                isinstance(output, tuple) and _is_plain(list(output))
            )
            entry["tuple"] = isinstance(output, tuple)
            entry["output"] = (
                list(output)
                if isinstance(output, tuple)
                else output
                if replayable
                else repr(output)
            )

    def tool_output(self, entry: dict[str, Any]) -> Any:
        output = entry.get("output")
        return tuple(output) if entry.get("tuple") and isinstance(output, list) else output

    # -- the path (from the session's events) -------------------------------------------

    def _on_event(self, event: Event, session: Session) -> None:
        if session is not self._session:  # a session this cassette no longer plays for
            return
        with self._lock:
            if isinstance(event, RunStarted):
                self._thread(event.thread_id)
            elif isinstance(event, TaskStarted) and not event.node.startswith("__"):
                task = {
                    "thread": self._thread(session.thread_id),
                    "step": event.step,
                    "ns": bare_ns(event.ns),
                    "node": event.node,
                }
                if not self.replaying:
                    self._path.append(task)
                else:
                    self._check_task(task)
            elif (
                isinstance(event, RunFinished)
                and self.replaying
                and event.status == RunOutcome.DONE
            ):
                self._check_ended(self._thread(session.thread_id))

    def _check_task(self, task: dict[str, Any]) -> None:
        if self.divergence is not None:
            return
        for index, recorded in enumerate(self._path):
            if index not in self._used_path and recorded == task:
                self._used_path.add(index)
                return
        where = f"step {task['step']}" + (f" in {task['ns']}" if task["ns"] else "")
        recorded_nodes = sorted(
            {
                str(p["node"])
                for p in self._path
                if p.get("thread") == task["thread"]
                and p.get("step") == task["step"]
                and p.get("ns") == task["ns"]
            }
        )
        instead = (
            f"the recording ran {', '.join(recorded_nodes)}"
            if recorded_nodes
            else "the recording had ended before it"
        )
        self._diverged(DivergenceKind.ROUTING, where, f"this run ran {task['node']}; {instead}")

    def _check_ended(self, thread: int) -> None:
        if self.divergence is not None:
            return
        left = [
            p
            for i, p in enumerate(self._path)
            if i not in self._used_path and p.get("thread") == thread
        ]
        if left:
            first = left[0]
            self._diverged(
                DivergenceKind.ROUTING,
                f"step {first['step']}",
                f"this run ended; the recording went on to run {first['node']} "
                f"({len(left)} more task{'s' if len(left) != 1 else ''})",
            )


def _whole_if_secret_split(call: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    """A streamed reply whose chunks, put together, hold a secret no single chunk
    holds (a key streamed in two halves) is kept as one chunk, whole, which the
    redaction then sees: the replay streams it at once rather than leak it."""
    chunks = call.get("chunks")
    if not chunks or not redactor.secrets:
        return call
    merged = merge_chunks(chunks)
    whole = json.dumps(merged, ensure_ascii=False)
    apart = "".join(json.dumps(chunk, ensure_ascii=False) for chunk in chunks)
    if redactor.scrub(whole).count(REDACTED) <= redactor.scrub(apart).count(REDACTED):
        return call
    return {**call, "chunks": [merged]}


def _readable_json(value: Any, depth: int = 0) -> str:
    """JSON for a reviewer: short containers on one line, the rest one item a line,
    down to a call's parts (a streamed chunk is one line)."""
    compact = json.dumps(value, ensure_ascii=False)
    if depth >= 4 or len(compact) <= 100 or not isinstance(value, dict | list) or not value:
        return compact
    pad, inner = " " * depth, " " * (depth + 1)
    if isinstance(value, dict):
        items = [
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_readable_json(v, depth + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    items = [f"{inner}{_readable_json(v, depth + 1)}" for v in value]
    return "[\n" + ",\n".join(items) + f"\n{pad}]"


def _check_writable(path: Path) -> None:
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise CassetteError(f"cannot write cassette {path}: {folder} is not a folder")


def _is_plain(value: Any) -> bool:
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
