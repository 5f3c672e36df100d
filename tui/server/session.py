"""A debugging session whose graph runs on a LangGraph Server.

It offers the app and the headless runner what a local ``engine.session.Session``
offers (the ``EventSource`` protocol, plus ``open_thread`` and ``go``), and makes
the same events: the server's stream parts go through the engine's ``Normalizer``
(``stream_parts`` turns their JSON back into what it expects), and a run ends the
way a local one does, from the thread's state as the server holds it.

Control, as the server allows it (langgraph-api 0.16):

* cancel: ``POST /threads/{id}/runs/{run}/cancel`` (action ``interrupt``); the last
  finished step stays checkpointed and ``continue`` goes on from it.
* breakpoints: the run's ``interrupt_before``/``interrupt_after``. The server fixes
  them when a run starts: a breakpoint toggled mid-run applies from the next run.
* step (from rest): the run is started with ``interrupt_after="*"``, so the server
  stops it after one superstep.
* pause (and step while running): the server has no drain, so the session cancels
  the run at the next step boundary it sees (a root checkpoint). Nodes in flight
  finish first; a node of the next step that started before the cancel landed is
  cut and runs again on continue.
* interrupts are answered with ``Command(resume=...)``; every run after the first is
  a new run on the same server thread (the next turn, continue, an answer).

The session runs its HTTP client on its own loop thread, like the local one, so
every public method returns at once (a ``Future`` where there is work to wait for).

Time travel uses the server's thread API (``time_travel`` explains the checks): the
history from ``threads.get_history``, one checkpoint from ``threads.get_state``, a
replay as a run from ``checkpoint_id``, a fork as ``threads.update_state`` tried on a
``threads.copy`` of the thread first, then a run from the checkpoint it wrote; other
threads of the graph from ``threads.search``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from tui.engine.answers import answer_problem
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
)
from tui.engine.graph_info import schema_input_problem
from tui.engine.history import HistoryEntry, build_history
from tui.engine.jsonify import Jsonifier
from tui.engine.loop_thread import LoopThread
from tui.engine.no_input import NO_INPUT
from tui.engine.normalize import STREAM_MODES, Normalizer
from tui.engine.ports import ModelSwitcher
from tui.engine.redaction import Redactor, secret_values_in
from tui.engine.session_front import SessionError, SessionFront, ThreadPosition
from tui.engine.status import NoticeLevel, PauseReason, ResumeHow, RunOutcome, RunStatus, TaskStatus
from tui.server import stream_parts, time_travel
from tui.server.connection import Assistant, explain
from tui.server.stream_parts import as_objects
from tui.server.thread_state import ThreadState, thread_state

if TYPE_CHECKING:
    from langgraph_sdk.client import LangGraphClient

ClientFactory = Callable[[], "LangGraphClient"]


@dataclass
class ServerOptions:
    thread_id: str | None = None
    interrupt_before: list[str] = field(default_factory=list)
    interrupt_after: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    """The user's ``--config``, sent with every run (the server keeps none on the thread)."""
    context: dict[str, Any] = field(default_factory=dict)
    recursion_limit: int | None = None
    secrets: list[str] = field(default_factory=list)
    """Values never to show (the API key)."""
    clock: Clock = field(default_factory=Clock)
    cancel_grace_s: float = 5.0
    """How long a cancelled run's stream may take to end before the session stops
    reading it."""


@dataclass(frozen=True)
class GraphFacts:
    """What the server says about the graph, read once when attaching."""

    structure: dict[str, Any]
    xray_structure: dict[str, Any]
    input_schema: dict[str, Any]
    state_schema: dict[str, Any] = field(default_factory=dict)
    """Empty when the server cannot describe it: an edit is then checked against the
    keys the checkpoint holds."""


@dataclass
class _Run:
    generation: int
    step_mode: bool
    done: threading.Event = field(default_factory=threading.Event)
    task: asyncio.Task[None] | None = None
    run_id: str | None = None
    stop_reason: PauseReason | None = None
    """A pause (or step) asked for while running: cancel at the next step boundary."""
    cancel_wanted: bool = False
    cancel_sent: bool = False
    grace_armed: bool = False
    error: tuple[str, str] | None = None


class ServerSession(SessionFront):
    def __init__(
        self,
        client_factory: ClientFactory,
        *,
        url: str,
        assistant: Assistant,
        facts: GraphFacts,
        options: ServerOptions | None = None,
    ) -> None:
        self.options = options or ServerOptions()
        self.url = url
        self.assistant = assistant
        self.name = assistant.graph_id
        self.facts = facts
        self.clock = self.options.clock
        self.redactor = Redactor.from_env()
        self.redactor.learn(self.options.secrets)
        self.redactor.learn(secret_values_in(self.options.config))
        self.redactor.learn(secret_values_in(self.options.context))
        self.jsonify = Jsonifier(self.redactor)
        self.thread_id = self.options.thread_id or _new_thread_id()
        self._before = list(dict.fromkeys(self.options.interrupt_before))
        self._after = list(dict.fromkeys(self.options.interrupt_after))
        self.status = RunStatus.IDLE
        self.step: int | None = None
        self.next: list[str] = []
        self.values: Any = None
        self.last_input: Any = NO_INPUT
        properties = facts.input_schema.get("properties") or {}
        # Every input field has a default: {} is an input (as for a local run).
        self.default_input: Any = (
            {} if properties and not facts.input_schema.get("required") else NO_INPUT
        )
        self._closed = False
        self._t0 = self.clock.now()
        self._bus = EventBus(self.clock.now, self._track, self.redactor, origin=self._t0)
        self._normalizer = Normalizer(self.jsonify)
        self._run: _Run | None = None
        self._as_nodes: dict[str, str] = {}
        """Which node an edit made here was made as (the server's metadata does not say)."""
        self._acting = False
        self._engine = LoopThread(name="langgraph-tui-server")
        self._client: LangGraphClient = self._engine.submit(_made(client_factory)).result()

    # -- run control (the rest is SessionFront's) ----------------------------------------

    def step_once(self) -> concurrent.futures.Future:
        with self._bus.lock:
            if self._run is not None and self.running:
                self._stop_at_boundary(self._run, PauseReason.STEP, "after this step")
                return _done_future()
        return self._submit_exclusive(self._step_from_rest())

    def pause(self) -> None:
        with self._bus.lock:
            run = self._run
            if run is None or not self.running:
                raise SessionError("nothing is running: there is nothing to pause")
            self._stop_at_boundary(run, PauseReason.PAUSE, "at the next step boundary")

    def cancel(self) -> None:
        with self._bus.lock:
            run = self._run
            if run is None or run.done.is_set():
                raise SessionError("nothing is running: there is nothing to cancel")
            run.cancel_wanted = True
        self._engine.call(lambda: asyncio.ensure_future(self._send_cancel(run)))

    @property
    def interrupt_before(self) -> list[str]:
        return list(self._before)

    @property
    def interrupt_after(self) -> list[str]:
        return list(self._after)

    def toggle_breakpoint(self, node: str) -> bool:
        """Toggle a breakpoint before ``node``. The server fixes a run's breakpoints
        when it starts, so the change applies from the next run."""
        with self._bus.lock:
            on = node not in self._before
            if on:
                self._before.append(node)
            else:
                self._before.remove(node)
            if self.running:
                self._emit_current(
                    Notice(
                        level=NoticeLevel.INFO,
                        text=f"breakpoint {'set' if on else 'cleared'} before {node}: a server "
                        "run keeps the breakpoints it started with, so this applies from the "
                        "next run (pause with p to stop this one)",
                    )
                )
            return on

    # -- the graph ----------------------------------------------------------------------

    def graph_structure(self, xray: bool = False) -> dict[str, Any]:
        return self.facts.xray_structure if xray else self.facts.structure

    def input_keys(self) -> list[str]:
        return list((self.facts.input_schema.get("properties") or {}).keys())

    def node_names(self) -> list[str]:
        return [n["id"] for n in self.facts.structure["nodes"] if not n["id"].startswith("__")]

    def needs_input(self) -> bool:
        return self.default_input is NO_INPUT and self.last_input is NO_INPUT

    @property
    def model_label(self) -> str | None:
        return None  # the server's graph chooses its model; its calls say which

    @property
    def model_switcher(self) -> ModelSwitcher | None:
        return None

    def switch_model(self, text: str) -> str:
        raise SessionError("the graph runs on the server: its model is the server's to choose")

    def close(self) -> None:
        if self._closed:
            return
        with contextlib.suppress(SessionError):
            self.cancel()
            run = self._run
            if run is not None:
                run.done.wait(2.0)
        with contextlib.suppress(Exception):
            self._submit(self._client.aclose()).result(timeout=2)
        self._closed = True
        self._engine.stop(timeout=1.0)

    # -- engine-loop side ---------------------------------------------------------------

    def _require_idle(self) -> None:
        if self._run is not None and not self._run.done.is_set():
            raise SessionError("a run is already going: pause (p) or cancel (x) it first")

    async def _state(self) -> ThreadState:
        try:
            data = await self._client.threads.get_state(self.thread_id)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 404:
                return ThreadState()  # a thread the first run creates
            raise SessionError(explain(exc, self.url)) from exc
        except httpx.HTTPError as exc:
            raise SessionError(explain(exc, self.url)) from exc
        return thread_state(data)

    async def _open_thread(self) -> None:
        state = await self._state()
        if state.is_new:
            return
        self._emit_current(
            Checkpoint(
                step=state.step if state.step is not None else -1,
                checkpoint_id=state.checkpoint_id,
                parent_id=state.parent_id,
                next=state.ahead,
                values=self.jsonify(state.values),
            )
        )
        where = f"thread {self.thread_id} reopened at step {state.step}"
        if state.interrupts:
            self._emit_interrupted(state)
            self._set_status(RunStatus.INTERRUPTED, f"{where}: waiting for an answer (i)")
        elif state.ahead:
            self._set_status(RunStatus.PAUSED, f"{where}; next: {', '.join(state.ahead)} (c)")
        else:
            self._set_status(RunStatus.DONE, f"{where}: it finished")

    async def _position(self) -> ThreadPosition:
        state = await self._state()
        return ThreadPosition(bool(state.interrupts), list(state.ahead), bool(state.values))

    async def _start(self, input: Any, step: bool) -> None:
        self._require_idle()
        if input is NO_INPUT:
            input = self.last_input if self.last_input is not NO_INPUT else self.default_input
        if input is NO_INPUT:
            raise SessionError("no input: pass --input JSON or --message TEXT")
        state = await self._state()
        if state.ahead:
            raise SessionError(
                f"thread {self.thread_id} stopped before {', '.join(state.ahead)}: "
                "continue it (c), or run again on a new thread (r)"
            )
        problem = schema_input_problem(self.facts.input_schema, input)
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
                model=None,
            )
        )
        self._launch({"input": input}, step)

    async def _rerun(self, input: Any, step: bool) -> None:
        self._require_idle()
        self.thread_id = _new_thread_id()
        self.step, self.next, self.values = None, [], None
        await self._start(input, step)

    async def _resume(self, step: bool) -> None:
        self._require_idle()
        state = await self._state()
        if state.interrupts:
            raise SessionError("the run is waiting at an interrupt: answer it (i)")
        if not state.ahead:
            what = "start a run first" if not state.values else "r runs the graph again"
            raise SessionError(f"nothing to resume: {what}")
        self._emit_current(
            Resumed(
                step=state.step,
                next=state.ahead,
                how=ResumeHow.STEP if step else ResumeHow.CONTINUE,
            )
        )
        self._launch({"input": None}, step)

    async def _step_from_rest(self) -> None:
        self._require_idle()
        state = await self._state()
        if state.interrupts:
            raise SessionError("the run is waiting at an interrupt: answer it (i)")
        if state.ahead:
            await self._resume(step=True)
        else:
            await self._start(NO_INPUT, step=True)

    async def _answer(self, value: Any, interrupt_id: str | None) -> None:
        self._require_idle()
        state = await self._state()
        pending = {i["id"]: i for i in state.interrupts}
        if not pending:
            raise SessionError("no interrupt is waiting for an answer")
        if interrupt_id is not None:
            if interrupt_id not in pending:
                raise SessionError(f"no pending interrupt has id {interrupt_id!r}")
            answers = {interrupt_id: value}
        elif isinstance(value, dict) and value and set(value) <= set(pending) and len(pending) > 1:
            answers = dict(value)
        else:
            answers = dict.fromkeys(pending, value)
        for key, answer in answers.items():
            problem = answer_problem(pending[key].get("response_schema"), answer)
            if problem:
                raise SessionError(f"the answer to {key} does not fit: {problem}")
        resume: Any = answers if len(pending) > 1 or interrupt_id is not None else value
        self.redactor.learn(secret_values_in(value))
        self._emit_current(
            Resumed(
                step=state.step,
                next=list(state.next),
                how=ResumeHow.ANSWER,
                value=self.jsonify(answers if len(answers) > 1 else value),
            )
        )
        self._launch({"command": {"resume": resume}}, False)

    def _launch(self, payload: dict[str, Any], step: bool) -> None:
        with self._bus.lock:
            run = _Run(generation=self._bus.generation, step_mode=step)
            self._run = run
            self._set_status(RunStatus.RUNNING)
        run.task = asyncio.get_running_loop().create_task(self._drive(payload, run))

    def _run_kwargs(self, run: _Run) -> dict[str, Any]:
        config = dict(self.options.config)
        if self.options.recursion_limit is not None:
            config["recursion_limit"] = self.options.recursion_limit
        kwargs: dict[str, Any] = {
            "stream_mode": stream_parts.STREAM_MODES,
            "stream_subgraphs": True,
            "interrupt_before": list(self._before) or None,
            # One superstep, then the server stops the run: a step it allows.
            "interrupt_after": "*" if run.step_mode else (list(self._after) or None),
            "config": config or None,
            "context": self.options.context or None,
            "if_not_exists": "create",
            "multitask_strategy": "reject",
            "version": "v2",
        }
        return kwargs

    async def _drive(self, payload: dict[str, Any], run: _Run) -> None:
        failure: BaseException | None = None
        try:
            try:
                stream = self._client.runs.stream(
                    self.thread_id, self.assistant.assistant_id, **payload, **self._run_kwargs(run)
                )
                async for part in stream:
                    await self._take(part, run)
            except asyncio.CancelledError:
                pass  # the cancel's grace ran out: the run is over for us either way
            except Exception as exc:
                failure = exc
            await self._end(run, failure)
        except BaseException as exc:
            with contextlib.suppress(BaseException):
                self._finish(run, RunOutcome.FAILED, None, exc, hint=None)
        finally:
            run.done.set()

    async def _take(self, part: Any, run: _Run) -> None:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "metadata":
            data = part.get("data") or {}
            run.run_id = str(data.get("run_id")) if data.get("run_id") else None
            if run.cancel_wanted:
                await self._send_cancel(run)
            return
        if kind == "error":
            run.error = stream_parts.error_text(part.get("data"))
            return
        local = stream_parts.local_part(part)
        if local is None:
            return
        try:
            events = self._normalizer.events_for(local, self.now())
        except Exception as exc:
            events = [
                Notice(
                    level=NoticeLevel.WARNING,
                    text=f"a {kind} stream part could not be shown: {type(exc).__name__}: {exc}",
                )
            ]
        for event in events:
            self._emit(event, run.generation)
        if (
            run.stop_reason is not None
            and kind == "debug"
            and not local["ns"]
            and local["data"].get("type") == "checkpoint"
        ):
            # A step boundary: the step's nodes are done and checkpointed.
            await self._send_cancel(run)

    async def _send_cancel(self, run: _Run) -> None:
        if run.cancel_sent or run.done.is_set():
            return
        if not run.grace_armed and run.task is not None:
            # Whatever the server does, the run is over for the session after the grace.
            run.grace_armed = True
            task = run.task
            asyncio.get_running_loop().call_later(
                self.options.cancel_grace_s, lambda: None if run.done.is_set() else task.cancel()
            )
        if run.run_id is None:
            return  # sent when the run's id arrives (its first part)
        run.cancel_sent = True
        try:
            await self._client.runs.cancel(self.thread_id, run.run_id, action="interrupt")
        except httpx.HTTPError as exc:
            self._emit(
                Notice(level=NoticeLevel.WARNING, text=f"cancel: {explain(exc, self.url)}"),
                run.generation,
            )

    def _stop_at_boundary(self, run: _Run, reason: PauseReason, detail: str) -> None:
        run.stop_reason = reason
        self._set_status(RunStatus.PAUSING, detail, run.generation)

    async def _end(self, run: _Run, failure: BaseException | None) -> None:
        try:
            state: ThreadState | None = await self._state()
        except SessionError:
            state = None
        hint: str | None = None
        error: BaseException | None = None
        if run.stop_reason is not None and run.cancel_sent:
            outcome = RunOutcome.PAUSED
        elif run.cancel_wanted:
            outcome = RunOutcome.CANCELLED
        elif failure is not None:
            outcome, error, hint = RunOutcome.FAILED, failure, explain(failure, self.url)
        elif run.error is not None:
            outcome, error = RunOutcome.FAILED, _ServerRunError(*run.error)
            hint = _SERVER_ERROR_HINTS.get(run.error[0])
        elif await self._cancelled_elsewhere(run):
            outcome = RunOutcome.CANCELLED
        else:
            outcome = RunOutcome.DONE
        self._finish(run, outcome, state, error, hint)

    async def _cancelled_elsewhere(self, run: _Run) -> bool:
        if run.run_id is None:
            return False
        try:
            info = await self._client.runs.get(self.thread_id, run.run_id)
        except httpx.HTTPError:
            return False
        return info.get("status") == "interrupted" and not run.step_mode

    def _finish(
        self,
        run: _Run,
        outcome: RunOutcome,
        state: ThreadState | None,
        exc: BaseException | None,
        hint: str | None,
    ) -> None:
        gen = run.generation
        if state is not None:
            values, step, ahead = self.jsonify(state.values), state.step, state.ahead
        else:
            values, step, ahead = self.values, self.step, list(self.next)
        closing = {
            RunOutcome.CANCELLED: TaskStatus.CANCELLED,
            RunOutcome.FAILED: TaskStatus.CANCELLED,
            RunOutcome.PAUSED: TaskStatus.CANCELLED,
        }.get(outcome, TaskStatus.OK)
        if outcome == RunOutcome.DONE and state is not None and state.interrupts:
            closing = TaskStatus.INTERRUPTED
        for event in self._normalizer.close_running(self.now(), closing):
            self._emit(event, gen)
        for event in self._normalizer.flush_streams():
            self._emit(event, gen)
        if outcome == RunOutcome.FAILED and exc is not None:
            message = self.redact(str(exc))
            kind = exc.kind if isinstance(exc, _ServerRunError) else type(exc).__name__
            self._emit(
                RunFailed(
                    error=message, type=kind, traceback="", hint=self.redact(hint or "") or None
                ),
                gen,
            )
            self._set_status(RunStatus.FAILED, hint or f"{kind}: {message}", gen)
        elif outcome == RunOutcome.CANCELLED:
            self._emit(Cancelled(step=step, next=ahead), gen)
            self._set_status(RunStatus.CANCELLED, "", gen)
        elif outcome == RunOutcome.PAUSED:
            reason = run.stop_reason or PauseReason.PAUSE
            self._emit(Paused(step=step, next=ahead, reason=reason), gen)
            detail = "one step done" if reason == PauseReason.STEP else "at a step boundary"
            if ahead:
                detail += f"; next: {', '.join(ahead)}"
            self._set_status(RunStatus.PAUSED, detail, gen)
        elif state is not None and state.interrupts:
            outcome = RunOutcome.INTERRUPTED
            self._emit_interrupted(state, gen)
            self._set_status(RunStatus.INTERRUPTED, "waiting for an answer", gen)
        elif ahead and run.step_mode:
            outcome = RunOutcome.PAUSED
            self._emit(Paused(step=step, next=ahead, reason=PauseReason.STEP), gen)
            self._set_status(RunStatus.PAUSED, f"one step done; next: {', '.join(ahead)}", gen)
        elif ahead:
            outcome = RunOutcome.PAUSED
            self._emit(Paused(step=step, next=ahead, reason=PauseReason.BREAKPOINT), gen)
            self._set_status(RunStatus.BREAKPOINT, ", ".join(ahead), gen)
        else:
            self._set_status(RunStatus.DONE, "", gen)
        self._emit(RunFinished(status=outcome, values=values), gen)

    def _emit_interrupted(self, state: ThreadState, generation: int | None = None) -> None:
        self._emit(
            Interrupted(
                interrupts=[
                    {
                        **i,
                        "value": self.jsonify(i["value"]),
                        "response_schema": self.jsonify(i["response_schema"]),
                    }
                    for i in state.interrupts
                ]
            ),
            generation,
        )

    async def _call(self, request: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await request
        except httpx.HTTPError as exc:
            raise SessionError(explain(exc, self.url)) from exc

    async def _history(self) -> list[HistoryEntry]:
        states: list[dict[str, Any]] = []
        before: str | None = None
        while True:
            page = await self._call(
                self._client.threads.get_history(self.thread_id, limit=_HISTORY_PAGE, before=before)
            )
            states.extend(page)
            if len(page) < _HISTORY_PAGE:
                break
            before = page[-1]["checkpoint"]["checkpoint_id"]
        refs, known_next = time_travel.history_refs(states)
        return build_history(refs, known_next, self._as_nodes)

    async def _read_checkpoint(
        self, checkpoint_id: str, ns: tuple[str, ...] = (), thread_id: str | None = None
    ) -> dict[str, Any]:
        """A checkpoint's state as the server sends it (values as JSON, messages as
        their ``model_dump``)."""
        checkpoint: Any = {"checkpoint_id": checkpoint_id, "checkpoint_ns": "|".join(ns)}
        data: Any
        try:
            data = await self._client.threads.get_state(
                thread_id or self.thread_id,
                checkpoint=checkpoint,
            )
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 404:
                raise SessionError(explain(exc, self.url)) from exc
            data = None
        except httpx.HTTPError as exc:
            raise SessionError(explain(exc, self.url)) from exc
        found = (data or {}).get("checkpoint") or {}
        if not data or data.get("metadata") is None or found.get("checkpoint_id") != checkpoint_id:
            # The server answers an unknown id with an empty state, not an error.
            raise SessionError(
                f"thread {self.thread_id} has no checkpoint {checkpoint_id!r}: its ids are in "
                "the checkpoint events, or h in the TUI"
            )
        self.redactor.learn(secret_values_in(data.get("values")))
        return dict(data)

    async def _checkpoint_state(self, checkpoint_id: str, ns: tuple[str, ...]) -> dict[str, Any]:
        state = thread_state(await self._read_checkpoint(checkpoint_id, ns))
        parent_values = None
        if state.parent_id:
            with contextlib.suppress(SessionError):
                parent = await self._read_checkpoint(state.parent_id, ns)
                parent_values = self.jsonify(thread_state(parent).values)
        return {
            "checkpoint_id": checkpoint_id,
            "ns": list(ns),
            "step": state.step,
            "next": state.ahead,
            "parent_id": state.parent_id,
            "values": self.jsonify(state.values),
            "parent_values": parent_values,
        }

    async def _replay_from(self, checkpoint_id: str, step: bool) -> None:
        self._require_idle()
        state = thread_state(await self._read_checkpoint(checkpoint_id))
        if not state.next:
            raise SessionError(
                f"checkpoint {checkpoint_id} is where a run ended: there is nothing to run on "
                "from it (pick an earlier one)"
            )
        self._emit_current(
            Resumed(
                step=state.step,
                next=state.next,
                how=ResumeHow.REPLAY,
                from_checkpoint=checkpoint_id,
            )
        )
        self._launch({"input": None, "checkpoint_id": checkpoint_id}, step)

    async def _fork(
        self,
        checkpoint_id: str,
        edited: dict[str, Any],
        as_node: str | None,
        run: bool,
        step: bool,
    ) -> str:
        self._require_idle()
        at = thread_state(await self._read_checkpoint(checkpoint_id))
        if as_node is not None and as_node not in self.node_names():
            nodes = ", ".join(self.node_names())
            raise SessionError(f"no node {as_node!r} to make the edit as: the nodes are {nodes}")
        shown = self.jsonify(at.values)
        try:
            update = time_travel.edit_update(
                shown if isinstance(shown, dict) else {}, edited, self.facts.state_schema
            )
            written = await self._tried_on_a_copy(checkpoint_id, update, as_node)
        except time_travel.EditProblem as exc:
            raise SessionError(f"edit refused, nothing written: {exc}") from exc
        reply = await self._call(
            self._client.threads.update_state(
                self.thread_id, written, as_node=as_node, checkpoint_id=checkpoint_id
            )
        )
        new_id = str(reply["checkpoint"]["checkpoint_id"])
        state = thread_state(await self._read_checkpoint(new_id))
        problem = time_travel.missing_from(self._as_shown(state.values), update)
        if problem:
            # The copy held it, the thread does not: say what is there.
            raise SessionError(
                f"the edit was written as checkpoint {new_id} but it does not hold: {problem}; "
                "it is not run on"
            )
        if as_node is not None:
            self._as_nodes[new_id] = as_node
        values = self.jsonify(state.values)
        self._emit_current(
            Checkpoint(
                step=state.step if state.step is not None else -1,
                checkpoint_id=new_id,
                parent_id=checkpoint_id,
                next=state.next,
                values=values,
                source="update",
            )
        )
        self._emit_current(
            Resumed(
                step=at.step,
                next=state.next,
                how=ResumeHow.FORK,
                value=self.jsonify(update),
                from_checkpoint=checkpoint_id,
            )
        )
        if run and state.next:
            self._launch({"input": None, "checkpoint_id": new_id}, step)
            return new_id
        # Nothing runs: the fork is the whole of this action, and it ends here.
        where = f"forked at step {at.step}"
        if state.next:
            self._set_status(RunStatus.PAUSED, f"{where}; next: {', '.join(state.next)} (c)")
            outcome = RunOutcome.PAUSED
        else:
            self._set_status(RunStatus.DONE, f"{where}: nothing runs after it")
            outcome = RunOutcome.DONE
        self._emit_current(RunFinished(status=outcome, values=values))
        return new_id

    def _as_shown(self, values: Any) -> dict[str, Any]:
        shown = self.jsonify(values)
        return shown if isinstance(shown, dict) else {}

    async def _tried_on_a_copy(
        self, checkpoint_id: str, update: dict[str, Any], as_node: str | None
    ) -> dict[str, Any]:
        """The edit made on a scratch copy of the thread: what to write (each key past
        its reducer where it has one), refused unless the copy's state holds it."""
        scratch = (await self._call(self._client.threads.copy(self.thread_id)))["thread_id"]
        try:

            async def write(values: dict[str, Any]) -> dict[str, Any]:
                try:
                    reply = await self._client.threads.update_state(
                        scratch, values, as_node=as_node, checkpoint_id=checkpoint_id
                    )
                except httpx.HTTPStatusError as exc:
                    raise time_travel.EditProblem(
                        f"the server refused the edit: {explain(exc, self.url)}"
                    ) from exc
                new_id = str(reply["checkpoint"]["checkpoint_id"])
                return (await self._read_checkpoint(new_id, thread_id=scratch)).get("values") or {}

            try:
                raw = await write(time_travel.overwrite_all(update))
                written = time_travel.kept_as_written(raw, update)
                if written != time_travel.overwrite_all(update):
                    raw = await write(written)
            except time_travel.EditProblem:
                written = dict(update)  # a schema that refuses the wrapper: as typed
                raw = await write(written)
            problem = time_travel.missing_from(self._as_shown(as_objects(raw)), update)
            if problem:
                raise time_travel.EditProblem(problem)
            return written
        finally:
            with contextlib.suppress(httpx.HTTPError):
                await self._client.threads.delete(scratch)

    async def _thread_ids(self) -> list[str]:
        found = await self._call(
            self._client.threads.search(
                metadata={"graph_id": self.assistant.graph_id},
                limit=_THREADS_LISTED,
                sort_by="updated_at",
                sort_order="desc",
            )
        )
        return [str(thread["thread_id"]) for thread in found]

    async def _switch_thread(self, thread_id: str) -> None:
        self._require_idle()
        thread: Any
        try:
            thread = await self._client.threads.get(thread_id)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code not in (404, 422):
                raise SessionError(explain(exc, self.url)) from exc
            thread = None
        except httpx.HTTPError as exc:
            raise SessionError(explain(exc, self.url)) from exc
        graph = ((thread or {}).get("metadata") or {}).get("graph_id")
        if graph != self.assistant.graph_id:
            raise SessionError(
                f"thread {thread_id} is not a thread of {self.assistant.graph_id} on this server"
            )
        self.thread_id = thread_id
        self.step, self.next, self.values = None, [], None
        self.last_input = NO_INPUT
        self._set_status(RunStatus.IDLE, f"thread {thread_id}")
        await self._open_thread()

    async def _store_items(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        offset = 0
        try:
            while True:
                page = await self._client.store.search_items((), limit=100, offset=offset)
                found = list(page.get("items") or [])
                items.extend(
                    {
                        "namespace": list(item.get("namespace") or []),
                        "key": item.get("key"),
                        "value": item.get("value"),
                        "updated_at": item.get("updated_at"),
                    }
                    for item in found
                )
                if len(found) < 100:
                    return self.jsonify(items)
                offset += len(found)
        except httpx.HTTPError as exc:
            raise SessionError(explain(exc, self.url)) from exc

    # -- emitting -----------------------------------------------------------------------

    def _emit_current(self, event: Event) -> None:
        self._bus.emit(event)

    def _emit(self, event: Event, generation: int | None) -> None:
        self._bus.emit(event, generation)

    def _set_status(
        self, status: RunStatus, detail: str = "", generation: int | None = None
    ) -> None:
        self._bus.emit(Status(status=status, detail=detail), generation)

    def _track(self, event: Event) -> None:
        if isinstance(event, Status):
            self.status = event.status
        elif isinstance(event, Checkpoint) and not event.ns:
            self.step = event.step
            self.next = list(event.next)
            self.values = event.values


_HISTORY_PAGE = 200
_THREADS_LISTED = 100

_SERVER_ERROR_HINTS = {
    # What a local run says for the same error (engine.session), by the type name the
    # server reports.
    "GraphRecursionError": (
        "the graph looped past its recursion limit: raise --recursion-limit or fix the loop"
    ),
}


class _ServerRunError(Exception):
    """A run that failed on the server: its error's type name and message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _new_thread_id() -> str:
    import uuid

    return str(uuid.uuid4())


async def _made(factory: ClientFactory) -> LangGraphClient:
    # The HTTP client belongs to the loop that uses it.
    return factory()


def _done_future() -> concurrent.futures.Future:
    future: concurrent.futures.Future = concurrent.futures.Future()
    future.set_result(None)
    return future
