"""``trace()``: run a graph headless and keep what a reviewer wants to see of it.

A ``Trace`` holds every event of the run (and of the runs that answered its
interrupts), the varying parts replaced by placeholders (``placeholders``), and
reads them back as the questions a test asks: the path of nodes, the tool calls
with their arguments, the interrupts, the state at the end or after a node, the
tokens spent. ``Trace.text`` is its golden-file form: node order, what each node
said or called, interrupts and answers, how the run ended, and the final state.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from tui.engine.clock import Clock
from tui.engine.events import Event, RunFinished
from tui.engine.no_input import NO_INPUT
from tui.engine.session import Session
from tui.engine.status import RunOutcome
from tui.testing.placeholders import stabilize
from tui.testing.sessions import DEFAULT_MODEL, GraphLike, ModelLike, open_graph_session

# A message's type as state holds it (a streamed reply kept whole is a chunk).
MESSAGE_TYPES = {
    "human": "human",
    "ai": "ai",
    "tool": "tool",
    "system": "system",
    "AIMessageChunk": "ai",
    "HumanMessageChunk": "human",
    "ToolMessageChunk": "tool",
    "SystemMessageChunk": "system",
}


@dataclass(frozen=True)
class ToolCall:
    """A tool call the model made: which node's model, at which step, with what."""

    name: str
    args: Any
    node: str
    step: int | None

    def __str__(self) -> str:
        return f"{self.name}({_json(self.args)}) by {self.node} at step {self.step}"


@dataclass(frozen=True)
class Visit:
    """A task: a node run at a step (``ns``: the subgraph path, ``()`` at the root)."""

    step: int
    node: str
    ns: tuple[str, ...]
    status: str | None


class Trace:
    """What one or more runs on a thread did; see the module docstring."""

    def __init__(self, graph: str, events: Iterable[Event]) -> None:
        self.graph = graph
        self.raw: list[dict[str, Any]] = [e.to_dict() for e in events]
        self.events: list[dict[str, Any]] = stabilize(self.raw)

    # -- the questions ----------------------------------------------------------------

    @property
    def visits(self) -> list[Visit]:
        """Every task, in order (parallel tasks of a step by node name)."""
        status = {e["task_id"]: e["status"] for e in self.raw if e["kind"] == "task_finished"}
        visits = [
            (i, e)
            for i, e in enumerate(self.raw)
            if e["kind"] == "task_started" and not e["node"].startswith("__")
        ]
        return [
            Visit(e["step"], e["node"], tuple(_bare(n) for n in e["ns"]), status.get(e["task_id"]))
            for _, e in _by_step(visits)
        ]

    @property
    def path(self) -> list[str]:
        """The nodes the graph ran at its root, in order."""
        return [v.node for v in self.visits if not v.ns]

    def visit_count(self, node: str) -> int:
        """How often ``node`` ran, at the root or in a subgraph."""
        return sum(1 for v in self.visits if v.node == node)

    @property
    def tool_calls(self) -> list[ToolCall]:
        """The tool calls the models made, in order."""
        return tool_calls_in(self.raw)

    @property
    def interrupts(self) -> list[dict[str, Any]]:
        """Every interrupt the runs stopped at: ``node`` and ``value`` (and ``id``)."""
        return [i for e in self.raw if e["kind"] == "interrupted" for i in e["interrupts"]]

    @property
    def outcome(self) -> str | None:
        """How the last run ended: done, interrupted, paused, cancelled or failed."""
        ends = [e for e in self.raw if e["kind"] == "run_finished"]
        return ends[-1]["status"] if ends else None

    @property
    def error(self) -> str | None:
        """The last failure's type and message, if a run failed."""
        fails = [e for e in self.raw if e["kind"] == "run_failed"]
        return f"{fails[-1]['type']}: {fails[-1]['error']}" if fails else None

    @property
    def final_state(self) -> Any:
        """The thread's values as the last run left them (as JSON data)."""
        ends = [e for e in self.raw if e["kind"] == "run_finished"]
        return ends[-1]["values"] if ends else None

    def state_after(self, node: str, occurrence: int = -1) -> Any:
        """The state saved after the step in which ``node`` ran (its last time by
        default; ``occurrence=0`` for the first)."""
        steps = [v.step for v in self.visits if v.node == node and not v.ns]
        if not steps:
            raise LookupError(f"{node} never ran; the path was {' → '.join(self.path)}")
        step = steps[occurrence]
        saved = [
            e["values"]
            for e in self.raw
            if e["kind"] == "checkpoint" and not e["ns"] and e["step"] == step
        ]
        if not saved:
            raise LookupError(f"no checkpoint was saved after step {step} ({node})")
        return saved[-1]

    @property
    def llm_calls(self) -> int:
        return sum(1 for e in self.raw if e["kind"] == "llm_finished")

    @property
    def tokens(self) -> int:
        """Input plus output tokens over every model call, as the providers reported."""
        return sum(
            (e.get("input_tokens") or 0) + (e.get("output_tokens") or 0)
            for e in self.raw
            if e["kind"] == "llm_finished"
        )

    @property
    def steps(self) -> int:
        """Supersteps the root graph ran."""
        return len({v.step for v in self.visits if not v.ns})

    # -- the golden form ----------------------------------------------------------------

    @property
    def text(self) -> str:
        """The trace as a golden file reads: stable from run to run."""
        return "\n".join(_render(self.events)) + "\n"

    def __str__(self) -> str:
        return self.text


def trace(
    graph: GraphLike,
    input: Any = NO_INPUT,
    *,
    answers: Iterable[Any] = (),
    model: ModelLike = DEFAULT_MODEL,
    context: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
    cassette: Any = None,
    thread_id: str | None = None,
    break_before: Iterable[str] = (),
    break_after: Iterable[str] = (),
    recursion_limit: int | None = None,
    clock: Clock | None = None,
    timeout: float = 60.0,
) -> Trace:
    """Run ``graph`` headless on a new thread and return its ``Trace``.

    ``input`` defaults to the graph's ``default_input`` (or ``{}`` when every input
    field has a default). Each of ``answers`` answers the interrupt the run stops at
    next, in order. ``cassette`` (a ``tui.cassettes.Cassette`` or a path) records the
    model calls, or replays them with no model server. ``model``, ``context``,
    ``config`` are as in ``build_app``."""
    session = open_graph_session(
        graph,
        model=model,
        context=context,
        config=config,
        thread_id=thread_id,
        break_before=break_before,
        break_after=break_after,
        recursion_limit=recursion_limit,
        clock=clock,
    )
    try:
        with _playing(cassette, session):
            events = run_to_end(session, input, answers, timeout)
    finally:
        session.close()
    return Trace(session.name, events)


def _playing(cassette: Any, session: Session) -> AbstractContextManager[Any]:
    if cassette is None:
        return nullcontext()
    from tui.cassettes import Cassette

    if not isinstance(cassette, Cassette):
        cassette = Cassette(cassette)
    return cassette.playing(session)


def run_to_end(session: Session, input: Any, answers: Iterable[Any], timeout: float) -> list[Event]:
    """Every event of a run on ``session``, and of one more run per answer while the
    run stops at an interrupt."""
    collected: list[Event] = []
    finished = threading.Event()

    def listen(event: Event) -> None:
        collected.append(event)
        if isinstance(event, RunFinished):
            finished.set()

    session.add_listener(listen)
    pending = list(answers)
    session.start(input).result(timeout)
    while True:
        if not finished.wait(timeout):
            raise TimeoutError(_timeout_text(session, collected, timeout))
        finished.clear()
        last = collected[-1]
        if not (
            pending and isinstance(last, RunFinished) and last.status == RunOutcome.INTERRUPTED
        ):
            break
        session.answer(pending.pop(0)).result(timeout)
    session.drain()  # the queue the app would read: nobody reads it here
    return collected


def _timeout_text(session: Session, events: list[Event], timeout: float) -> str:
    return (
        f"the run did not end within {timeout:g}s; it is {session.status.value}; "
        f"last events: {last_events_text(events)}"
    )


def last_events_text(events: list[Event], count: int = 8) -> str:
    """The last events, one short phrase each, for a timeout message."""
    return "; ".join(describe(e) for e in events[-count:] if e.kind != "token") or "none"


def describe(event: Event) -> str:
    data = event.to_dict()
    kind = data["kind"]
    if kind in ("task_started", "task_finished"):
        extra = f" {data['status']}" if kind == "task_finished" else ""
        return f"{kind} {data['node']} (step {data['step']}){extra}"
    if kind == "status":
        return f"status {data['status']}" + (f" ({data['detail']})" if data["detail"] else "")
    if kind in ("run_finished", "paused"):
        return f"{kind} {data.get('status') or data.get('reason')}"
    if kind == "run_failed":
        return f"run_failed {data['type']}: {data['error']}"
    return kind


# -- reading the events ---------------------------------------------------------------


def tool_calls_in(events: list[dict[str, Any]]) -> list[ToolCall]:
    """The tool calls in the AI messages of update events (as ``Event.to_dict()``)."""
    calls = []
    step_of = _steps_by_node(events)
    for e in events:
        if e["kind"] != "update":
            continue
        for message in _messages_in(e["update"]):
            for call in message.get("tool_calls") or []:
                calls.append(ToolCall(call.get("name"), call.get("args"), e["node"], step_of(e)))
    return calls


def _bare(ns_part: str) -> str:
    return ns_part.split(":", 1)[0]


def _by_step(items: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    """Tasks in order, parallel tasks of one step (same namespace) by node name: their
    start order is the scheduler's, not the graph's."""
    first: dict[tuple[Any, ...], int] = {}
    for index, e in items:
        first.setdefault((e["step"], tuple(e["ns"])), index)
    return sorted(
        items,
        key=lambda item: (first[(item[1]["step"], tuple(item[1]["ns"]))], item[1]["node"], item[0]),
    )


def _steps_by_node(events: list[dict[str, Any]]) -> Any:
    """A function giving an update event the step of the task that made it."""
    steps: dict[int, int | None] = {}
    current: dict[tuple[tuple[str, ...], str], int] = {}
    for index, e in enumerate(events):
        key = (tuple(e.get("ns") or ()), e.get("node") or "")
        if e["kind"] == "task_started":
            current[key] = e["step"]
        elif e["kind"] == "update":
            steps[index] = current.get(key)
    positions = {id(e): i for i, e in enumerate(events)}
    return lambda e: steps.get(positions[id(e)])


def _messages_in(update: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(update, Mapping):
        return
    for value in update.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if _is_message(item):
                yield item


def _is_message(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("type") in MESSAGE_TYPES and "content" in value


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def message_line(message: Mapping[str, Any]) -> str:
    kind = MESSAGE_TYPES.get(str(message.get("type")), message.get("type"))
    content = message.get("content")
    said = _json(content) if content not in ("", [], None) else ""
    if kind == "tool":
        return f"tool {message.get('name') or '?'}: {said or '(empty)'}"
    calls = [f"{c.get('name')}({_json(c.get('args'))})" for c in message.get("tool_calls") or []]
    text = f"{kind}: {said}" if said else str(kind)
    if calls:
        text += " → " + ", ".join(calls)
    return text


def _value_lines(value: Any, indent: str) -> list[str]:
    """A state value: messages one per line, anything else as one line of JSON."""
    if isinstance(value, list) and value and all(_is_message(v) for v in value):
        return [f"{indent}{message_line(v)}" for v in value]
    if _is_message(value):
        return [f"{indent}{message_line(value)}"]
    return [f"{indent}{_json(value)}"]


def _update_lines(update: Any, indent: str) -> list[str]:
    if not isinstance(update, Mapping):
        return [] if update is None else [f"{indent}{_json(update)}"]
    lines: list[str] = []
    for key, value in update.items():
        if (
            isinstance(value, list) and value and all(_is_message(v) for v in value)
        ) or _is_message(value):
            lines += _value_lines(value, indent)
        else:
            lines.append(f"{indent}{key} = {_json(value)}")
    return lines


def _state_lines(values: Any) -> list[str]:
    if not isinstance(values, Mapping):
        return [f"  {_json(values)}"]
    lines = []
    for key, value in values.items():
        if isinstance(value, list) and value and all(_is_message(v) for v in value):
            lines.append(f"  {key}:")
            lines += _value_lines(value, "    ")
        else:
            lines.append(f"  {key}: {_json(value)}")
    return lines


@dataclass
class _Task:
    """A task in the golden text: its header, then its lines and subgraph tasks."""

    step: int
    node: str
    lines: list[Any]  # text, and the _Task of each subgraph task it ran


def _render(events: list[dict[str, Any]]) -> list[str]:
    """The golden text. A subgraph's tasks come under the task that ran it, before
    its result; parallel tasks of a step are sorted by node and content, as the
    scheduler's order is not the graph's."""
    items: list[Any] = []  # text, and root tasks
    tasks: dict[str, _Task] = {}
    # Tasks of a node waiting for their update, oldest first: parallel tasks of one
    # node (Send workers) each get their own.
    waiting: dict[tuple[tuple[str, ...], str], list[_Task]] = {}
    latest: dict[tuple[tuple[str, ...], str], _Task] = {}
    task: _Task | None
    for e in events:
        kind = e["kind"]
        ns = tuple(e.get("ns") or ())
        indent = "  " * (len(ns) + 1)
        if kind == "run_started":
            items.append(f"run {e['graph']} · input {_json(e['input'])}")
        elif kind == "task_started" and not e["node"].startswith("__"):
            where = "".join(f"{_bare(n)} › " for n in ns)
            task = _Task(
                e["step"], e["node"], [f"{'  ' * len(ns)}step {e['step']} · {where}{e['node']}"]
            )
            parent = tasks.get(ns[-1].partition(":")[2]) if ns else None
            (parent.lines if parent is not None else items).append(task)
            tasks[e["task_id"]] = task
            waiting.setdefault((ns, e["node"]), []).append(task)
            latest[(ns, e["node"])] = task
        elif kind == "update":
            queue = waiting.get((ns, e["node"]))
            task = queue.pop(0) if queue else latest.get((ns, e["node"]))
            if task is not None:
                task.lines.extend(_update_lines(e["update"], indent))
        elif kind == "task_finished":
            task = tasks.get(e["task_id"])
            if task is not None and e["status"] != "ok":
                # No update follows a task that did not finish.
                queue = waiting.get((ns, e["node"])) or []
                if task in queue:
                    queue.remove(task)
                if e["status"] != "interrupted":
                    task.lines.append(f"{indent}✗ {e['status']}: {e.get('error') or ''}".rstrip())
        elif kind == "custom":
            task = latest.get((ns, e.get("node") or ""))
            if task is not None:
                task.lines.append(f"{indent}custom: {_json(e['data'])}")
        elif kind == "store":
            verb = "deleted" if e["value"] is None else f"= {_json(e['value'])}"
            items.append(f"  store {'/'.join(e['namespace'])}/{e['key']} {verb}")
        elif kind == "interrupted":
            for i in e["interrupts"]:
                items.append(f"interrupted at {i.get('node')}: {_json(i.get('value'))}")
        elif kind == "resumed":
            how = e["how"]
            items.append(
                f"answered: {_json(e['value'])}" if how == "answer" else f"resumed ({how})"
            )
        elif kind == "paused":
            items.append(f"stopped ({e['reason']}) before {', '.join(e['next']) or 'the end'}")
        elif kind == "run_failed":
            items.append(f"failed: {e['type']}: {e['error']}")
        elif kind == "run_finished":
            waiting.clear()
            items.append(f"finished: {e['status']}")
            if e["status"] != "interrupted":
                items.append("final state:")
                items.extend(_state_lines(e["values"]))
    return _flatten(items)


def _flatten(items: list[Any]) -> list[str]:
    out: list[str] = []
    group: list[tuple[str, list[str]]] = []  # parallel tasks of one step: (node, lines)
    step: int | None = None

    def flush() -> None:
        for _, lines in sorted(group):
            out.extend(lines)
        group.clear()

    for item in items:
        if isinstance(item, str):
            flush()
            out.append(item)
            continue
        if group and item.step != step:
            flush()
        step = item.step
        group.append((item.node, _flatten(item.lines)))
    flush()
    return out
