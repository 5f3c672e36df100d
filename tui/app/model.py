"""What the screen shows, folded from events: plain Python, no Textual.

The app drains events once per frame into ``RunModel.apply``; each pane reads the
parts it draws and redraws only when its part is dirty. Because the model is a pure
function of the event stream, a recording replays into exactly the same screen.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import Any

from tui.engine.events import Event

STATUS_LABELS = {
    "idle": "IDLE",
    "running": "RUNNING",
    "pausing": "PAUSING",
    "paused": "PAUSED",
    "breakpoint": "AT BREAKPOINT",
    "interrupted": "WAITING FOR INPUT",
    "cancelled": "CANCELLED",
    "failed": "FAILED",
    "done": "DONE",
}
LOG_KINDS = ("update", "custom", "interrupt", "error", "control")
_RATE_WINDOW_S = 3.0


@dataclass
class LlmCall:
    run_id: str
    model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    ttft_s: float | None = None
    tokens_per_s: float | None = None
    duration_s: float | None = None
    status: str = "running"
    error: str | None = None


@dataclass
class TaskRow:
    task_id: str
    node: str
    step: int
    ns: tuple[str, ...]
    started_t: float
    input: Any = None
    triggers: tuple[str, ...] = ()
    status: str = "running"
    finished_t: float | None = None
    duration_s: float | None = None
    tokens: int = 0
    result: Any = None
    error: str | None = None
    traceback: str | None = None
    calls: list[LlmCall] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return len(self.ns)

    @property
    def label(self) -> str:
        """The node, and for a task made by Send (parallel workers of one node) what
        it was sent, so the workers can be told apart."""
        if "__pregel_push" not in self.triggers:
            return self.node
        hint = _first_text(self.input)
        return f"{self.node} · {hint}" if hint else self.node

    @property
    def parent_task_id(self) -> str | None:
        return self.ns[-1].partition(":")[2] if self.ns else None

    def ttft_s(self) -> float | None:
        first = [c.ttft_s for c in self.calls if c.ttft_s is not None]
        return first[0] if first else None

    def tokens_per_s(self) -> float | None:
        rates = [c.tokens_per_s for c in self.calls if c.tokens_per_s]
        return sum(rates) / len(rates) if rates else None


@dataclass
class ToolCallDraft:
    name: str = ""
    args: str = ""
    call_id: str | None = None


class TextBuffer:
    """Text that grows a token at a time. ``str +=`` on an attribute copies the whole
    string each time (quadratic over a long reply); tokens are folded into chunks of
    64 instead (a string per token would cost more memory than the text itself), and
    joined when the text is read."""

    __slots__ = ("_chunks", "_pending")
    FOLD = 64

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._pending: list[str] = []

    def append(self, text: str) -> None:
        if text:
            self._pending.append(text)
            if len(self._pending) >= self.FOLD:
                self._chunks.append("".join(self._pending))
                self._pending.clear()

    @property
    def value(self) -> str:
        if self._pending or len(self._chunks) > 1:
            self._chunks[:] = ["".join(self._chunks + self._pending)]
            self._pending.clear()
        return self._chunks[0] if self._chunks else ""


@dataclass
class TokenBlock:
    """One LLM call's output (or one tool result), as it streams."""

    key: tuple[Any, ...]
    node: str
    ns: tuple[str, ...]
    step: int | None
    task_id: str | None
    role: str = "ai"
    model: str | None = None
    reasoning_buffer: TextBuffer = field(default_factory=TextBuffer)
    text_buffer: TextBuffer = field(default_factory=TextBuffer)
    tool_calls: dict[int, ToolCallDraft] = field(default_factory=dict)
    tool_name: str | None = None
    finished: bool = False
    waiting: bool = False
    call: LlmCall | None = None
    version: int = 0

    @property
    def text(self) -> str:
        return self.text_buffer.value

    @property
    def reasoning(self) -> str:
        return self.reasoning_buffer.value


@dataclass
class CheckpointInfo:
    checkpoint_id: str
    step: int
    ns: tuple[str, ...]
    parent_id: str | None
    next: list[str]
    values: Any


@dataclass
class LogEntry:
    kind: str  # one of LOG_KINDS
    t: float
    title: str
    body: Any = None
    ns: tuple[str, ...] = ()
    detail: str | None = None  # a traceback, shown as text


class RunModel:
    def __init__(self) -> None:
        self.graph = ""
        self.thread_id = ""
        self.model_label: str | None = None
        self.input: Any = None
        self.status = "idle"
        self.status_detail = ""
        self.now = 0.0
        self.reset()

    def reset(self) -> None:
        self.tasks: dict[str, TaskRow] = {}
        self.task_order: list[str] = []
        self.blocks: list[TokenBlock] = []
        self._block_by_key: dict[tuple[Any, ...], TokenBlock] = {}
        self._block_by_run: dict[str, TokenBlock] = {}
        self._pending_calls: dict[tuple[Any, ...], collections.deque[TokenBlock]] = {}
        self.checkpoints: dict[str, CheckpointInfo] = {}
        self.root_checkpoints: list[str] = []
        self.log: list[LogEntry] = []
        self.interrupts: list[dict[str, Any]] = []
        self.values: Any = None
        self.step: int | None = None
        self.next: list[str] = []
        self.tokens_out = 0
        self.tokens_in = 0
        self.llm_spans: list[tuple[float, float]] = []  # when each LLM call ran
        self.started_t: float | None = None
        self.ended_t: float | None = None
        self.last_error: LogEntry | None = None
        self._recent: collections.deque[tuple[float, int]] = collections.deque()
        self.dirty: set[str] = {"status", "tasks", "tokens", "state", "log", "graph"}

    # -- folding ----------------------------------------------------------------------

    def apply(self, events: list[Event]) -> None:
        for event in events:
            handler = getattr(self, f"_on_{event.kind}", None)
            if handler is not None:
                handler(event)

    def take_dirty(self) -> set[str]:
        dirty, self.dirty = self.dirty, set()
        return dirty

    def _on_run_started(self, e: Any) -> None:
        self.reset()
        self.graph, self.thread_id, self.input = e.graph, e.thread_id, e.input
        self.model_label = e.model
        self.started_t = e.t
        self._control(e.t, f"run started on thread {e.thread_id}", e.input)

    def _on_status(self, e: Any) -> None:
        self.status, self.status_detail = e.status, e.detail
        if e.status in ("running", "pausing"):
            self.ended_t = None
        self.dirty.add("status")
        self.dirty.add("graph")

    def _on_task_started(self, e: Any) -> None:
        if e.task_id in self.tasks:  # a resumed step starts the same task again
            row = self.tasks[e.task_id]
            row.status, row.started_t, row.finished_t, row.duration_s = "running", e.t, None, None
        else:
            self.tasks[e.task_id] = TaskRow(
                e.task_id, e.node, e.step, e.ns, e.t, input=e.input, triggers=tuple(e.triggers)
            )
            self.task_order.append(e.task_id)
        self.dirty.update(("tasks", "graph"))

    def _on_task_finished(self, e: Any) -> None:
        row = self.tasks.get(e.task_id)
        if row is None:
            row = TaskRow(e.task_id, e.node, e.step, e.ns, e.t)
            self.tasks[e.task_id] = row
            self.task_order.append(e.task_id)
        row.status, row.finished_t, row.duration_s = e.status, e.t, e.duration_s
        row.result, row.error, row.traceback = e.result, e.error, e.traceback
        if e.status == "error":
            self.add_log("error", e.t, f"{e.node} failed: {e.error}", None, e.ns, e.traceback)
        self.dirty.update(("tasks", "graph"))

    def _on_token(self, e: Any) -> None:
        block = self._block_for(e)
        if e.role == "tool":
            block.text_buffer.append(e.text)
            block.finished = True
        else:
            block.reasoning_buffer.append(e.reasoning)
            block.text_buffer.append(e.text)
            for chunk in e.tool_call_chunks:
                index = chunk.get("index") or 0
                draft = block.tool_calls.setdefault(index, ToolCallDraft())
                draft.name += chunk.get("name") or ""
                draft.args += chunk.get("args") or ""
                draft.call_id = draft.call_id or chunk.get("id")
            if e.last:
                block.finished = True
            produced = int(bool(e.text or e.reasoning or e.tool_call_chunks))
            if produced:
                self.tokens_out += produced
                self._recent.append((e.t, produced))
                row = self.tasks.get(e.task_id or "")
                if row is not None:
                    row.tokens += produced
                    self.dirty.add("tasks")
        block.waiting = False
        self._touch(block)

    def _block_for(self, e: Any) -> TokenBlock:
        if e.role == "tool":
            key: tuple[Any, ...] = (
                "tool",
                e.ns,
                e.tool_call_id or e.message_id or len(self.blocks),
            )
        else:
            key = ("ai", e.ns, e.node, e.message_id)
        block = self._block_by_key.get(key)
        if block is not None:
            return block
        pending = self._pending_calls.get((e.ns, e.node, e.task_id))
        if e.role != "tool" and pending:
            # The first token of a call that `llm_started` announced: providers
            # give their own message ids, so the two are matched by task.
            block = pending.popleft()
        else:
            block = self._new_block(key, e.node, e.ns, e.step, e.task_id)
        block.key = key
        block.step = e.step if e.step is not None else block.step
        block.role = e.role
        block.tool_name = e.name
        self._block_by_key[key] = block
        return block

    def _new_block(
        self,
        key: tuple[Any, ...],
        node: str,
        ns: tuple[str, ...],
        step: int | None,
        task_id: str | None,
    ) -> TokenBlock:
        block = TokenBlock(key=key, node=node, ns=ns, step=step, task_id=task_id)
        self.blocks.append(block)
        return block

    def _touch(self, block: TokenBlock) -> None:
        block.version += 1
        self.dirty.add("tokens")

    def _on_llm_started(self, e: Any) -> None:
        row = self.tasks.get(e.task_id or "")
        block = self._new_block(
            ("llm", e.run_id), e.node or "?", e.ns, row.step if row else None, e.task_id
        )
        block.model, block.waiting = e.model, True
        block.call = LlmCall(run_id=e.run_id, model=e.model)
        if row is not None:
            row.calls.append(block.call)
        self._block_by_run[e.run_id] = block
        self._pending_calls.setdefault((e.ns, e.node or "", e.task_id), collections.deque()).append(
            block
        )
        self._touch(block)

    def _on_llm_finished(self, e: Any) -> None:
        block = self._block_by_run.get(e.run_id)
        call = (
            block.call if block is not None and block.call is not None else LlmCall(run_id=e.run_id)
        )
        call.model, call.status, call.error = e.model, e.status, e.error
        call.input_tokens, call.output_tokens = e.input_tokens, e.output_tokens
        call.ttft_s, call.tokens_per_s, call.duration_s = e.ttft_s, e.tokens_per_s, e.duration_s
        self.llm_spans.append((e.t - e.duration_s, e.t))
        row = self.tasks.get(e.task_id or "")
        if row is not None and call not in row.calls:
            # llm_started comes from a callback and can beat the task's own
            # task_started (still queued in the stream): attach the call now.
            row.calls.append(call)
        if e.output_tokens is not None:
            # Usage from the provider replaces the chunk count we kept while streaming.
            delta = e.output_tokens - e.chunks
            self.tokens_out += delta
            if row is not None:
                row.tokens += delta
        self.tokens_in += e.input_tokens or 0
        if block is not None:
            block.waiting = False
            block.finished = True
            for queue in self._pending_calls.values():
                if block in queue:
                    queue.remove(block)
            self._touch(block)
        self.dirty.update(("tasks", "status"))

    def _on_update(self, e: Any) -> None:
        self.add_log("update", e.t, f"update from {e.node}", e.update, e.ns)

    def _on_custom(self, e: Any) -> None:
        self.add_log("custom", e.t, "custom event", e.data, e.ns)

    def _on_values(self, e: Any) -> None:
        if not e.ns:
            self.values = e.values

    def _on_checkpoint(self, e: Any) -> None:
        if not e.checkpoint_id:
            return
        known = e.checkpoint_id in self.checkpoints
        self.checkpoints[e.checkpoint_id] = CheckpointInfo(
            e.checkpoint_id, e.step, e.ns, e.parent_id, list(e.next), e.values
        )
        if not e.ns:
            if not known:
                self.root_checkpoints.append(e.checkpoint_id)
            self.step, self.next, self.values = e.step, list(e.next), e.values
            self.dirty.update(("state", "status", "graph"))

    def _on_interrupted(self, e: Any) -> None:
        self.interrupts = list(e.interrupts)
        for pending in e.interrupts:
            self.add_log("interrupt", e.t, "interrupt: waiting for an answer", pending.get("value"))
        self.dirty.add("status")

    def _on_paused(self, e: Any) -> None:
        where = f"before {', '.join(e.next)}" if e.next else "at the end"
        what = {"breakpoint": "breakpoint hit", "step": "stepped"}.get(e.reason, "paused")
        self._control(e.t, f"{what} {where} (step {e.step})")

    def _on_resumed(self, e: Any) -> None:
        self.interrupts = []
        if e.how == "answer":
            self._control(e.t, "answered the interrupt", e.value)
        else:
            self._control(e.t, f"{'step' if e.how == 'step' else 'continue'}: {', '.join(e.next)}")

    def _on_cancelled(self, e: Any) -> None:
        self._control(e.t, f"cancelled; the checkpoint at step {e.step} is kept")

    def _on_run_failed(self, e: Any) -> None:
        title = e.hint or f"run failed: {e.type}: {e.error}"
        # The failing task's entry already carries the traceback; once is enough.
        shown = any(entry.kind == "error" and entry.detail for entry in self.log)
        traceback = None if shown else e.traceback
        self.last_error = self.add_log("error", e.t, title, None, e.ns, traceback)

    def _on_run_finished(self, e: Any) -> None:
        self.ended_t = e.t
        if e.values is not None:
            self.values = e.values
        self.dirty.update(("status", "state"))

    def _on_notice(self, e: Any) -> None:
        kind = "error" if e.level == "error" else "control"
        self.add_log(kind, e.t, e.text)

    def _control(self, t: float, title: str, body: Any = None) -> None:
        self.add_log("control", t, title, body)

    def add_log(
        self,
        kind: str,
        t: float,
        title: str,
        body: Any = None,
        ns: tuple[str, ...] = (),
        detail: str | None = None,
    ) -> LogEntry:
        entry = LogEntry(kind, t, title, body, ns, detail)
        self.log.append(entry)
        self.dirty.add("log")
        return entry

    # -- derived figures -----------------------------------------------------------------

    def elapsed(self, now: float) -> float:
        if self.started_t is None:
            return 0.0
        end = (
            self.ended_t
            if self.ended_t is not None and self.status not in ("running", "pausing")
            else now
        )
        return max(0.0, end - self.started_t)

    def tokens_per_second(self, now: float) -> float | None:
        """Live rate over the last few seconds while streaming, else the run's average."""
        while self._recent and now - self._recent[0][0] > _RATE_WINDOW_S:
            self._recent.popleft()
        if self.status == "running" and self._recent:
            span = now - self._recent[0][0]
            if span > 0.05:
                return sum(n for _, n in self._recent) / span
        busy = _union_length(self.llm_spans)
        # Tokens over the time any model was generating: parallel calls overlap, so
        # averaging their own rates would understate what the run did.
        return self.tokens_out / busy if busy > 0 and self.tokens_out else None

    def task_rows(self) -> list[TaskRow]:
        """Tasks in display order: each subgraph's tasks right under their parent."""
        children: dict[str | None, list[TaskRow]] = collections.defaultdict(list)
        for task_id in self.task_order:
            row = self.tasks[task_id]
            parent = row.parent_task_id if row.parent_task_id in self.tasks else None
            children[parent].append(row)
        ordered: list[TaskRow] = []

        def walk(parent: str | None) -> None:
            for row in children.get(parent, []):
                ordered.append(row)
                walk(row.task_id)

        walk(None)
        return ordered

    def current_step(self) -> int | None:
        """The root step running, or that ran last: the one the timeline shows."""
        steps = [row.step for row in self.tasks.values() if not row.ns]
        return max(steps) if steps else self.step

    def step_label(self, row: TaskRow) -> str:
        """``2.1`` for step 1 of a subgraph that runs in the parent's step 2."""
        parent = self.tasks.get(row.parent_task_id or "")
        return f"{self.step_label(parent)}.{row.step}" if parent is not None else str(row.step)

    def checkpoint_after(self, row: TaskRow) -> CheckpointInfo | None:
        """The checkpoint that step ``row.step`` produced in ``row``'s graph."""
        best = None
        for info in self.checkpoints.values():
            if info.ns == row.ns and info.step == row.step:
                best = info
        return best

    def latest_checkpoint(self) -> CheckpointInfo | None:
        return self.checkpoints[self.root_checkpoints[-1]] if self.root_checkpoints else None

    def parent_values(self, info: CheckpointInfo) -> Any:
        parent = self.checkpoints.get(info.parent_id or "")
        return parent.values if parent is not None else None

    def running_nodes(self) -> set[str]:
        return {row.node for row in self.tasks.values() if row.status == "running" and not row.ns}

    def run_span(self, now: float) -> tuple[float, float]:
        if not self.task_order:
            return (0.0, 0.0)
        start = min(row.started_t for row in self.tasks.values())
        end = max(
            (row.finished_t if row.finished_t is not None else now) for row in self.tasks.values()
        )
        return start, max(end, start)


def _union_length(spans: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def _first_text(value: Any) -> str:
    """A short reading of a Send's payload: its first string value."""
    if isinstance(value, str):
        return value[:40]
    if isinstance(value, dict):
        for item in value.values():
            if isinstance(item, str) and item:
                return item[:40]
    return ""
