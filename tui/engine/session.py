"""One debugging session: a graph, a thread id, a checkpointer, and the run on it.

The graph runs on the session's own thread and event loop (``LoopThread``). Every
public method is safe to call from any thread and returns at once; the ones that
do work on the engine loop return a ``concurrent.futures.Future`` so a caller (or
a test) can wait. Events go to ``events`` (a thread-safe queue) and to listeners.

Run control, as measured on LangGraph 1.2:

* pause: ``RunControl.request_drain`` stops before the next superstep starts; the
  stream raises ``GraphDrained`` and ``astream(None, config)`` resumes.
* step: the drain is requested once every root task of the current step has
  reported its result, which is before the loop ticks again (``ActiveRun``).
* cancel: the asyncio task that iterates the stream is cancelled; the last
  finished step stays checkpointed. If the debuggee blocks its loop, the cancel
  cannot land until it unblocks, so after a grace period the session gives up on
  that loop (fencing off its writes), reports the run cancelled, and carries on
  with a fresh one.

Every run ends in ``_end``, with a ``run_finished`` event, whatever happened: a
failure, a cancel, a ``KeyboardInterrupt`` or ``SystemExit`` raised by a node, or
an error in the ending itself.

The parts live beside this module: ``session_front`` (what the app calls: events
out, and each action submitted to the loop, one that may start a run at a time; the
server's session shares it), ``event_bus`` (numbering, redaction and delivery), ``checkpointer`` (the saver's lifecycle, save notices and fence),
``watchdog`` (the blocked-loop notice), ``active_run`` (one run in flight); what
the engine needs from model providers comes in through ``ports``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.errors import GraphDrained, GraphRecursionError
from langgraph.pregel import Pregel
from langgraph.runtime import RunControl
from langgraph.types import Command, StateSnapshot

from tui.engine import graph_info
from tui.engine.active_run import ActiveRun
from tui.engine.answers import answer_problem
from tui.engine.checkpointer import Checkpointer, ObservedSaver
from tui.engine.checkpointer_spec import CheckpointerError
from tui.engine.clock import Clock
from tui.engine.event_bus import EventBus
from tui.engine.events import (
    Cancelled,
    Checkpoint,
    Event,
    Interrupted,
    Notice,
    Paused,
    Resumed,
    RunFailed,
    RunFinished,
    RunStarted,
    Status,
    StoreChanged,
)
from tui.engine.given_answers import FailedAnswer, failed_answers
from tui.engine.history import HistoryEntry, build_history, list_checkpoints
from tui.engine.jsonify import Jsonifier, format_exception, safe_str
from tui.engine.llm_stats import LlmStatsHandler
from tui.engine.loop_thread import LoopThread
from tui.engine.loop_watch import LoopWatch, default_recursion_limit
from tui.engine.no_input import NO_INPUT
from tui.engine.normalize import NOT_PLAIN, STREAM_MODES, Normalizer
from tui.engine.ports import ErrorExplainer, GraphOpener, ModelSwitcher, ModelSwitchError
from tui.engine.redaction import Redactor, secret_values_in
from tui.engine.run_callbacks import RunCallbacks
from tui.engine.run_inputs import RunInputs, build_config
from tui.engine.session_front import SessionError, SessionFront, ThreadPosition
from tui.engine.state_edit import (
    EditRefused,
    changed_values,
    check_update,
    dry_run,
    verify_edit,
    write_edit,
)
from tui.engine.status import (
    NoticeLevel,
    PauseReason,
    ResumeHow,
    RunOutcome,
    RunStatus,
    TaskStatus,
)
from tui.engine.store import ObservedStore, StoreOpener, StoreWrite, store_items
from tui.engine.task_watcher import TaskWatcher
from tui.engine.threads import thread_ids
from tui.engine.watchdog import LoopWatchdog

_NO_NODE = "\x00langgraph-tui: no node"
REPEATED_TOOL_NAMES = (
    "the model server repeats the tool name in every streamed chunk (llama.cpp's server "
    "does), which garbles the tool calls: run with --no-stream-tools"
)


@dataclass
class SessionOptions:
    thread_id: str | None = None
    checkpointer: str = "memory"  # memory | sqlite:PATH
    interrupt_before: list[str] = field(default_factory=list)
    interrupt_after: list[str] = field(default_factory=list)
    recursion_limit: int | None = None
    model_label: str | None = None
    clock: Clock = field(default_factory=Clock)
    cancel_grace_s: float = 1.0
    block_warning_s: float = 1.0
    explain_error: ErrorExplainer | None = None
    """Turns a model-server failure into a one-line hint (the providers' job)."""
    model_switcher: ModelSwitcher | None = None
    """Set when the graph follows ``--model``: "Switch model" then applies."""
    run_inputs: RunInputs = field(default_factory=RunInputs)
    """The user's ``--config`` and ``--context``."""
    store_index: dict[str, Any] | None = None
    """The store's vector index (``langgraph.json``'s ``store.index``), built."""
    notices: list[str] = field(default_factory=list)
    """Things to tell the user once, when the first run starts (a missing ``.env``)."""


@dataclass
class _Ending:
    """How the stream of a run stopped, before the session looked at the thread."""

    outcome: RunOutcome
    error: BaseException | None = None
    failed_answers: dict[str, FailedAnswer] = field(default_factory=dict)


class Session(SessionFront):
    def __init__(
        self,
        graph: Pregel | GraphOpener,
        *,
        name: str = "graph",
        default_input: Any = NO_INPUT,
        options: SessionOptions | None = None,
        jsonify: Jsonifier | None = None,
    ) -> None:
        self.options = options or SessionOptions()
        self.name = name
        self.clock = self.options.clock
        self.jsonify = jsonify or Jsonifier(Redactor.from_env())
        self.redactor = self.jsonify.redactor
        self.thread_id = self.options.thread_id or uuid.uuid4().hex[:8]
        # The very lists handed to astream: LangGraph 1.2 keeps them and reads them at
        # every tick, so a breakpoint toggled mid-run applies to that run. A sentinel
        # no node can be named keeps them non-empty, or LangGraph would substitute
        # the graph's own default for an empty list (tests/test_engine_control.py
        # checks this still holds).
        self._before: list[str] = [_NO_NODE, *dict.fromkeys(self.options.interrupt_before)]
        self._after: list[str] = [_NO_NODE, *dict.fromkeys(self.options.interrupt_after)]
        self.last_input: Any = NO_INPUT
        self.status = RunStatus.IDLE
        self.step: int | None = None
        self.next: list[str] = []
        self.values: Any = None
        self._closed = False
        self._told_repeated_names = False
        self._watchdog = LoopWatchdog(
            threshold_s=self.options.block_warning_s,
            watching=lambda: self.running,
            warn=self._warn_blocked,
        )
        self._engine = self._watchdog.start_loop()
        # A graph an async factory opens lives on the engine loop that opened it.
        self._opener: GraphOpener | None = None if isinstance(graph, Pregel) else graph
        self._close_graph: Callable[[], Awaitable[None]] | None = None
        if self._opener is not None:
            try:
                graph, self._close_graph = self._engine.submit(_opened(self._opener)).result()
            except BaseException:
                self._watchdog.close()
                self._engine.stop(timeout=1.0)
                raise
        assert isinstance(graph, Pregel)
        self._user_graph = graph
        if default_input is NO_INPUT and graph_info.takes_empty_input(graph):
            # Every input field has a default: {} is an input (as it is for the server).
            default_input = {}
        self.default_input = default_input
        self._graph: Pregel | None = None
        self._graph_engine: LoopThread | None = None
        self._saver: ObservedSaver | None = None
        self._checkpointer = Checkpointer(self.options.checkpointer, graph.checkpointer)
        self._store_opener = StoreOpener(
            self.options.checkpointer, graph.store, self.options.store_index
        )
        self._store: ObservedStore | None = None
        self._pending_notices = list(self.options.notices)
        self.redactor.learn(secret_values_in(self.options.run_inputs.config))
        self.redactor.learn(secret_values_in(self.options.run_inputs.context))
        self._t0 = self.clock.now()
        self._bus = EventBus(self.clock.now, self._track, self.redactor, origin=self._t0)
        self._run: ActiveRun | None = None
        self._normalizer = Normalizer(self.jsonify)
        # Checkpoint events wait here until their checkpoint is saved.
        self._held_checkpoints: dict[str, tuple[Checkpoint, int]] = {}
        self._saved_checkpoints: set[str] = set()
        self._loop_watch = LoopWatch()
        # What the history cannot read from checkpoint metadata: each checkpoint's
        # next nodes (from the stream, or read when looked at) and edits' as_node.
        self._known_next: dict[str, list[str]] = {}
        self._as_nodes: dict[str, str] = {}
        self._acting = False

    # -- run control (the rest is SessionFront's) ----------------------------------------

    def step_once(self) -> concurrent.futures.Future:
        """Run exactly one superstep, then pause. While running: pause after this step."""
        with self._bus.lock:
            run = self._run
            if run is not None and self.running:
                run.request_step_stop()
                self._set_status(RunStatus.PAUSING, "after this step")
                return _done_future()
        return self._submit_exclusive(self._step_from_rest())

    def pause(self) -> None:
        """Stop at the next step boundary; the nodes already running finish first."""
        with self._bus.lock:
            run = self._run
            if run is None or not self.running:
                raise SessionError("nothing is running: there is nothing to pause")
            run.control.request_drain(PauseReason.PAUSE)
            self._set_status(RunStatus.PAUSING, "at the next step boundary")

    def cancel(self) -> None:
        """Stop now: the model stream is cut; the last finished step stays checkpointed."""
        with self._bus.lock:
            run = self._run
            if run is None or run.done.is_set() or run.task is None:
                raise SessionError("nothing is running: there is nothing to cancel")
            self._engine.call(run.task.cancel)
        threading.Thread(target=self._abandon_if_blocked, args=(run,), daemon=True).start()

    @property
    def interrupt_before(self) -> list[str]:
        return self._before[1:]

    @property
    def interrupt_after(self) -> list[str]:
        return self._after[1:]

    def toggle_breakpoint(self, node: str) -> bool:
        """Toggle a breakpoint before ``node``; returns whether it is now set."""
        with self._bus.lock:
            if node in self.interrupt_before:
                self._before.remove(node)
                return False
            self._before.append(node)
            return True

    # -- the graph and its model --------------------------------------------------------

    def graph_structure(self, xray: bool = False) -> dict[str, Any]:
        """Nodes and edges as plain data, for drawing the graph."""
        return graph_info.graph_structure(self._user_graph, xray)

    def input_keys(self) -> list[str]:
        return graph_info.input_keys(self._user_graph)

    def node_names(self) -> list[str]:
        return graph_info.node_names(self._user_graph)

    def needs_input(self) -> bool:
        """True when a run could not start without the user giving an input."""
        return self.default_input is NO_INPUT and self.last_input is NO_INPUT

    @property
    def model_switcher(self) -> ModelSwitcher | None:
        return self.options.model_switcher

    @property
    def model_label(self) -> str | None:
        """The model the next run will use, when the debugger chooses it; ``None`` for
        a graph that brings its own (its calls say which)."""
        switcher = self.options.model_switcher
        return switcher.label if switcher is not None else self.options.model_label

    def switch_model(self, text: str) -> str:
        """Use another chat model from the next run on; returns its label."""
        switcher = self.options.model_switcher
        if switcher is None:
            raise SessionError("this graph brings its own model: there is nothing to switch")
        try:
            return switcher.switch(text)
        except ModelSwitchError as exc:
            raise SessionError(str(exc)) from exc

    def close(self) -> None:
        if self._closed:
            return
        with contextlib.suppress(SessionError):
            self.cancel()
        with contextlib.suppress(Exception):
            self._submit(self._close_stores()).result(timeout=2)
        self._closed = True
        self._watchdog.close()
        self._engine.stop(timeout=1.0)

    # -- engine-loop side ---------------------------------------------------------------

    async def _ensure_graph(self) -> Pregel:
        if self._graph is not None and self._graph_engine is self._engine:
            return self._graph
        try:
            self._saver = await self._checkpointer.open(self._checkpoint_saved)
            self._store = await self._store_opener.open(self._store_written)
            self._pending_notices.extend(self._store_opener.notices)
            self._store_opener.notices.clear()
        except CheckpointerError as exc:
            raise SessionError(str(exc)) from exc
        except Exception as exc:
            raise SessionError(f"cannot open the store: {_error_text(exc)}") from exc
        self._graph = self._user_graph.copy(
            update={"checkpointer": self._saver, "store": self._store}
        )
        self._graph_engine = self._engine
        return self._graph

    async def _close_stores(self) -> None:
        await self._store_opener.close()
        await self._checkpointer.close()
        close_graph, self._close_graph = self._close_graph, None
        if close_graph is not None:
            with contextlib.suppress(Exception):
                await close_graph()

    def _config(self) -> RunnableConfig:
        """The thread's config, for reading its state."""
        return {"configurable": {"thread_id": self.thread_id}}

    def _run_config(self, run: ActiveRun) -> tuple[RunnableConfig, dict[str, Any]]:
        """A run's config (with the ids and values LangGraph Server gives a graph) and
        its runtime context."""
        config, context = build_config(
            self.options.run_inputs,
            graph=self._user_graph,
            graph_name=self.name,
            thread_id=self.thread_id,
            run_id=run.run_id,
            recursion_limit=self.options.recursion_limit,
        )
        config["callbacks"] = [RunCallbacks(run.llm_stats, run.watcher)]
        return config, context

    def _require_idle(self) -> None:
        if self._run is not None and not self._run.done.is_set():
            raise SessionError("a run is already going: pause (p) or cancel (x) it first")

    async def _state(self) -> tuple[StateSnapshot, Pregel]:
        graph = await self._ensure_graph()
        try:
            return await graph.aget_state(self._config()), graph
        except SessionError:
            raise
        except Exception as exc:
            raise SessionError(f"cannot read thread {self.thread_id}: {safe_str(exc)}") from exc

    async def _open_thread(self) -> None:
        state, _ = await self._state()
        owner = (state.metadata or {}).get("graph_id")
        if isinstance(owner, str) and owner != self.name:
            # Running this graph on it would write one graph's steps into another's
            # (read with this graph's channels, it would even look new).
            raise SessionError(
                f"thread {self.thread_id} belongs to graph {owner}, not {self.name}: "
                "open it with that graph, or use another --thread"
            )
        ahead = _ahead(state)
        if not state.values and not ahead:
            return  # a new thread
        # The thread's own secrets (an api_key in its state): known before anything shows.
        self.redactor.learn(secret_values_in(state.values))
        values = self.jsonify(state.values)
        step = _step_of(state)
        checkpoint_id = (state.config.get("configurable") or {}).get("checkpoint_id")
        parent = ((state.parent_config or {}).get("configurable") or {}).get("checkpoint_id")
        self._emit_current(
            Checkpoint(
                step=step if step is not None else -1,
                checkpoint_id=checkpoint_id,
                parent_id=parent,
                next=ahead,
                values=values,
            )
        )
        where = f"thread {self.thread_id} reopened at step {step}"
        failed = await failed_answers(await self._ensure_graph(), state)
        if failed:
            self._set_status(RunStatus.FAILED, f"{where}: {_failed_answer_hint(failed)}")
        elif state.interrupts:
            self._emit_interrupted(state)
            self._set_status(RunStatus.INTERRUPTED, f"{where}: waiting for an answer (i)")
        elif ahead:
            self._set_status(RunStatus.PAUSED, f"{where}; next: {', '.join(ahead)} (c)")
        else:
            self._set_status(RunStatus.DONE, f"{where}: it finished")

    async def _position(self) -> ThreadPosition:
        state, graph = await self._state()
        waiting = await _waiting_for_answers(graph, state)
        return ThreadPosition(waiting, _ahead(state), bool(state.values))

    async def _start(self, input: Any, step: bool) -> None:
        self._require_idle()
        if input is NO_INPUT:
            input = self.last_input if self.last_input is not NO_INPUT else self.default_input
        if input is NO_INPUT:
            raise SessionError("no input: pass --input JSON or --message TEXT")
        graph = await self._ensure_graph()
        state = await graph.aget_state(self._config())
        if _ahead(state):
            # Input on top of a stopped step would add a turn over unanswered work
            # (tool calls with no results): continue it instead.
            raise SessionError(
                f"thread {self.thread_id} stopped before {', '.join(_ahead(state))}: "
                "continue it (c), or run again on a new thread (r)"
            )
        problem = graph_info.input_problem(self._user_graph, input)
        if problem:
            raise SessionError(problem)
        self.redactor.learn(secret_values_in(input))
        self.last_input = input
        self._emit_current(
            RunStarted(
                graph=self.name,
                thread_id=self.thread_id,
                input=self.jsonify(input),
                stream_modes=list(STREAM_MODES),
                # The model is known ahead only when the graph follows --model; for a
                # graph with its own, the calls say which (llm_started.model).
                model=self.model_label if self.options.model_switcher else None,
                recursion_limit=self._recursion_limit(),
            )
        )
        for text in self._pending_notices:
            self._emit_current(Notice(level=NoticeLevel.INFO, text=text))
        self._pending_notices.clear()
        self._launch(graph, input, step)

    def _recursion_limit(self) -> int:
        """The limit the run gets: --recursion-limit, the --config's, the graph's own
        (``with_config``), else LangGraph's default."""
        own = (self._user_graph.config or {}).get("recursion_limit")
        limit = (
            self.options.recursion_limit
            or self.options.run_inputs.config.get("recursion_limit")
            or own
        )
        return int(limit) if isinstance(limit, int) and limit > 0 else default_recursion_limit()

    async def _rerun(self, input: Any, step: bool) -> None:
        self._require_idle()
        self.thread_id = uuid.uuid4().hex[:8]
        self.step, self.next, self.values = None, [], None
        await self._start(input, step)

    async def _resume(self, step: bool) -> None:
        self._require_idle()
        state, graph = await self._state()
        if await _waiting_for_answers(graph, state):
            raise SessionError("the run is waiting at an interrupt: answer it (i)")
        if not _ahead(state):
            what = "start a run first" if not state.values else "r runs the graph again"
            raise SessionError(f"nothing to resume: {what}")
        self._emit_current(
            Resumed(
                step=_step_of(state),
                next=_ahead(state),
                how=ResumeHow.STEP if step else ResumeHow.CONTINUE,
            )
        )
        self._launch(graph, None, step)

    async def _step_from_rest(self) -> None:
        self._require_idle()
        state, graph = await self._state()
        if await _waiting_for_answers(graph, state):
            raise SessionError("the run is waiting at an interrupt: answer it (i)")
        if _ahead(state):
            await self._resume(step=True)
        else:
            await self._start(NO_INPUT, step=True)

    async def _answer(self, value: Any, interrupt_id: str | None) -> None:
        self._require_idle()
        state, graph = await self._state()
        pending = {i.id: i for i in state.interrupts}
        failed = await failed_answers(graph, state)
        if not pending:
            raise SessionError("no interrupt is waiting for an answer")
        if failed and (interrupt_id is None or interrupt_id in failed):
            raise SessionError(_failed_answer_hint(failed))
        if interrupt_id is not None:
            if interrupt_id not in pending:
                raise SessionError(f"no pending interrupt has id {interrupt_id!r}")
            answers = {interrupt_id: value}
        elif isinstance(value, dict) and value and set(value) <= set(pending) and len(pending) > 1:
            answers = dict(value)  # one answer per interrupt, by id
        else:
            answers = dict.fromkeys(pending, value)  # one answer for all of them
        for key, answer in answers.items():
            problem = answer_problem(pending[key].response_schema, answer)
            if problem:
                raise SessionError(f"the answer to {key} does not fit: {problem}")
        resume: Any = answers if len(pending) > 1 or interrupt_id is not None else value
        self.redactor.learn(secret_values_in(value))
        self._emit_current(
            Resumed(
                step=_step_of(state),
                next=list(state.next),
                how=ResumeHow.ANSWER,
                value=self.jsonify(answers if len(answers) > 1 else value),
            )
        )
        self._launch(graph, Command(resume=resume), False)

    def _launch(
        self, graph: Pregel, payload: Any, step: bool, from_checkpoint: str | None = None
    ) -> None:
        with self._bus.lock:
            generation = self._bus.generation
            # Bound to the run's generation, so a late callback from an abandoned
            # (blocked) loop is dropped like the rest of that run's events.
            stats = LlmStatsHandler(lambda e: self._emit(e, generation), self.now, self.jsonify)
            watcher = TaskWatcher(lambda task_id, command: self._handed_off(task_id, command))
            run = ActiveRun(
                control=RunControl(),
                generation=generation,
                step_mode=step,
                llm_stats=stats,
                watcher=watcher,
                from_checkpoint=from_checkpoint,
            )
            self._run = run
            self._set_status(RunStatus.RUNNING)
        run.task = asyncio.get_running_loop().create_task(self._drive(graph, payload, run))

    async def _drive(self, graph: Pregel, payload: Any, run: ActiveRun) -> None:
        loop = asyncio.get_running_loop()
        config, context = self._run_config(run)
        if run.from_checkpoint is not None:
            config["configurable"]["checkpoint_id"] = run.from_checkpoint
        try:
            try:
                stream = graph.astream(
                    payload,
                    config,
                    context=cast(Any, context),  # the graph's own context type
                    stream_mode=list(STREAM_MODES),
                    subgraphs=True,
                    version="v2",
                    control=run.control,
                    interrupt_before=self._before,
                    interrupt_after=self._after,
                )
                async for part in stream:
                    try:
                        token = self._normalizer.plain_token(part)
                    except Exception:
                        token = NOT_PLAIN  # the general path says what is wrong with it
                    if token is not NOT_PLAIN:
                        # Nearly every part: a text chunk, handed straight to the bus
                        # (``_emit``'s loop watch has nothing to say about a token).
                        if token is not None:
                            self._bus.emit_token(token, run.generation)
                        continue
                    run.track(part)
                    for event in self._events_for(part):
                        self._emit_stream_event(event, run)
                ending = _Ending(RunOutcome.DONE)
            except GraphDrained:
                ending = _Ending(RunOutcome.PAUSED)
            except asyncio.CancelledError:
                ending = _Ending(RunOutcome.CANCELLED)
            except GeneratorExit:
                raise
            except BaseException as exc:
                # KeyboardInterrupt and SystemExit from a node end this run, not the
                # debugger (LoopThread keeps the loop going).
                ending = _Ending(RunOutcome.FAILED, exc)
            await self._end(graph, run, ending)
        except GeneratorExit:
            # Closed, not run: its loop is gone and the garbage collector finalizes it,
            # in whatever thread it runs. Nothing to report there, and no loop of that
            # thread's to touch.
            raise
        except BaseException as exc:
            # The ending itself failed (a cancel landing in it, a checkpointer that
            # broke): the run still ends, with what is known.
            self._end_without_state(run, RunOutcome.FAILED, exc)
        finally:
            run.done.set()
            if run.generation != self._bus.generation:
                # This loop was abandoned while blocked; now that it is free, end it
                # (unless it is already gone). This run's own loop: never the running
                # loop of whichever thread closes this coroutine.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(loop.stop)

    def _events_for(self, part: Any) -> list[Event]:
        try:
            # A streamed chunk (nearly every part) needs no time: the bus stamps it.
            now = 0.0 if part.get("type") == "messages" else self.now()
            events = self._normalizer.events_for(part, now)
        except Exception as exc:
            # A part the debugger cannot show must not fail the graph's run.
            kind = part.get("type") if isinstance(part, dict) else type(part).__name__
            return [
                Notice(
                    level=NoticeLevel.WARNING,
                    text=f"a {kind} stream part could not be shown: {_error_text(exc)}",
                )
            ]
        if self._normalizer.repeated_tool_names and not self._told_repeated_names:
            self._told_repeated_names = True
            events.append(Notice(level=NoticeLevel.WARNING, text=REPEATED_TOOL_NAMES))
        return events

    def _handed_off(self, task_id: str, command: Any) -> None:
        run = self._run
        if run is not None:
            for event in self._normalizer.handoff(task_id, command, self.now()):
                self._emit(event, run.generation)

    def _store_written(self, write: StoreWrite) -> None:
        run = self._run
        self._emit(
            StoreChanged(
                namespace=list(write.namespace),
                key=write.key,
                value=self.jsonify(write.value),
                node=write.node,
                task_id=write.task_id,
            ),
            run.generation if run is not None else None,
        )

    async def _store_items(self) -> list[dict[str, Any]]:
        await self._ensure_graph()
        assert self._store is not None
        return self.jsonify(await store_items(self._store.inner))

    # -- time travel --------------------------------------------------------------------

    async def _history(self) -> list[HistoryEntry]:
        await self._ensure_graph()
        assert self._saver is not None
        refs = await list_checkpoints(self._saver.inner, self.thread_id)
        # A thread this session did not run (reopened) has no streamed next nodes:
        # read the newest few, so the recent history says what ran.
        unknown = [r for r in refs if not r.ns and r.checkpoint_id not in self._known_next]
        for ref in unknown[-_HISTORY_READ_AHEAD:]:
            with contextlib.suppress(Exception):
                await self._read_checkpoint(ref.checkpoint_id, ())
        return build_history(refs, self._known_next, self._as_nodes)

    def _checkpoint_config(self, checkpoint_id: str, ns: tuple[str, ...] = ()) -> RunnableConfig:
        return {
            "configurable": {
                "thread_id": self.thread_id,
                "checkpoint_ns": "|".join(ns),
                "checkpoint_id": checkpoint_id,
            }
        }

    async def _read_checkpoint(
        self, checkpoint_id: str, ns: tuple[str, ...]
    ) -> tuple[Any, list[str], int | None, str | None]:
        """A checkpoint's state: (values, next, step, parent id); values as the graph has them."""
        graph = await self._ensure_graph()
        assert self._saver is not None
        config = self._checkpoint_config(checkpoint_id, ns)
        if ns:
            # A subgraph's checkpoint, read as stored: its channels are its state.
            found = await self._saver.inner.aget_tuple(config)
            if found is None:
                raise SessionError(self._no_checkpoint(checkpoint_id))
            values = {
                k: v
                for k, v in found.checkpoint["channel_values"].items()
                if not k.startswith("__") and ":" not in k
            }
            self.redactor.learn(secret_values_in(values))
            step = (found.metadata or {}).get("step")
            parent = ((found.parent_config or {}).get("configurable") or {}).get("checkpoint_id")
            next_nodes = self._known_next.get(checkpoint_id, [])
            return values, next_nodes, step if isinstance(step, int) else None, parent
        state = await graph.aget_state(config)
        if state.metadata is None or _checkpoint_id(state) != checkpoint_id:
            # LangGraph answers an unknown id with an empty snapshot, not an error.
            raise SessionError(self._no_checkpoint(checkpoint_id))
        self.redactor.learn(secret_values_in(state.values))
        next_nodes = _ahead(state)
        self._known_next[checkpoint_id] = next_nodes
        parent = ((state.parent_config or {}).get("configurable") or {}).get("checkpoint_id")
        return state.values, next_nodes, _step_of(state), parent

    def _no_checkpoint(self, checkpoint_id: str) -> str:
        where = self.options.checkpointer
        listing = (
            f"langgraph-tui threads --checkpointer {where} --thread {self.thread_id}"
            if where != "memory"
            else "the checkpoint events, or h in the TUI"
        )
        return (
            f"thread {self.thread_id} has no checkpoint {checkpoint_id!r}: its ids are in {listing}"
        )

    async def _checkpoint_state(self, checkpoint_id: str, ns: tuple[str, ...]) -> dict[str, Any]:
        values, next_nodes, step, parent = await self._read_checkpoint(checkpoint_id, ns)
        parent_values = None
        if parent:
            with contextlib.suppress(SessionError):
                parent_values = self.jsonify((await self._read_checkpoint(parent, ns))[0])
        return {
            "checkpoint_id": checkpoint_id,
            "ns": list(ns),
            "step": step,
            "next": next_nodes,
            "parent_id": parent,
            "values": self.jsonify(values),
            "parent_values": parent_values,
        }

    async def _replay_from(self, checkpoint_id: str, step: bool) -> None:
        self._require_idle()
        graph = await self._ensure_graph()
        _, next_nodes, at_step, _ = await self._read_checkpoint(checkpoint_id, ())
        if not next_nodes:
            raise SessionError(
                f"checkpoint {checkpoint_id} is where a run ended: there is nothing to run on "
                "from it (pick an earlier one)"
            )
        self._emit_current(
            Resumed(
                step=at_step,
                next=next_nodes,
                how=ResumeHow.REPLAY,
                from_checkpoint=checkpoint_id,
            )
        )
        self._launch(graph, None, step, from_checkpoint=checkpoint_id)

    async def _fork(
        self,
        checkpoint_id: str,
        edited: dict[str, Any],
        as_node: str | None,
        run: bool,
        step: bool,
    ) -> str:
        self._require_idle()
        graph = await self._ensure_graph()
        assert self._saver is not None
        if not isinstance(edited, dict):
            raise SessionError("an edit is a JSON object of state keys and their new values")
        values, _, at_step, _ = await self._read_checkpoint(checkpoint_id, ())
        if as_node is not None and as_node not in graph_info.node_names(self._user_graph):
            nodes = ", ".join(graph_info.node_names(self._user_graph))
            raise SessionError(f"no node {as_node!r} to make the edit as: the nodes are {nodes}")
        config = self._checkpoint_config(checkpoint_id)
        try:
            shown = self.jsonify(values) if isinstance(values, dict) else {}
            update = changed_values(values if isinstance(values, dict) else {}, shown, edited)
            if not update:
                raise EditRefused("the edit changes nothing")
            check_update(graph, update)
            await dry_run(graph, self._saver.inner, config, update, as_node, self.jsonify)
            written = await write_edit(graph, config, update, as_node)
        except EditRefused as exc:
            raise SessionError(f"edit refused, nothing written: {exc}") from exc
        new_id = written["configurable"]["checkpoint_id"]
        try:
            await verify_edit(graph, written, update, self.jsonify)
        except EditRefused as exc:
            # The scratch copy held it, the thread does not: say what is there.
            raise SessionError(
                f"the edit was written as checkpoint {new_id} but it does not hold: {exc}; "
                "it is not run on"
            ) from exc
        if as_node is not None:
            self._as_nodes[new_id] = as_node
        state = await graph.aget_state(written)
        new_step = _step_of(state)
        self._emit_current(
            Checkpoint(
                step=new_step if new_step is not None else -1,
                checkpoint_id=new_id,
                parent_id=checkpoint_id,
                next=_ahead(state),
                values=self.jsonify(state.values),
                source="update",
            )
        )
        forked = Resumed(
            step=at_step,
            next=_ahead(state),
            how=ResumeHow.FORK,
            value=self.jsonify(update),
            from_checkpoint=checkpoint_id,
        )
        if not run or not _ahead(state):
            # Nothing runs: the fork is the whole of this action, and it ends here.
            self._emit_current(forked)
            where = f"forked at step {at_step}"
            if _ahead(state):
                self._set_status(RunStatus.PAUSED, f"{where}; next: {', '.join(_ahead(state))} (c)")
                outcome = RunOutcome.PAUSED
            else:
                self._set_status(RunStatus.DONE, f"{where}: nothing runs after it")
                outcome = RunOutcome.DONE
            self._emit_current(RunFinished(status=outcome, values=self.jsonify(state.values)))
            return new_id
        self._emit_current(forked)
        self._launch(graph, None, step, from_checkpoint=new_id)
        return new_id

    async def _thread_ids(self) -> list[str]:
        await self._ensure_graph()
        assert self._saver is not None
        return await thread_ids(self._saver.inner, graph=self.name)

    async def _switch_thread(self, thread_id: str) -> None:
        self._require_idle()
        if thread_id not in await self._thread_ids():
            raise SessionError(
                f"thread {thread_id} is not a thread of {self.name} in this checkpointer"
            )
        self.thread_id = thread_id
        self.step, self.next, self.values = None, [], None
        self.last_input = NO_INPUT
        self._set_status(RunStatus.IDLE, f"thread {thread_id}")
        await self._open_thread()

    def _emit_stream_event(self, event: Event, run: ActiveRun) -> None:
        # A checkpoint event waits until its checkpoint is saved (the save runs in
        # the background while the next step starts). Only it waits: a node that
        # blocks the loop, and so the save, must still be seen running.
        if isinstance(event, Checkpoint) and event.checkpoint_id:
            if event.checkpoint_id not in self._saved_checkpoints:
                self._held_checkpoints[event.checkpoint_id] = (event, run.generation)
                return
            self._saved_checkpoints.discard(event.checkpoint_id)
        self._emit(event, run.generation)

    def _checkpoint_saved(self, config: RunnableConfig) -> None:
        checkpoint_id = (config.get("configurable") or {}).get("checkpoint_id")
        if not checkpoint_id:
            return
        held = self._held_checkpoints.pop(checkpoint_id, None)
        if held is None:
            self._saved_checkpoints.add(checkpoint_id)
        else:
            self._emit(*held)

    # -- the one place a run ends ---------------------------------------------------------

    async def _end(self, graph: Pregel, run: ActiveRun, ending: _Ending) -> None:
        # Read the thread as this run left it. The latest checkpoint, with its pending
        # writes (an interrupt answered, another still waiting), is that, unless another
        # process moved the thread on since: then this run's own last checkpoint.
        try:
            state: StateSnapshot | None = await graph.aget_state(self._config())
            latest = _checkpoint_id(state)
            if run.last_checkpoint_id and latest != run.last_checkpoint_id:
                config = self._config()
                config["configurable"]["checkpoint_id"] = run.last_checkpoint_id
                state = await graph.aget_state(config)
        except Exception:
            state = None
        if ending.outcome == RunOutcome.FAILED and state is not None:
            ending.failed_answers = await failed_answers(graph, state)
        self._finish(run, ending, state)

    def _finish(
        self,
        run: ActiveRun,
        ending: _Ending,
        state: StateSnapshot | None,
        cancel_detail: str = "",
    ) -> None:
        """Emit how the run ended, ending with ``run_finished``. Without a ``state``
        (it could not be read) the last step the session saw stands in for it."""
        gen = run.generation
        outcome, exc = ending.outcome, ending.error
        # A checkpoint still waiting was never saved (the write failed): not announced.
        self._held_checkpoints.clear()
        self._saved_checkpoints.clear()
        if state is not None:
            values, step, next_nodes = self._values(state), _step_of(state), _ahead(state)
        else:
            values, step, next_nodes = self.values, self.step, list(self.next)
        if outcome == RunOutcome.CANCELLED or outcome == RunOutcome.FAILED:
            status = TaskStatus.CANCELLED if outcome == RunOutcome.CANCELLED else TaskStatus.ERROR
            run.llm_stats.close_open(status, _error_text(exc) if exc is not None else None)
        # Every task still open ends with the run: cut by a cancel or a sibling's
        # failure; waiting at an interrupt; replayed from saved writes (no result
        # is streamed for those) when the run got through.
        closing = _CLOSING.get(outcome, TaskStatus.OK)
        if outcome == RunOutcome.DONE and state is not None and state.interrupts:
            closing = TaskStatus.INTERRUPTED
        for event in self._normalizer.close_running(self.now(), closing):
            self._emit(event, gen)
        for event in self._normalizer.flush_streams():
            self._emit(event, gen)
        if outcome == RunOutcome.FAILED and exc is not None:
            hint = self._hint(exc)
            if hint is None and ending.failed_answers:
                hint = _failed_answer_hint(ending.failed_answers)
            message = self.redact(safe_str(exc))
            self._emit(
                RunFailed(
                    error=message,
                    type=type(exc).__name__,
                    traceback=self.redact(format_exception(exc)),
                    hint=hint,
                ),
                gen,
            )
            self._set_status(RunStatus.FAILED, hint or f"{type(exc).__name__}: {message}", gen)
        elif outcome == RunOutcome.CANCELLED:
            self._emit(Cancelled(step=step, next=next_nodes), gen)
            self._set_status(RunStatus.CANCELLED, cancel_detail, gen)
        elif outcome == RunOutcome.PAUSED:
            reason = PauseReason(run.control.drain_reason or PauseReason.PAUSE)
            self._emit(Paused(step=step, next=next_nodes, reason=reason), gen)
            detail = "one step done" if reason == PauseReason.STEP else "at a step boundary"
            if next_nodes:
                detail += f"; next: {', '.join(next_nodes)}"
            self._set_status(RunStatus.PAUSED, detail, gen)
        elif state is not None and state.interrupts:
            outcome = RunOutcome.INTERRUPTED
            self._emit_interrupted(state, gen)
            self._set_status(RunStatus.INTERRUPTED, "waiting for an answer", gen)
        elif next_nodes:
            outcome = RunOutcome.PAUSED
            self._emit(Paused(step=step, next=next_nodes, reason=PauseReason.BREAKPOINT), gen)
            self._set_status(RunStatus.BREAKPOINT, ", ".join(next_nodes), gen)
        else:
            self._set_status(RunStatus.DONE, "", gen)
        self._emit(RunFinished(status=outcome, values=values), gen)

    def _end_without_state(self, run: ActiveRun, outcome: RunOutcome, exc: BaseException) -> None:
        with contextlib.suppress(BaseException):
            self._finish(run, _Ending(outcome, exc), None)
            return
        # Even the ordinary ending failed: say so in the fewest events that can.
        self._emit(RunFailed(error=_error_text(exc), type=type(exc).__name__, traceback=""), None)
        self._set_status(RunStatus.FAILED, _error_text(exc))
        self._emit(RunFinished(status=RunOutcome.FAILED, values=None), None)

    def _hint(self, exc: BaseException) -> str | None:
        if isinstance(exc, GraphRecursionError):
            return (
                "the graph looped past its recursion limit: raise --recursion-limit or fix the loop"
            )
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            return (
                f"a node raised {type(exc).__name__}: the run stopped, the debugger did not "
                "(raise an Exception to fail a node)"
            )
        if self._told_repeated_names:
            return REPEATED_TOOL_NAMES
        if isinstance(exc, EOFError) and "reading a line" in safe_str(exc):
            return (
                "a node read stdin (input()): the debugger gives a graph no stdin; "
                "pass what the node asks for in the input, or answer through interrupt()"
            )
        if type(exc).__name__ == "OperationalError" and "locked" in safe_str(exc):
            return (
                f"the checkpoint database is locked by another process ({self.options.checkpointer}): "
                "close it, or use another --checkpointer file"
            )
        explain = self.options.explain_error
        try:
            hint = explain(exc) if explain is not None else None
        except Exception:
            hint = None
        return self.redact(hint) if hint else None

    def _emit_interrupted(self, state: StateSnapshot, generation: int | None = None) -> None:
        asked_by = {i.id: task for task in state.tasks for i in task.interrupts}
        self._emit(
            Interrupted(
                interrupts=[
                    {
                        "id": i.id,
                        "value": self.jsonify(i.value),
                        "node": asked_by[i.id].name if i.id in asked_by else None,
                        "task_id": asked_by[i.id].id if i.id in asked_by else None,
                        "response_schema": self.jsonify(i.response_schema)
                        if isinstance(i.response_schema, dict)
                        else None,
                    }
                    for i in state.interrupts
                ]
            ),
            generation,
        )

    def _values(self, state: StateSnapshot | None) -> Any:
        return self.jsonify(state.values) if state is not None else None

    # -- a loop the debuggee blocks -----------------------------------------------------

    def _abandon_if_blocked(self, run: ActiveRun) -> None:
        if run.done.wait(self.options.cancel_grace_s):
            return
        with self._bus.lock:
            if run.done.is_set() or run.generation != self._bus.generation:
                return
            if self._saver is not None:
                # Whatever the blocked loop still writes once it wakes is refused: the
                # thread stays at its last checkpoint, and continue runs the node again.
                self._saver.fence()
            stuck = ", ".join(self._normalizer.running_nodes()) or "a node"
            detail = f"{stuck} blocked its event loop; its result is discarded"
            self._emit(Notice(level=NoticeLevel.WARNING, text=f"cancelled: {detail}"), None)
            self._finish(run, _Ending(RunOutcome.CANCELLED), None, cancel_detail=detail)
            # What the blocked loop still emits belongs to the old generation: dropped.
            self._bus.generation += 1
            self._normalizer = Normalizer(self.jsonify)
            self._engine = self._watchdog.start_loop()
            self._graph = None
            self._checkpointer.abandon()
            self._store_opener.abandon()
            run.done.set()

    def _warn_blocked(self, blocked_for: float) -> None:
        run = self._run
        nodes = [
            node
            for node in self._normalizer.running_nodes()
            if run is None or node not in run.blocked_nodes
        ]
        if run is not None and not nodes:
            return  # these nodes were reported in this run already
        if run is not None:
            run.blocked_nodes.update(nodes)
        self._emit_current(
            Notice(
                level=NoticeLevel.WARNING,
                text=(
                    f"{', '.join(nodes) or 'a node'} has blocked the graph's event loop for "
                    f"{blocked_for:.1f}s (a sync call such as time.sleep inside async def?); "
                    "the debugger stays responsive and x cancels"
                ),
            )
        )

    # -- emitting -----------------------------------------------------------------------

    def _emit_current(self, event: Event) -> None:
        self._emit(event, None)

    def _emit(self, event: Event, generation: int | None) -> None:
        with self._bus.lock:
            if generation is not None and generation != self._bus.generation:
                return  # an abandoned run's (the bus would drop it too)
            self._bus.emit(event, generation)
            # Signs of a loop, said right after the event that showed them.
            for notice in self._loop_watch.observe(event):
                self._bus.emit(notice, generation)

    def _set_status(
        self, status: RunStatus, detail: str = "", generation: int | None = None
    ) -> None:
        self._bus.emit(Status(status=status, detail=detail), generation)

    def _track(self, event: Event) -> None:
        # Runs under the bus lock, in emission order, before any listener sees it.
        if isinstance(event, Status):
            self.status = event.status
        elif isinstance(event, Checkpoint):
            if event.checkpoint_id:
                self._known_next[event.checkpoint_id] = list(event.next)
            if not event.ns:
                self.step = event.step
                self.next = list(event.next)
                self.values = event.values


_HISTORY_READ_AHEAD = 30

_CLOSING = {
    RunOutcome.CANCELLED: TaskStatus.CANCELLED,
    RunOutcome.FAILED: TaskStatus.CANCELLED,
    RunOutcome.INTERRUPTED: TaskStatus.INTERRUPTED,
}


async def _waiting_for_answers(graph: Pregel, state: StateSnapshot) -> bool:
    """Interrupts wait for an answer, other than those whose node already failed on
    theirs (continuing runs those nodes again on it)."""
    if not state.interrupts:
        return False
    failed = await failed_answers(graph, state)
    return any(i.id not in failed for i in state.interrupts)


def _failed_answer_hint(failed: dict[str, FailedAnswer]) -> str:
    first = next(iter(failed.values()))
    try:
        answer = json.dumps(first.answer, default=str, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):  # whatever a graph resumed with
        answer = safe_str(first.answer)
    answer = answer if len(answer) <= 60 else answer[:59] + "…"
    return (
        f"{first.node} failed on the answer {answer}; LangGraph keeps an answer once given "
        f"(a new one is ignored), so continuing runs {first.node} on it again: start a new "
        "thread to answer differently"
    )


def _ahead(state: StateSnapshot) -> list[str]:
    """What a resume would run: the next nodes, or, for a checkpoint whose tasks
    all finished but whose successor was never saved (the process died, or a
    blocked step was abandoned), those tasks, whose saved writes a resume applies."""
    if state.next:
        return list(state.next)
    return [task.name for task in state.tasks]


async def _opened(opener: GraphOpener) -> tuple[Pregel, Callable[[], Awaitable[None]]]:
    return await opener()


def _checkpoint_id(state: StateSnapshot | None) -> str | None:
    if state is None or not state.config:
        return None
    return (state.config.get("configurable") or {}).get("checkpoint_id")


def _step_of(state: StateSnapshot | None) -> int | None:
    if state is None:
        return None
    step = (state.metadata or {}).get("step")
    return step if isinstance(step, int) else None


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {safe_str(exc)}"


def _done_future() -> concurrent.futures.Future:
    future: concurrent.futures.Future = concurrent.futures.Future()
    future.set_result(None)
    return future
