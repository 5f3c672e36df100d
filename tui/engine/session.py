"""One debugging session: a graph, a thread id, a checkpointer, and the run on it.

The graph runs on the session's own thread and event loop (``LoopThread``). Every
public method is safe to call from any thread and returns at once; the ones that
do work on the engine loop return a ``concurrent.futures.Future`` so a caller (or
a test) can wait. Events go to ``events`` (a thread-safe queue) and to listeners.

Run control, as measured on LangGraph 1.2:

* pause: ``RunControl.request_drain`` stops before the next superstep starts; the
  stream raises ``GraphDrained`` and ``astream(None, config)`` resumes.
* step: the drain is requested once every root task of the current step has
  reported its result, which is before the loop ticks again.
* cancel: the asyncio task that iterates the stream is cancelled; the last
  finished step stays checkpointed. If the debuggee blocks its loop, the cancel
  cannot land until it unblocks, so after a grace period the session gives up on
  that loop, reports the run cancelled, and carries on with a fresh one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.errors import GraphDrained, GraphRecursionError
from langgraph.pregel import Pregel
from langgraph.runtime import RunControl
from langgraph.types import Command

from tui.engine.clock import Clock
from tui.engine.events import (
    Cancelled,
    Event,
    Interrupted,
    Notice,
    Paused,
    Resumed,
    RunFailed,
    RunFinished,
    RunStarted,
    Status,
)
from tui.engine.jsonify import Jsonifier, format_exception, secret_values_from_env
from tui.engine.llm_stats import LlmStatsHandler
from tui.engine.loop_thread import LoopThread
from tui.engine.normalize import STREAM_MODES, Normalizer
from tui.model_errors import explain_error

ACTIVE = frozenset({"running", "pausing"})
NO_INPUT: Any = object()
_NO_NODE = "\x00langgraph-tui: no node"


class SessionError(RuntimeError):
    """An operation that does not fit the session's state; ``str()`` says what to do."""


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
    model_switchable: bool = False


@dataclass
class _Run:
    task: asyncio.Task[None] | None
    control: RunControl
    generation: int
    step_mode: bool
    done: threading.Event = field(default_factory=threading.Event)
    root_tasks: set[str] = field(default_factory=set)
    saw_root_task: bool = False
    llm_stats: LlmStatsHandler | None = None


class Session:
    def __init__(
        self,
        graph: Pregel,
        *,
        name: str = "graph",
        default_input: Any = NO_INPUT,
        options: SessionOptions | None = None,
        jsonify: Jsonifier | None = None,
    ) -> None:
        self.options = options or SessionOptions()
        self.name = name
        self.clock = self.options.clock
        self.jsonify = jsonify or Jsonifier(secret_values_from_env())
        self.events: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.thread_id = self.options.thread_id or uuid.uuid4().hex[:8]
        # The very lists handed to astream: LangGraph 1.2 keeps them and reads them at
        # every tick, so a breakpoint toggled mid-run applies to that run. A sentinel
        # no node can be named keeps them non-empty, or LangGraph would substitute
        # the graph's own default for an empty list (tests/test_engine_control.py
        # checks this still holds).
        self._before: list[str] = [_NO_NODE, *dict.fromkeys(self.options.interrupt_before)]
        self._after: list[str] = [_NO_NODE, *dict.fromkeys(self.options.interrupt_after)]
        self.default_input = default_input
        self.last_input: Any = NO_INPUT
        self.status = "idle"
        self.step: int | None = None
        self.next: list[str] = []
        self.values: Any = None
        self._user_graph = graph
        self._graph: Pregel | None = None
        self._graph_engine: LoopThread | None = None
        self._saver: BaseCheckpointSaver | None = None
        self._saver_cm: Any = None
        self._lock = threading.RLock()
        self._listeners: list[Callable[[Event], None]] = []
        self._seq = 0
        self._t0 = self.clock.now()
        self._generation = 0
        self._run: _Run | None = None
        self._normalizer = Normalizer(self.jsonify)
        self._last_beat = time.monotonic()
        self._closed = threading.Event()
        self._engine = self._start_engine()
        self._monitor = threading.Thread(target=self._watch_blocking, daemon=True)
        self._monitor.start()

    # -- public operations ------------------------------------------------------------

    def now(self) -> float:
        """Seconds since the session started, on the session's (freezable) clock."""
        return self.clock.now() - self._t0

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    @property
    def listeners(self) -> list[Callable[[Event], None]]:
        with self._lock:
            return list(self._listeners)

    def drain(self, limit: int | None = None) -> list[Event]:
        """Every event emitted since the last drain (at most ``limit``), oldest first."""
        out: list[Event] = []
        while limit is None or len(out) < limit:
            try:
                out.append(self.events.get_nowait())
            except queue.Empty:
                break
        return out

    @property
    def running(self) -> bool:
        return self.status in ACTIVE

    def start(self, input: Any = NO_INPUT, *, step: bool = False) -> concurrent.futures.Future:
        """Start a run on the current thread with ``input`` (default: the graph's)."""
        return self._submit(self._start(input, step))

    def rerun(self, input: Any = NO_INPUT, *, step: bool = False) -> concurrent.futures.Future:
        """Start again on a new thread id, with the same input unless one is given."""
        return self._submit(self._rerun(input, step))

    def resume(self) -> concurrent.futures.Future:
        return self._submit(self._resume(step=False))

    def step_once(self) -> concurrent.futures.Future:
        """Run exactly one superstep, then pause. While running: pause after this step."""
        with self._lock:
            run = self._run
            if run is not None and self.running:
                run.step_mode = True
                if run.saw_root_task and not run.root_tasks:
                    run.control.request_drain("step")
                self._set_status("pausing", "after this step")
                return _done_future()
        return self._submit(self._step_from_rest())

    def pause(self) -> None:
        """Stop at the next step boundary; the nodes already running finish first."""
        with self._lock:
            run = self._run
            if run is None or not self.running:
                raise SessionError("nothing is running: there is nothing to pause")
            run.control.request_drain("pause")
            self._set_status("pausing", "at the next step boundary")

    def cancel(self) -> None:
        """Stop now: the model stream is cut; the last finished step stays checkpointed."""
        with self._lock:
            run = self._run
            if run is None or run.done.is_set() or run.task is None:
                raise SessionError("nothing is running: there is nothing to cancel")
            self._engine.call(run.task.cancel)
        threading.Thread(target=self._abandon_if_blocked, args=(run,), daemon=True).start()

    def answer(self, value: Any, interrupt_id: str | None = None) -> concurrent.futures.Future:
        """Answer the pending interrupt(s) and resume with ``Command(resume=...)``."""
        return self._submit(self._answer(value, interrupt_id))

    @property
    def interrupt_before(self) -> list[str]:
        return self._before[1:]

    @property
    def interrupt_after(self) -> list[str]:
        return self._after[1:]

    def toggle_breakpoint(self, node: str) -> bool:
        """Toggle a breakpoint before ``node``; returns whether it is now set."""
        with self._lock:
            if node in self.interrupt_before:
                self._before.remove(node)
                return False
            self._before.append(node)
            return True

    def graph_structure(self, xray: bool = False) -> dict[str, Any]:
        """Nodes and edges as plain data, for drawing the graph."""
        drawable = self._user_graph.get_graph(xray=xray)
        nodes = [
            {"id": node.id, "name": node.name, "subgraph": _is_subgraph(node.data)}
            for node in drawable.nodes.values()
        ]
        edges = [
            {
                "source": edge.source,
                "target": edge.target,
                "conditional": bool(edge.conditional),
                "label": str(edge.data) if edge.data is not None else None,
            }
            for edge in drawable.edges
        ]
        return {"nodes": nodes, "edges": edges}

    @property
    def model_label(self) -> str | None:
        """The model the next run will use."""
        return self.options.model_label

    @property
    def model_switchable(self) -> bool:
        return self.options.model_switchable

    def set_model(self, text: str) -> str:
        """Use another chat model from the next run on (graphs built on tui.models).

        The base URL carries over only within one provider: an OpenAI-compatible
        server's URL means nothing to Ollama."""
        from tui.models import ModelSpecError, active_model, parse_model_spec, set_active_model

        current = active_model()
        try:
            provider = text.partition(":")[0].lower()
            spec = parse_model_spec(
                text,
                base_url=current.base_url if provider == current.provider else None,
                timeout_s=current.timeout_s,
                max_tokens=current.max_tokens,
                stream_tools=current.stream_tools,
            )
        except ModelSpecError as exc:
            raise SessionError(str(exc)) from exc
        set_active_model(spec)
        self.options.model_label = spec.label
        return spec.label

    def needs_input(self) -> bool:
        """True when a run could not start without the user giving an input."""
        return self.default_input is NO_INPUT and self.last_input is NO_INPUT

    def input_keys(self) -> list[str]:
        """Top-level keys of the graph's input schema (to offer a message box, say)."""
        try:
            schema = self._user_graph.get_input_jsonschema()
        except Exception:
            return []
        return list((schema.get("properties") or {}).keys())

    def node_names(self) -> list[str]:
        return [n for n in self._user_graph.nodes if not n.startswith("__")]

    def close(self) -> None:
        if self._closed.is_set():
            return
        with contextlib.suppress(SessionError):
            self.cancel()
        with contextlib.suppress(Exception):
            self._submit(self._close_saver()).result(timeout=2)
        self._closed.set()
        self._engine.stop(timeout=1.0)

    # -- engine-loop side ---------------------------------------------------------------

    def _submit(self, coro: Any) -> concurrent.futures.Future:
        return self._engine.submit(coro)

    async def _ensure_graph(self) -> Pregel:
        if self._graph is not None and self._graph_engine is self._engine:
            return self._graph
        saver = await self._make_saver()
        self._graph = self._user_graph.copy(update={"checkpointer": saver})
        self._graph_engine = self._engine
        return self._graph

    async def _make_saver(self) -> BaseCheckpointSaver:
        spec = self.options.checkpointer
        if spec.startswith("sqlite:"):
            await self._close_saver()
            from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

            # Bound to this loop's aiosqlite connection; a replacement loop gets its own.
            self._saver_cm = AsyncSqliteSaver.from_conn_string(spec.removeprefix("sqlite:"))
            self._saver = await self._saver_cm.__aenter__()
            return self._saver
        if self._saver is None:
            own = self._user_graph.checkpointer
            self._saver = own if isinstance(own, BaseCheckpointSaver) else InMemorySaver()
        return self._saver

    async def _close_saver(self) -> None:
        cm, self._saver_cm = self._saver_cm, None
        if cm is not None:
            with contextlib.suppress(Exception):
                await cm.__aexit__(None, None, None)

    def _config(self, run: _Run | None = None) -> dict[str, Any]:
        config: dict[str, Any] = {"configurable": {"thread_id": self.thread_id}}
        if run is not None:
            config["callbacks"] = [run.llm_stats]
        if self.options.recursion_limit:
            config["recursion_limit"] = self.options.recursion_limit
        return config

    def _require_idle(self) -> None:
        if self._run is not None and not self._run.done.is_set():
            raise SessionError("a run is already going: pause (p) or cancel (x) it first")

    async def _start(self, input: Any, step: bool) -> None:
        self._require_idle()
        if input is NO_INPUT:
            input = self.last_input if self.last_input is not NO_INPUT else self.default_input
        if input is NO_INPUT:
            raise SessionError("no input: pass --input JSON or --message TEXT")
        graph = await self._ensure_graph()
        self.last_input = input
        self._emit_current(
            RunStarted(
                graph=self.name,
                thread_id=self.thread_id,
                input=self.jsonify(input),
                stream_modes=list(STREAM_MODES),
                model=self.options.model_label,
            )
        )
        self._launch(graph, input, step)

    async def _rerun(self, input: Any, step: bool) -> None:
        self._require_idle()
        self.thread_id = uuid.uuid4().hex[:8]
        self.step, self.next, self.values = None, [], None
        await self._start(input, step)

    async def _pending(self) -> tuple[Any, Pregel]:
        graph = await self._ensure_graph()
        return await graph.aget_state(self._config()), graph

    async def _resume(self, step: bool) -> None:
        self._require_idle()
        state, graph = await self._pending()
        if state.interrupts:
            raise SessionError("the run is waiting at an interrupt: answer it (i)")
        if not state.next:
            what = "start a run first" if not state.values else "r runs the graph again"
            raise SessionError(f"nothing to resume: {what}")
        self._emit_current(
            Resumed(
                step=_step_of(state),
                next=list(state.next),
                how="step" if step else "continue",
            )
        )
        self._launch(graph, None, step)

    async def _step_from_rest(self) -> None:
        self._require_idle()
        state, _ = await self._pending()
        if state.next and not state.interrupts:
            await self._resume(step=True)
        elif state.interrupts:
            raise SessionError("the run is waiting at an interrupt: answer it (i)")
        else:
            await self._start(NO_INPUT, step=True)

    async def _answer(self, value: Any, interrupt_id: str | None) -> None:
        self._require_idle()
        state, graph = await self._pending()
        pending = list(state.interrupts)
        if not pending:
            raise SessionError("no interrupt is waiting for an answer")
        if interrupt_id is not None:
            if interrupt_id not in {i.id for i in pending}:
                raise SessionError(f"no pending interrupt has id {interrupt_id!r}")
            resume: Any = {interrupt_id: value}
        elif len(pending) == 1:
            resume = value
        else:
            resume = {i.id: value for i in pending}
        self._emit_current(
            Resumed(
                step=_step_of(state),
                next=list(state.next),
                how="answer",
                value=self.jsonify(value),
            )
        )
        self._launch(graph, Command(resume=resume), False)

    def _launch(self, graph: Pregel, payload: Any, step: bool) -> None:
        with self._lock:
            run = _Run(task=None, control=RunControl(), generation=self._generation, step_mode=step)
            # Bound to the run's generation, so a late callback from an abandoned
            # (blocked) loop is dropped like the rest of that run's events.
            run.llm_stats = LlmStatsHandler(lambda e: self._emit(e, run.generation), self.now)
            self._run = run
            self._set_status("running")
        run.task = asyncio.get_running_loop().create_task(self._drive(graph, payload, run))

    async def _drive(self, graph: Pregel, payload: Any, run: _Run) -> None:
        config = self._config(run)
        gen = run.generation
        try:
            stream = graph.astream(
                payload,
                config,
                stream_mode=list(STREAM_MODES),
                subgraphs=True,
                version="v2",
                control=run.control,
                interrupt_before=self._before,
                interrupt_after=self._after,
            )
            async for part in stream:
                for event in self._normalizer.events_for(part, self.now()):
                    self._emit(event, gen)
                if run.step_mode:
                    self._track_step(run, part)
        except GraphDrained:
            await self._finish_paused(graph, config, run)
        except asyncio.CancelledError:
            await self._finish_cancelled(graph, config, run)
        except Exception as exc:
            await self._finish_failed(graph, config, run, exc)
        else:
            await self._finish_normally(graph, config, run)
        finally:
            run.done.set()
            if gen != self._generation:
                # This loop was abandoned while blocked; now that it is free, end it.
                asyncio.get_running_loop().call_soon(asyncio.get_running_loop().stop)

    def _track_step(self, run: _Run, part: dict[str, Any]) -> None:
        if part.get("type") != "debug" or part.get("ns"):
            return
        data = part.get("data") or {}
        task_id = (data.get("payload") or {}).get("id")
        if data.get("type") == "task":
            run.root_tasks.add(task_id)
            run.saw_root_task = True
        elif data.get("type") == "task_result":
            run.root_tasks.discard(task_id)
            if not run.root_tasks:
                run.control.request_drain("step")

    async def _state_or_none(self, graph: Pregel, config: dict[str, Any]) -> Any:
        try:
            return await graph.aget_state(config)
        except Exception:
            return None

    async def _finish_paused(self, graph: Pregel, config: dict[str, Any], run: _Run) -> None:
        state = await self._state_or_none(graph, config)
        reason = run.control.drain_reason or "pause"
        next_nodes = list(state.next) if state else []
        self._emit(Paused(step=_step_of(state), next=next_nodes, reason=reason), run.generation)
        detail = "one step done" if reason == "step" else "at a step boundary"
        if next_nodes:
            detail += f"; next: {', '.join(next_nodes)}"
        self._set_status("paused", detail, run.generation)
        self._emit(RunFinished(status="paused", values=self._values(state)), run.generation)

    async def _finish_cancelled(self, graph: Pregel, config: dict[str, Any], run: _Run) -> None:
        run.llm_stats.close_open("cancelled")
        for event in self._normalizer.cancel_running(self.now()):
            self._emit(event, run.generation)
        state = await self._state_or_none(graph, config)
        self._emit(
            Cancelled(step=_step_of(state), next=list(state.next) if state else []),
            run.generation,
        )
        self._set_status("cancelled", "", run.generation)
        self._emit(RunFinished(status="cancelled", values=self._values(state)), run.generation)

    async def _finish_failed(
        self, graph: Pregel, config: dict[str, Any], run: _Run, exc: Exception
    ) -> None:
        self._normalizer.cancel_running(self.now())
        run.llm_stats.close_open("error", f"{type(exc).__name__}: {exc}")
        hint = explain_error(exc)
        if isinstance(exc, GraphRecursionError):
            hint = (
                "the graph looped past its recursion limit: raise --recursion-limit or fix the loop"
            )
        message = self.jsonify.scrub(f"{exc}")
        self._emit(
            RunFailed(
                error=message,
                type=type(exc).__name__,
                traceback=self.jsonify.scrub(format_exception(exc)),
                hint=hint,
            ),
            run.generation,
        )
        state = await self._state_or_none(graph, config)
        self._set_status("failed", hint or f"{type(exc).__name__}: {message}", run.generation)
        self._emit(RunFinished(status="failed", values=self._values(state)), run.generation)

    async def _finish_normally(self, graph: Pregel, config: dict[str, Any], run: _Run) -> None:
        state = await self._state_or_none(graph, config)
        values = self._values(state)
        gen = run.generation
        if state is not None and state.interrupts:
            interrupts = [{"id": i.id, "value": self.jsonify(i.value)} for i in state.interrupts]
            self._emit(Interrupted(interrupts=interrupts), gen)
            self._set_status("interrupted", "waiting for an answer", gen)
            self._emit(RunFinished(status="interrupted", values=values), gen)
        elif state is not None and state.next:
            self._emit(
                Paused(step=_step_of(state), next=list(state.next), reason="breakpoint"), gen
            )
            self._set_status("breakpoint", ", ".join(state.next), gen)
            self._emit(RunFinished(status="paused", values=values), gen)
        else:
            self._set_status("done", "", gen)
            self._emit(RunFinished(status="done", values=values), gen)

    def _values(self, state: Any) -> Any:
        return self.jsonify(state.values) if state is not None else None

    # -- cancellation of a blocked loop -------------------------------------------------

    def _abandon_if_blocked(self, run: _Run) -> None:
        if run.done.wait(self.options.cancel_grace_s):
            return
        with self._lock:
            if run.done.is_set() or run.generation != self._generation:
                return
            if run.llm_stats is not None:
                # Closed before the generation moves on, so these still count.
                run.llm_stats.close_open("cancelled")
            self._generation += 1
            stuck = self._normalizer.running_nodes()
            cancelled = self._normalizer.cancel_running(self.now())
            self._normalizer = Normalizer(self.jsonify)
            self._engine = self._start_engine()
            self._graph = None
            if self.options.checkpointer.startswith("sqlite:"):
                # The old connection belongs to the blocked loop; leave it to that loop.
                self._saver_cm = None
            for event in cancelled:
                self._emit_current(event)
            self._emit_current(Cancelled(step=self.step, next=list(self.next)))
            detail = (
                f"{', '.join(stuck) or 'a node'} blocked its event loop; its result is discarded"
            )
            self._emit_current(Notice(level="warning", text=f"cancelled: {detail}"))
            self._set_status("cancelled", detail)
            self._emit_current(RunFinished(status="cancelled", values=self.values))
            run.done.set()

    # -- blocked-loop detection ---------------------------------------------------------

    def _start_engine(self) -> LoopThread:
        """A fresh engine loop, with the heartbeat that shows whether it is blocked."""
        engine = LoopThread()
        engine.call(self._beat)
        return engine

    def _beat(self) -> None:
        self._last_beat = time.monotonic()
        if not self._closed.is_set():
            asyncio.get_running_loop().call_later(0.1, self._beat)

    def _watch_blocking(self) -> None:
        warned = False
        while not self._closed.wait(0.2):
            blocked_for = time.monotonic() - self._last_beat
            if self.running and blocked_for >= self.options.block_warning_s:
                if not warned:
                    nodes = ", ".join(self._normalizer.running_nodes()) or "a node"
                    self._emit_current(
                        Notice(
                            level="warning",
                            text=(
                                f"{nodes} has blocked the graph's event loop for "
                                f"{blocked_for:.1f}s (a sync call such as time.sleep inside "
                                "async def?); the debugger stays responsive and x cancels"
                            ),
                        )
                    )
                    warned = True
            elif blocked_for < self.options.block_warning_s:
                warned = False

    # -- emitting -----------------------------------------------------------------------

    def _emit_current(self, event: Event) -> None:
        self._emit(event, None)

    def _emit(self, event: Event, generation: int | None) -> None:
        # Listeners run under the lock so every consumer sees one order, whichever
        # thread emitted (engine loop, cancel watchdog, blocking monitor).
        with self._lock:
            if generation is not None and generation != self._generation:
                return
            self._stamp(event)
            for listener in list(self._listeners):
                try:
                    listener(event)
                except Exception as exc:
                    # A broken consumer (closed pipe, full disk) must not take the
                    # run down with it: drop that consumer and say so.
                    self._listeners.remove(listener)
                    notice = Notice(
                        level="error", text=f"an event consumer failed and was removed: {exc!r}"
                    )
                    self._stamp(notice)

    def _stamp(self, event: Event) -> None:
        event.seq = self._seq
        self._seq += 1
        event.t = self.now()
        self._track(event)
        self.events.put(event)

    def _set_status(self, status: str, detail: str = "", generation: int | None = None) -> None:
        self._emit(Status(status=status, detail=detail), generation)

    def _track(self, event: Event) -> None:
        kind = event.kind
        if kind == "status":
            self.status = event.status  # type: ignore[attr-defined]
        elif kind == "checkpoint" and not event.ns:
            self.step = event.step  # type: ignore[attr-defined]
            self.next = list(event.next)  # type: ignore[attr-defined]
            self.values = event.values  # type: ignore[attr-defined]


def _step_of(state: Any) -> int | None:
    if state is None:
        return None
    step = (state.metadata or {}).get("step")
    return step if isinstance(step, int) else None


def _is_subgraph(data: Any) -> bool:
    return isinstance(data, Pregel)


def _done_future() -> concurrent.futures.Future:
    future: concurrent.futures.Future = concurrent.futures.Future()
    future.set_result(None)
    return future
