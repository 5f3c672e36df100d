"""The app's view of a run: what the screen shows, folded from events. No Textual.

The app drains events once per frame into ``RunView.apply``; each pane reads the
parts it draws and redraws only when its part is dirty (``Part``). Because the
view is a pure function of the event stream, a recording replays into exactly the
same screen.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any, TypeVar

from tui.app.view.records import (
    CheckpointInfo,
    LlmCall,
    LogEntry,
    LogKind,
    Part,
    TaskRow,
    TokenBlock,
    ToolCallDraft,
)
from tui.app.view.task_index import TaskIndex
from tui.engine.events import (
    Cancelled,
    Checkpoint,
    Custom,
    Event,
    Interrupted,
    LlmFinished,
    LlmStarted,
    Notice,
    Paused,
    Resumed,
    RunFailed,
    RunFinished,
    RunStarted,
    Status,
    StoreChanged,
    TaskFinished,
    TaskStarted,
    Token,
    Update,
    Values,
)
from tui.engine.status import (
    NoticeLevel,
    PauseReason,
    ResumeHow,
    RunStatus,
    TaskStatus,
)

_RATE_WINDOW_S = 3.0
_HELD_STATES = 2

E = TypeVar("E", bound=Event)
_HANDLERS: dict[type[Event], Callable[[RunView, Any], None]] = {}


def _folds(
    event_type: type[E],
) -> Callable[[Callable[[RunView, E], None]], Callable[[RunView, E], None]]:
    """Register a method as the fold of one event class (dispatch by class, so a
    handler cannot be lost to a typo in a name)."""

    def register(method: Callable[[RunView, E], None]) -> Callable[[RunView, E], None]:
        _HANDLERS[event_type] = method
        return method

    return register


class RunView:
    def __init__(self) -> None:
        self.graph = ""
        self.thread_id = ""
        self.model_label: str | None = None
        self.model_from_spec = False
        self.input: Any = None
        self.status = RunStatus.IDLE
        self.status_detail = ""
        self.reset()

    def reset(self) -> None:
        self.tasks: dict[str, TaskRow] = {}
        self.task_order: list[str] = []
        self.task_index = TaskIndex()
        # The timeline's order, kept while the run has no subgraph tasks (_add_task).
        self._display: list[TaskRow] | None = []
        self.blocks: list[TokenBlock] = []
        self._block_by_key: dict[tuple[Any, ...], TokenBlock] = {}
        self._block_by_run: dict[str, TokenBlock] = {}
        self._pending_calls: dict[tuple[Any, ...], collections.deque[TokenBlock]] = {}
        # Every LLM call of the run, in the order they started (the inspector's list).
        self.llm_calls: list[LlmCall] = []
        self._call_by_run: dict[str, LlmCall] = {}
        # One copy of each message the calls sent: every call re-sends the history, so
        # a call holds references to messages an earlier call brought (a recording
        # decodes each call's copy anew; without this, memory grows as calls squared).
        self._sent_messages: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.checkpoints: dict[str, CheckpointInfo] = {}
        self.root_checkpoints: list[str] = []
        # The checkpoints whose state is held, per namespace: the latest and its parent
        # (the inspector marks what the step changed). Older states are read from the
        # source when looked at, so memory does not grow with steps x state size.
        self._holding: dict[tuple[str, ...], collections.deque[str]] = {}
        # Root tasks whose input (the whole state before their step) is still held.
        self._inputs_held: collections.deque[TaskRow] = collections.deque()
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
        # What this run wrote to the long-term store, by (namespace, key); None: deleted.
        self.store_changes: dict[tuple[tuple[str, ...], str], Any] = {}
        # Loop signals: runs per node, and the recursion budget of this invocation.
        self.node_runs: collections.Counter[tuple[tuple[str, ...], str]] = collections.Counter()
        self.recursion_limit: int | None = None
        self.budget_first_step: int | None = None
        self._recent: collections.deque[tuple[float, int]] = collections.deque()
        self.dirty = Part.ALL

    # -- folding ----------------------------------------------------------------------

    def apply(self, events: list[Event]) -> None:
        handlers = _HANDLERS
        for event in events:
            handler = handlers.get(type(event))
            if handler is not None:
                handler(self, event)

    def take_dirty(self) -> Part:
        dirty, self.dirty = self.dirty, Part.NONE
        return dirty

    @_folds(RunStarted)
    def _on_run_started(self, e: RunStarted) -> None:
        self.reset()
        self.graph, self.thread_id, self.input = e.graph, e.thread_id, e.input
        self.model_label = e.model
        self.recursion_limit = e.recursion_limit
        # Set when the graph follows --model: its spec label says more ("ollama:…").
        self.model_from_spec = e.model is not None
        self.started_t = e.t
        self._control(e.t, f"run started on thread {e.thread_id}", e.input)

    @_folds(Status)
    def _on_status(self, e: Status) -> None:
        self.status, self.status_detail = RunStatus(e.status), e.detail
        if self.status.active:
            self.ended_t = None
        self.dirty |= Part.STATUS | Part.GRAPH

    @_folds(TaskStarted)
    def _on_task_started(self, e: TaskStarted) -> None:
        row = self.tasks.get(e.task_id)
        if row is not None and row.status == TaskStatus.OK:
            # On resume LangGraph starts a finished task again only to replay its
            # saved writes: the row keeps its ✓ (a real re-run reports a new result).
            return
        if row is not None:  # a resumed step starts the same (failed, cut) task again
            row.status, row.started_t, row.finished_t, row.duration_s = (
                TaskStatus.RUNNING,
                e.t,
                None,
                None,
            )
        else:
            self.node_runs[(e.ns, e.node)] += 1
            row = TaskRow(
                e.task_id,
                e.node,
                e.step,
                e.ns,
                e.t,
                input=e.input,
                triggers=tuple(e.triggers),
                run_number=self.node_runs[(e.ns, e.node)],
            )
            self._add_task(row)
            if not row.sent and not row.ns:  # a Send's input is what it was sent
                self._inputs_held.append(row)
        self.task_index.status_set(row)
        if not e.ns and self.budget_first_step is None:
            self.budget_first_step = e.step
        self.dirty |= Part.TASKS | Part.GRAPH

    @_folds(TaskFinished)
    def _on_task_finished(self, e: TaskFinished) -> None:
        row = self.tasks.get(e.task_id)
        if row is not None and row.status == TaskStatus.OK and e.result is None:
            return  # the end of a replay (see _on_task_started): nothing new happened
        if row is None:
            row = TaskRow(e.task_id, e.node, e.step, e.ns, e.t)
            self._add_task(row)
        row.status, row.finished_t, row.duration_s = e.status, e.t, e.duration_s
        row.result, row.error, row.traceback = e.result, e.error, e.traceback
        self.task_index.status_set(row)
        if e.status == TaskStatus.ERROR:
            self.add_log(LogKind.ERROR, e.t, f"{e.node} failed: {e.error}", None, e.ns, e.traceback)
        self.dirty |= Part.TASKS | Part.GRAPH

    def _add_task(self, row: TaskRow) -> None:
        self.tasks[row.task_id] = row
        self.task_order.append(row.task_id)
        self.task_index.added(row)
        if self.task_index.inner_visited:
            # With subgraph tasks about, a new task can go under a parent, or become
            # the parent of a row shown before it: the order is made again.
            self._display = None
        elif self._display is not None:
            self._display.append(row)  # a root task goes last

    @_folds(Token)
    def _on_token(self, e: Token) -> None:
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
            if block.call is not None and block.call.output_tokens is not None:
                # After its call's usage (a whole message, or a chunk the stream
                # delivered after the callback's end): the usage counted it.
                produced = 0
            block.counted += produced
            if produced:
                self.tokens_out += produced
                self._recent.append((e.t, produced))
                row = self.tasks.get(e.task_id or "")
                if row is not None:
                    row.tokens += produced
                    self.dirty |= Part.COUNTS
        block.waiting = False
        self._touch(block)

    def _block_for(self, e: Token) -> TokenBlock:
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
        self.dirty |= Part.TOKENS

    @_folds(LlmStarted)
    def _on_llm_started(self, e: LlmStarted) -> None:
        if e.model and not self.model_from_spec:
            self.model_label = e.model  # the model the graph really called
        row = self.tasks.get(e.task_id or "")
        block = self._new_block(
            ("llm", e.run_id), e.node or "?", e.ns, row.step if row else None, e.task_id
        )
        block.model, block.waiting = e.model, True
        block.call = self._call_for(e.run_id)
        call = block.call
        call.model, call.node, call.ns, call.task_id = e.model, e.node, e.ns, e.task_id
        call.step, call.started_t = block.step, e.t
        call.messages, call.tools, call.params = self._shared(e.messages), e.tools, e.params
        if row is not None:
            row.calls.append(block.call)
        self._block_by_run[e.run_id] = block
        self._pending_calls.setdefault((e.ns, e.node or "", e.task_id), collections.deque()).append(
            block
        )
        self._touch(block)

    @_folds(LlmFinished)
    def _on_llm_finished(self, e: LlmFinished) -> None:
        block = self._block_by_run.get(e.run_id)
        call = self._call_for(e.run_id)
        if call.node is None:  # its start was not seen (a recording cut short)
            call.node, call.ns, call.task_id = e.node, e.ns, e.task_id
        call.model, call.status, call.error = e.model, e.status, e.error
        call.reply, call.finish_reason = e.reply, e.finish_reason
        call.input_tokens, call.output_tokens = e.input_tokens, e.output_tokens
        call.ttft_s, call.tokens_per_s, call.duration_s = e.ttft_s, e.tokens_per_s, e.duration_s
        self.llm_spans.append((e.t - e.duration_s, e.t))
        row = self.tasks.get(e.task_id or "")
        if call.step is None:
            call.step = row.step if row is not None else (block.step if block else None)
        if row is not None and call not in row.calls:
            # llm_started comes from a callback and can beat the task's own
            # task_started (still queued in the stream): attach the call now.
            row.calls.append(call)
        if e.output_tokens is not None:
            # Usage from the provider replaces the chunk count we kept while streaming.
            delta = e.output_tokens - (block.counted if block is not None else e.chunks)
            self.tokens_out += delta
            if row is not None:
                row.tokens += delta
        self.tokens_in += e.input_tokens or 0
        if block is not None:
            block.waiting = False
            block.finished = True
            if block.version > 1 or block.text or block.tool_calls:
                # It streamed: later tokens with its key find it. A call that did not
                # stream (tools bound with --no-stream-tools) sends its whole message
                # after this event; it stays matchable so that message joins it.
                for queue in self._pending_calls.values():
                    if block in queue:
                        queue.remove(block)
            self._touch(block)
        self.dirty |= Part.TASKS | Part.STATUS

    def _shared(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        held = self._sent_messages
        out = []
        for message in messages:
            content = message.get("content")
            key: tuple[Any, ...] = (message.get("role"), message.get("id"))
            if key[1] is None:
                if not isinstance(content, str):
                    out.append(message)
                    continue
                key = (*key, content)  # a system prompt built anew for every call
            known = held.get(key)
            # The same id with other content is a message replaced since: not shared.
            if known is not None and (known is message or known == message):
                out.append(known)
            else:
                held[key] = message
                out.append(message)
        return out

    def _call_for(self, run_id: str) -> LlmCall:
        call = self._call_by_run.get(run_id)
        if call is None:
            call = self._call_by_run[run_id] = LlmCall(run_id=run_id, index=len(self.llm_calls) + 1)
            self.llm_calls.append(call)
        return call

    @_folds(Update)
    def _on_update(self, e: Update) -> None:
        self.add_log(LogKind.UPDATE, e.t, f"update from {e.node}", e.update, e.ns)

    @_folds(Custom)
    def _on_custom(self, e: Custom) -> None:
        self.add_log(LogKind.CUSTOM, e.t, "custom event", e.data, e.ns)

    @_folds(Values)
    def _on_values(self, e: Values) -> None:
        if not e.ns:
            self.values = e.values

    @_folds(Checkpoint)
    def _on_checkpoint(self, e: Checkpoint) -> None:
        if not e.checkpoint_id:
            return
        known = e.checkpoint_id in self.checkpoints
        parent = self.checkpoints.get(e.parent_id or "")
        self.checkpoints[e.checkpoint_id] = CheckpointInfo(
            e.checkpoint_id,
            e.step,
            e.ns,
            e.parent_id,
            list(e.next),
            e.values,
            # Compared once, here: values of one run share their strings, so this
            # costs the structure, not the text.
            unchanged=parent is not None
            and parent.values is not None
            and parent.values == e.values,
        )
        holding = self._holding.setdefault(e.ns, collections.deque())
        if e.checkpoint_id not in holding:
            holding.append(e.checkpoint_id)
        while len(holding) > _HELD_STATES:
            dropped = self.checkpoints.get(holding.popleft())
            if dropped is not None:
                dropped.values = None
        if not e.ns:
            # Tasks of steps before the parent's hold a state that is read back now.
            inputs = self._inputs_held
            while inputs and inputs[0].step < e.step - 1:
                row = inputs.popleft()
                row.input, row.input_dropped = None, True
        self.dirty |= Part.TASKS  # the timeline marks a step that changed nothing
        if not e.ns:
            if not known:
                self.root_checkpoints.append(e.checkpoint_id)
            self.step, self.next, self.values = e.step, list(e.next), e.values
            self.dirty |= Part.STATE | Part.STATUS | Part.GRAPH

    @_folds(Interrupted)
    def _on_interrupted(self, e: Interrupted) -> None:
        self.interrupts = list(e.interrupts)
        for pending in e.interrupts:
            self.add_log(
                LogKind.INTERRUPT, e.t, "interrupt: waiting for an answer", pending.get("value")
            )
        self.dirty |= Part.STATUS

    @_folds(Paused)
    def _on_paused(self, e: Paused) -> None:
        where = f"before {', '.join(e.next)}" if e.next else "at the end"
        what = {PauseReason.BREAKPOINT: "breakpoint hit", PauseReason.STEP: "stepped"}.get(
            e.reason, "paused"
        )
        self._control(e.t, f"{what} {where} (step {e.step})")

    @_folds(Resumed)
    def _on_resumed(self, e: Resumed) -> None:
        self.interrupts = []
        self.budget_first_step = None  # each invocation gets the whole limit again
        if e.how == ResumeHow.ANSWER:
            self._control(e.t, "answered the interrupt", e.value)
        elif e.how == ResumeHow.REPLAY:
            self._control(e.t, f"run on from step {e.step}: {', '.join(e.next)} (a new branch)")
        elif e.how == ResumeHow.FORK:
            self._control(e.t, f"forked at step {e.step} with an edit", e.value)
        else:
            how = "step" if e.how == ResumeHow.STEP else "continue"
            self._control(e.t, f"{how}: {', '.join(e.next)}")

    @_folds(Cancelled)
    def _on_cancelled(self, e: Cancelled) -> None:
        self._control(e.t, f"cancelled; the checkpoint at step {e.step} is kept")

    @_folds(RunFailed)
    def _on_run_failed(self, e: RunFailed) -> None:
        title = e.hint or f"run failed: {e.type}: {e.error}"
        # The failing task's entry already carries the traceback; once is enough.
        shown = any(entry.kind == LogKind.ERROR and entry.detail for entry in self.log)
        traceback = None if shown else e.traceback
        self.last_error = self.add_log(LogKind.ERROR, e.t, title, None, e.ns, traceback)

    @_folds(RunFinished)
    def _on_run_finished(self, e: RunFinished) -> None:
        self.ended_t = e.t
        if e.values is not None:
            self.values = e.values
        self.dirty |= Part.STATUS | Part.STATE

    @_folds(StoreChanged)
    def _on_store_changed(self, e: StoreChanged) -> None:
        self.store_changes[(tuple(e.namespace), e.key)] = e.value
        where = "/".join(e.namespace)
        what = "deleted" if e.value is None else "put"
        self.add_log(
            LogKind.UPDATE,
            e.t,
            f"store {what} {where} · {e.key}" + (f" by {e.node}" if e.node else ""),
            e.value,
            e.ns,
        )
        self.dirty |= Part.STORE

    @_folds(Notice)
    def _on_notice(self, e: Notice) -> None:
        kind = LogKind.ERROR if e.level == NoticeLevel.ERROR else LogKind.CONTROL
        self.add_log(kind, e.t, e.text)

    def _control(self, t: float, title: str, body: Any = None) -> None:
        self.add_log(LogKind.CONTROL, t, title, body)

    def add_log(
        self,
        kind: LogKind,
        t: float,
        title: str,
        body: Any = None,
        ns: tuple[str, ...] = (),
        detail: str | None = None,
    ) -> LogEntry:
        entry = LogEntry(kind, t, title, body, ns, detail)
        self.log.append(entry)
        self.dirty |= Part.LOG
        return entry

    # -- derived figures -----------------------------------------------------------------

    def steps_used(self) -> int | None:
        """Supersteps this invocation has taken (what the recursion limit counts)."""
        step = self.current_step()
        if self.budget_first_step is None or step is None:
            return None
        return step - self.budget_first_step + 1

    def input_tokens_per_call(self) -> list[int]:
        """Each finished LLM call's prompt size: a loop's prompt grows turn by turn."""
        return [c.input_tokens for c in self.llm_calls if c.input_tokens is not None]

    def elapsed(self, now: float) -> float:
        if self.started_t is None:
            return 0.0
        end = self.ended_t if self.ended_t is not None and not self.status.active else now
        return max(0.0, end - self.started_t)

    def tokens_per_second(self, now: float) -> float | None:
        """Live rate over the last few seconds while streaming, else the run's average."""
        while self._recent and now - self._recent[0][0] > _RATE_WINDOW_S:
            self._recent.popleft()
        if self.status.active and self._recent:
            span = now - self._recent[0][0]
            if span > 0.05:
                return sum(n for _, n in self._recent) / span
        busy = _union_length(self.llm_spans)
        # Tokens over the time any model was generating: parallel calls overlap, so
        # averaging their own rates would understate what the run did.
        return self.tokens_out / busy if busy > 0 and self.tokens_out else None

    def parent_of(self, row: TaskRow) -> TaskRow | None:
        """The task a subgraph task runs inside. A subgraph compiled with
        ``checkpointer=True`` has a namespace without the parent's task id (it is
        stable across runs): its parent is the latest task of that node before it."""
        if not row.ns:
            return None
        parent = self.tasks.get(row.parent_task_id or "")
        if parent is not None:
            return parent
        name, outer = row.ns[-1].partition(":")[0], row.ns[:-1]
        candidates = [
            other
            for other in self.tasks.values()
            if other.node == name and other.ns == outer and other.started_t <= row.started_t
        ]
        return max(candidates, key=lambda other: other.started_t, default=None)

    def task_rows(self) -> list[TaskRow]:
        """Tasks in display order: each subgraph's tasks right under their parent.
        The list is the view's own, kept between calls (read it, do not change it)."""
        if self._display is None:
            self._display = self._ordered_tasks()
        return self._display

    def _ordered_tasks(self) -> list[TaskRow]:
        children: dict[str | None, list[TaskRow]] = collections.defaultdict(list)
        for task_id in self.task_order:
            row = self.tasks[task_id]
            parent = self.parent_of(row)
            children[parent.task_id if parent is not None else None].append(row)
        ordered: list[TaskRow] = []

        def walk(parent: str | None) -> None:
            for row in children.get(parent, []):
                ordered.append(row)
                walk(row.task_id)

        walk(None)
        return ordered

    def current_step(self) -> int | None:
        """The root step running, or that ran last: the one the timeline shows."""
        last = self.task_index.last_step
        return last if last is not None else self.step

    def step_label(self, row: TaskRow) -> str:
        """``2.1`` for step 1 of a subgraph that runs in the parent's step 2."""
        parent = self.parent_of(row)
        return f"{self.step_label(parent)}.{row.step}" if parent is not None else str(row.step)

    def checkpoint_after(self, row: TaskRow) -> CheckpointInfo | None:
        """The checkpoint that step ``row.step`` produced in ``row``'s graph."""
        best = None
        for info in self.checkpoints.values():
            if info.ns == row.ns and info.step == row.step:
                best = info
        return best

    def changed_nothing(self, row: TaskRow) -> bool:
        """The step ``row`` ran in left the state as it was (the timeline marks it)."""
        info = self.checkpoint_after(row)
        return info is not None and info.unchanged

    def steps_of(self, info: CheckpointInfo) -> list[CheckpointInfo]:
        """The checkpoints of ``info``'s graph, in the order they were made."""
        return [other for other in self.checkpoints.values() if other.ns == info.ns]

    def latest_checkpoint(self) -> CheckpointInfo | None:
        return self.checkpoints[self.root_checkpoints[-1]] if self.root_checkpoints else None

    def parent_values(self, info: CheckpointInfo) -> Any:
        parent = self.checkpoints.get(info.parent_id or "")
        return parent.values if parent is not None else None

    def running_nodes(self) -> set[str]:
        return self.task_index.running_nodes()

    def stopped_next(self) -> list[str]:
        """The nodes the run goes on with, while it is stopped before them."""
        return self.next if self.status.stopped else []

    def run_span(self, now: float) -> tuple[float, float]:
        return self.task_index.span(now)


def _union_length(spans: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total
