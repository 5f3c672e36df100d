"""DebuggerApp: the panes, the keys, and the once-per-frame drain of engine events.

Data flows one way: the session's event queue -> ``RunView.apply`` (once per frame,
however many events arrived) -> the panes whose part of the view changed. Keys
become method calls on the session; the session never calls the app.

Frames run only while something changes: the session's events wake them, and they
keep ticking while what is shown moves with time (a run's clock and durations, a
recording playing). An app with nothing to show does no work at all. Which ticks do
work, and what they show, is the ``FramePacer``'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import gc
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen

from tui.app import screens
from tui.app.dirty_lines import DirtyLinesScreen, HeldIdle
from tui.app.frame_clock import FrameClock
from tui.app.frame_pacer import FRAME_S, FramePacer
from tui.app.loading_source import LoadingSource
from tui.app.panes.events import EventsPane
from tui.app.panes.graph import GraphPane
from tui.app.panes.history import HistoryPane
from tui.app.panes.keys_bar import KeysBar
from tui.app.panes.state import CopyableTree, StatePane, store_path
from tui.app.panes.status_bar import StatusBar
from tui.app.panes.timeline import Timeline
from tui.app.panes.tokens import TokenView
from tui.app.source import EventSource
from tui.app.text.notifications import LiteralNotifications
from tui.app.textual_guards import GuardedCommandPalette
from tui.app.theme_lookup import ThemeLookup
from tui.app.view.records import CheckpointInfo, LlmCall, LogKind, Part, TaskRow
from tui.app.view.run_view import RunView
from tui.app.view.search import Hit, HitKind, search
from tui.engine.events import Event, Interrupted, Notice, RunFailed
from tui.engine.no_input import NO_INPUT
from tui.engine.session_front import SessionError
from tui.engine.status import ENDED, STOPPED, NoticeLevel, RunStatus, TaskStatus

if TYPE_CHECKING:
    from tui.app.screens.search import SearchResult

_PLAYER_ACTIONS = frozenset({"play", "move", "move_step", "jump", "speed"})
_RUN_ACTIONS = frozenset({"breakpoint", "rerun", "message", "run_on", "edit_fork"})
# Keys that need the graph: while it loads (or after it failed to) they say why not.
_GRAPH_ACTIONS = _RUN_ACTIONS | {
    "pause",
    "continue",
    "next",
    "cancel",
    "answer",
    "store",
    "inspect_call",
    "diff",
    "pin_diff_base",
    "search",
    "search_hit",
    "history",
    "switch_thread",
    "switch_model",
}
MAX_EVENTS_PER_FRAME = 20_000


class DebuggerApp(LiteralNotifications, ThemeLookup, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "langgraph-tui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]
    BINDINGS = [
        Binding(
            "p", "pause", "Pause", tooltip="Pause at the next step boundary (running nodes finish)"
        ),
        Binding(
            "c",
            "continue",
            "Continue",
            tooltip="Continue a paused, stopped, failed or cancelled run",
        ),
        Binding(
            "n",
            "next",
            "Next",
            tooltip="Run one superstep, then pause (while running: pause after this step)",
        ),
        Binding(
            "x", "cancel", "Cancel", tooltip="Stop now; the last finished step stays checkpointed"
        ),
        Binding("i", "answer", "Answer", tooltip="Answer the pending interrupt (text or JSON)"),
        Binding("b", "breakpoint", "Break", tooltip="Toggle a breakpoint before the selected node"),
        Binding("r", "rerun", "Rerun", tooltip="Run the graph again on a new thread"),
        Binding(
            "m",
            "message",
            "Message",
            tooltip="Send the next message (or input) on this thread, as the next turn",
        ),
        Binding(
            "s",
            "store",
            "Store",
            show=False,
            tooltip="Show the long-term store (or the state again) in the inspector",
        ),
        Binding(
            "v",
            "inspect_call",
            "LLM call",
            show=False,
            tooltip="Inspect an LLM call: the messages, tools and parameters it was sent, "
            "and its reply (the selected step's call, else the latest)",
        ),
        Binding(
            "d",
            "diff",
            "Diff",
            show=False,
            tooltip="What the selected step changed in the state (against the step before, "
            "or the pinned one)",
        ),
        Binding(
            "D",
            "pin_diff_base",
            "Pin diff base",
            show=False,
            tooltip="Diff other steps against the selected one (D again unpins)",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            key_display="/",
            show=False,
            tooltip="Search the run's tokens, events, state and LLM calls",
        ),
        Binding(
            "right_square_bracket",
            "search_hit(1)",
            "Next hit",
            key_display="]",
            show=False,
            tooltip="Go to the next search hit",
        ),
        Binding(
            "left_square_bracket",
            "search_hit(-1)",
            "Previous hit",
            key_display="[",
            show=False,
            tooltip="Go to the previous search hit",
        ),
        Binding(
            "h",
            "history",
            "History",
            tooltip="Show the thread's checkpoints (branches, subgraph steps) in the timeline's place",
        ),
        Binding(
            "o",
            "run_on",
            "Run on",
            show=False,
            tooltip="Run on from the checkpoint in the inspector: the steps after it run again",
        ),
        Binding(
            "E",
            "edit_fork",
            "Edit & fork",
            key_display="E",
            show=False,
            tooltip="Edit the inspected state (or the selected value) and run on from the edit",
        ),
        Binding("space", "play", "Play", tooltip="Recording: play or pause"),
        Binding(
            "comma", "move(-1)", "◀ Event", key_display=",", tooltip="Recording: one event back"
        ),
        Binding(
            "full_stop", "move(1)", "Event ▶", key_display=".", tooltip="Recording: one event on"
        ),
        Binding(
            "less_than_sign",
            "move_step(-1)",
            "◀ Step",
            key_display="<",
            tooltip="Recording: back to the previous step",
        ),
        Binding(
            "greater_than_sign",
            "move_step(1)",
            "Step ▶",
            key_display=">",
            tooltip="Recording: on to the next step",
        ),
        Binding("t", "jump", "To step", tooltip="Recording: jump to a step"),
        Binding(
            "plus",
            "speed(1)",
            "Faster",
            key_display="+",
            show=False,
            tooltip="Recording: play faster",
        ),
        Binding(
            "minus",
            "speed(-1)",
            "Slower",
            key_display="-",
            show=False,
            tooltip="Recording: play slower",
        ),
        Binding("f", "follow", "Follow", tooltip="Follow the token stream on or off"),
        Binding("g", "graph", "Graph", tooltip="Show or hide the graph pane"),
        Binding("e", "events_filter", "Filter", show=False, tooltip="Cycle the events filter"),
        Binding(
            "l",
            "live_state",
            "Live state",
            tooltip="Back to the latest state (the inspector is pinned to a step)",
        ),
        Binding("y", "copy_json", "Copy", show=False, tooltip="Copy the selected value as JSON"),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Keys and panes"),
        Binding("q", "quit", "Quit", tooltip="Quit (asks first while a run is going)"),
    ]
    # Which keys apply in which status: the footer shows only what makes sense now.
    KEYS_BY_STATUS = {
        "pause": frozenset({RunStatus.RUNNING}),
        "cancel": frozenset({RunStatus.RUNNING, RunStatus.PAUSING}),
        "continue": frozenset(
            {
                RunStatus.IDLE,
                RunStatus.PAUSED,
                RunStatus.BREAKPOINT,
                RunStatus.CANCELLED,
                RunStatus.FAILED,
            }
        ),
        "next": frozenset(
            {
                RunStatus.IDLE,
                RunStatus.RUNNING,
                RunStatus.PAUSED,
                RunStatus.BREAKPOINT,
                RunStatus.CANCELLED,
                RunStatus.FAILED,
            }
        ),
        "answer": frozenset({RunStatus.INTERRUPTED}),
        "message": frozenset({RunStatus.DONE}),
        "run_on": STOPPED | ENDED,
        "edit_fork": STOPPED | ENDED,
    }

    def __init__(
        self,
        source: EventSource,
        *,
        reopen: Callable[[], EventSource] | None = None,
        autostart: bool = True,
        first_input: Any = NO_INPUT,
    ) -> None:
        """``reopen`` opens a fresh source on the same graph ("Reload graph from
        disk"); it raises ``SessionError`` with the reason when the graph no longer
        loads. ``first_input`` is the input the first run starts with (``--input``,
        ``--message``); without it the graph's default input, or a question."""
        super().__init__()
        self.source = source
        self.reopen = reopen
        self.autostart = autostart
        self.first_input = first_input
        self.closing = False
        self.model = RunView()
        self.model.graph = source.name
        self.model.thread_id = source.thread_id
        self._interrupt_open = False
        self.diff_base: CheckpointInfo | None = None
        self.search_result: SearchResult | None = None
        self._last_frame = time.monotonic()
        self._pacer = FramePacer(time.thread_time())
        self._frames_paused = False
        self._history_mark: tuple[int, RunStatus] | None = None
        self._loader: threading.Thread | None = None
        self._show_loading()

    class GraphLoaded(Message):
        """From the loading thread: an attempt to (re)load the graph ended."""

        def __init__(self, session: EventSource | None, problem: str = "") -> None:
            self.session = session
            self.problem = problem  # the loader's one line when it failed
            super().__init__()

    @property
    def loading(self) -> LoadingSource | None:
        """The stand-in for the graph while it loads (or after it failed to)."""
        return self.source if isinstance(self.source, LoadingSource) else None

    @property
    def load_problem(self) -> str:
        """Why the graph did not load (the loader's one line); empty once it has."""
        loading = self.loading
        return loading.problem if loading is not None else ""

    # -- the app's own safety: one literal path, one way out --------------------------------

    def exit(
        self,
        result: int | None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        # Quitting twice (q y q typed faster than a frame) is quitting once.
        if self.closing:
            return
        self.closing = True
        if hasattr(self, "_frames"):  # mounted
            self._frames.stop()
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        # Keys and clicks still queued when the app tears down its screens have
        # nowhere to go: Textual would look for a screen that is gone.
        if isinstance(event, events.InputEvent) and not self.screen_stack:
            return
        await super().on_event(event)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.open_screen(GuardedCommandPalette(id="--command-palette"))

    def refresh_bindings(self) -> None:
        if self.screen_stack:  # a message handled after the screens are gone
            super().refresh_bindings()

    def open_screen(
        self, screen: Screen[Any], callback: Callable[[Any], None] | None = None
    ) -> None:
        """Push a screen, unless the app is on its way out (a key that arrived after
        quit would open a dialog that is never drawn)."""
        if self.closing or not self.is_running:
            return
        self.push_screen(screen, callback)

    # -- layout -----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return DirtyLinesScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Timeline(self.model, id="timeline", classes="pane")
                yield HistoryPane(id="history", classes="pane")
                yield StatePane(id="state", classes="pane")
            with Vertical(id="right"):
                yield TokenView(self.model, id="tokens", classes="pane")
                yield EventsPane(self.model, id="events", classes="pane")
            yield GraphPane(id="graph", classes="pane")
        yield KeysBar(id="keys")

    def on_mount(self) -> None:
        # Held once: the frame timer can outlive the widgets by a tick at shutdown,
        # and a query per pane per frame is work for nothing.
        self.timeline = self.query_one(Timeline)
        self.tokens = self.query_one(TokenView)
        self.events_pane = self.query_one(EventsPane)
        self.state_pane = self.query_one(StatePane)
        self.graph_pane = self.query_one(GraphPane)
        self.history_pane = self.query_one(HistoryPane)
        self.history_pane.read_only = self.source.read_only
        self.status_bar = self.query_one(StatusBar)
        # The panes every frame of a stream refreshes: their idle wake-ups are held.
        self._held_idle = HeldIdle()
        for pane in (self.tokens, self.tokens.vertical_scrollbar, self.timeline, self.status_bar):
            self._held_idle.hold(pane)
        self.timeline.border_title = Text("Timeline")
        self.tokens.border_title = Text("Live tokens")
        if self.loading is None:
            self._graph_structure()
        self._refresh_panes(self.model.take_dirty() | Part.STATUS)
        self._frames = FrameClock(FRAME_S, self._drain, self._handle_exception)
        self._app_loop = asyncio.get_running_loop()
        if not self.source.read_only:  # a recording moves only when its player does
            self.source.add_listener(self._wake)
        # Everything alive now (LangGraph, LangChain, Textual, the panes) lives as
        # long as the app: keep it out of full collections, which otherwise walk it
        # all and stall a frame for ~100 ms (measured in benchmarks/bench_ui_frame.py).
        gc.freeze()
        if self.loading is not None:
            # The first frame first: the import shares the GIL with the drawing.
            self.call_after_refresh(self.reload_graph)
        elif self.autostart:
            self.call_after_refresh(self._autostart)

    def on_unmount(self) -> None:
        # However the app ends (a test's teardown does not go through exit()).
        if hasattr(self, "_frames"):
            self._frames.stop()

    def _autostart(self) -> None:
        if self.source.status == RunStatus.IDLE and not self.source.read_only:
            self._start_or_ask_input()

    def _graph_structure(self) -> None:
        graph = self.graph_pane
        try:
            graph.set_structure(
                self.source.graph_structure(), self.source.graph_structure(xray=True)
            )
        except Exception as exc:  # a graph that cannot draw itself is still debuggable
            graph.border_title = Text(f"Graph (cannot draw: {type(exc).__name__})")

    # -- the per-frame drain -------------------------------------------------------------

    def _wake(self, event: Event) -> None:
        """A session listener (on the session's thread): the first event after a
        frame asks for the next one; the rest ride along with it."""
        if self._pacer.wake(event):
            with contextlib.suppress(RuntimeError):  # the app's loop is closed: nothing to show
                self._app_loop.call_soon_threadsafe(self._kick)

    def _kick(self) -> None:
        """Run frames again (at the frame rate's next tick, or now if it has passed)."""
        if self._frames_paused:
            self._frames_paused = False
            self._last_frame = time.monotonic()  # a player does not play the pause
            self._frames.resume()

    def _animating(self, batch: list[Any]) -> bool:
        """Whether the next frame can show something new without a new event."""
        player = self.source.player
        return (
            self.model.status.active  # the clock, the rate, running tasks' durations
            or (player is not None and player.playing)
            or len(batch) >= MAX_EVENTS_PER_FRAME  # more were waiting
            or bool(self._pacer.held)
        )

    def _drain(self) -> None:
        if not self.screen_stack or not self.is_running:  # the app is closing
            self._frames.stop()
            return
        if not self._pacer.frame_due(time.monotonic(), time.thread_time()):
            return
        player = self.source.player
        if player is not None:
            now = time.monotonic()
            player.advance(now - self._last_frame)
            self._last_frame = now
            if self.source.rewound():
                self._new_view()  # back in a recording: fold again from its start
            self.status_bar.player = player.label()
        batch = self.source.drain(MAX_EVENTS_PER_FRAME)
        if batch:
            self.model.apply(batch)
            for event in batch:
                if isinstance(event, Notice):
                    error = event.level == NoticeLevel.ERROR
                    self.notify(event.text, severity="error" if error else "warning", timeout=6)
                elif isinstance(event, RunFailed):
                    message = event.hint or f"{event.type}: {event.error}"
                    self.notify(message, title="run failed", severity="error", timeout=8)
            if not self.source.read_only and any(isinstance(e, Interrupted) for e in batch):
                self.call_after_refresh(self.action_answer)
        with self._held_idle.frame():
            self._refresh_panes(self.model.take_dirty())
            if isinstance(self.screen, DirtyLinesScreen):
                self.screen.paint_now()  # this frame's panes, without the hops to the screen
        if not self._animating(batch):
            self._frames_paused = True
            self._frames.pause()

    def _refresh_panes(self, dirty: Part) -> None:
        now = self.source.now()
        dirty, on_time = self._pacer.paced(dirty, time.monotonic())
        timeline = self.timeline
        if dirty & (Part.TASKS | Part.STATUS | Part.COUNTS):
            timeline.sync(now, set(self.source.interrupt_before))
        elif on_time:
            timeline.tick(now)
        if dirty & Part.TOKENS:
            self.tokens.sync()
        elif dirty & Part.STATUS and not self.model.blocks:
            self.tokens.refresh()  # "no model output yet" becomes "… in this run"
        if dirty & Part.LOG:
            self.events_pane.sync()
        state = self.state_pane
        if state.showing_store:
            if dirty & Part.STORE:
                self._show_store()
        elif dirty & Part.STATE and not state.pinned:
            self._show_live_state()
        if dirty & (Part.GRAPH | Part.TASKS | Part.STATUS):
            self._mark_graph()
        if dirty & (Part.STATE | Part.STATUS) and self.showing_history:
            mark = (len(self.model.checkpoints), self.model.status)
            if mark != self._history_mark:  # a new checkpoint, or the run stopped
                self._history_mark = mark
                self._load_history()
        if on_time or dirty & ~(Part.TOKENS | Part.COUNTS):
            self._update_status(now)

    def _update_status(self, now: float) -> None:
        bar = self.status_bar
        model = self.model
        if bar.status != model.status:
            self.refresh_bindings()
        # The running run's model while it runs; otherwise the one the next run uses.
        upcoming = self.source.model_label
        model_label = (
            model.model_label if self.source.status.active else upcoming or model.model_label
        ) or ""
        bar.show(
            graph=model.graph or self.source.name,
            thread_id=model.thread_id or self.source.thread_id,
            model_label=model_label,
            step=model.current_step(),
            status=model.status,
            detail=model.status_detail,
            tokens=model.tokens_out,
            rate=model.tokens_per_second(now),
            elapsed=model.elapsed(now),
            follow=self.tokens.follow,
            steps_used=model.steps_used(),
            recursion_limit=model.recursion_limit,
            input_tokens=tuple(model.input_tokens_per_call()),
        )

    def _show_live_state(self) -> None:
        info = self.model.latest_checkpoint()
        self.state_pane.show(info, self.model.parent_values(info) if info else None, pinned=False)

    def _mark_graph(self) -> None:
        model = self.model
        tasks = model.task_index  # figures per node: a fan-out's thousands of tasks are not walked
        self.graph_pane.update_marks(
            running=tasks.running_nodes(),
            visited=set(tasks.visited),
            next_nodes=model.stopped_next(),
            breakpoints=set(self.source.interrupt_before),
            inner_running=tasks.running_nodes(inner=True),
            inner_visited=set(tasks.inner_visited),
            failed={node for node, row in tasks.latest.items() if row.status == TaskStatus.ERROR},
        )

    # -- pane messages ---------------------------------------------------------------------

    def on_timeline_row_highlighted(self, message: Timeline.RowHighlighted) -> None:
        row = message.row
        if row is None:
            return
        info = self.model.checkpoint_after(row)
        latest = self.model.latest_checkpoint()
        pinned = info is not None and (latest is None or info.checkpoint_id != latest.checkpoint_id)
        if info is None:
            self.state_pane.show(
                latest, None, pinned=False, note=f"step {row.step} has no checkpoint yet"
            )
            return
        if info.values is None:
            # Older steps' states are not held: read from the checkpointer when looked at.
            self._show_checkpoint(info.checkpoint_id, info.ns)
            return
        self.state_pane.show(info, self.model.parent_values(info), pinned=pinned)
        self.refresh_bindings()  # `l` (back to live) shows only while pinned

    def on_history_pane_entry_highlighted(self, message: HistoryPane.EntryHighlighted) -> None:
        entry = message.entry
        self._show_checkpoint(entry.checkpoint_id, entry.ns)

    @work(exclusive=True, group="checkpoint")
    async def _show_checkpoint(self, checkpoint_id: str, ns: tuple[str, ...]) -> None:
        try:
            state = await asyncio.wrap_future(self.source.checkpoint_state(checkpoint_id, ns))
        except Exception as exc:  # a checkpoint gone from the store: say so, keep going
            self.notify(str(exc), severity="warning", timeout=4)
            return
        info = CheckpointInfo(
            checkpoint_id,
            state["step"] if state["step"] is not None else -1,
            ns,
            state["parent_id"],
            list(state["next"]),
            state["values"],
        )
        latest = self.model.latest_checkpoint()
        pinned = latest is None or latest.checkpoint_id != checkpoint_id
        self.state_pane.show(info, state["parent_values"], pinned=pinned)
        self.refresh_bindings()

    def on_timeline_row_selected(self, message: Timeline.RowSelected) -> None:
        if message.row.input_dropped:
            self._open_task_read_back(message.row)
        else:
            self.open_screen(screens.TaskDetailScreen(message.row, calls=self.model.llm_calls))

    @work(exclusive=True, group="task-input")
    async def _open_task_read_back(self, row: TaskRow) -> None:
        """A task of an older step: its input is the state before its step, read back."""
        after = self.model.checkpoint_after(row)
        state: Any = None
        if after is not None and after.parent_id:
            try:
                read = self.source.checkpoint_state(after.parent_id, after.ns)
                state = (await asyncio.wrap_future(read))["values"]
            except Exception as exc:
                state = f"(the state before step {row.step} could not be read: {exc})"
        self.open_screen(screens.TaskDetailScreen(row, state, self.model.llm_calls))

    def on_token_view_call_selected(self, message: TokenView.CallSelected) -> None:
        self.open_call(message.call)

    def on_token_view_follow_changed(self, message: TokenView.FollowChanged) -> None:
        self.status_bar.follow = message.follow

    # -- actions: the keys -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.closing:
            return False  # keys that land while the app exits do nothing
        if self.loading is not None and action in _GRAPH_ACTIONS:
            return False  # not in the footer; pressed, it says why (run_action)
        if action == "live_state":
            return self.state_pane.pinned
        if action in _PLAYER_ACTIONS:
            return self.source.player is not None
        if action in _RUN_ACTIONS and self.source.read_only:
            return False  # a recording is looked at, not run
        allowed = self.KEYS_BY_STATUS.get(action)
        if allowed is None:
            return True
        if self.source.read_only:
            return False
        return self.model.status in allowed

    def _run_op(self, op: Callable[[], Any], done: str | None = None) -> None:
        """Call a session operation; report its SessionError (now or later) on screen."""
        try:
            result = op()
        except SessionError as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            return
        if isinstance(result, Future):
            self._report(result, done)
        elif done:
            self.notify(done, timeout=3)

    @work(group="session-ops")
    async def _report(self, future: Future[Any], done: str | None) -> None:
        # Awaited on the app's loop: a future that is already done when it is
        # handed over would run a done-callback on this thread, not the engine's.
        try:
            await asyncio.wrap_future(future)
        except Exception as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            return
        if done:
            self.notify(done, timeout=3)

    def action_pause(self) -> None:
        self._run_op(self.source.pause)

    def action_continue(self) -> None:
        if self.model.status == RunStatus.INTERRUPTED:
            self.action_answer()
        elif self.source.status == RunStatus.IDLE:
            self._start_or_ask_input()
        else:
            self._run_op(self.source.resume)

    def _start_or_ask_input(self) -> None:
        first, self.first_input = self.first_input, NO_INPUT
        if first is not NO_INPUT:
            self._run_op(lambda: self.source.start(first))
        elif self.source.needs_input():
            self._ask_input(lambda value: self._run_op(lambda: self.source.start(value)))
        else:
            self._run_op(self.source.start)

    def action_message(self) -> None:
        """The next turn on this thread: a message (or input) to the finished run."""
        self._ask_input(
            lambda value: self._run_op(lambda: self.source.start(value)),
            title=f"Next input on thread {self.source.thread_id}",
        )

    def action_next(self) -> None:
        if self.source.status == RunStatus.IDLE and self.source.needs_input():
            self._ask_input(lambda value: self._run_op(lambda: self.source.start(value, step=True)))
        else:
            self._run_op(self.source.step_once)

    def action_cancel(self) -> None:
        self._run_op(self.source.cancel)

    def action_rerun(self) -> None:
        self._run_op(self.source.rerun)

    def action_follow(self) -> None:
        tokens = self.tokens
        tokens.set_follow(not tokens.follow)
        self.notify(
            "following the token stream"
            if tokens.follow
            else "not following: new tokens arrive below (f follows again)",
            timeout=3,
        )

    def action_graph(self) -> None:
        wide = self.screen.has_class("-wide")
        self.screen.toggle_class("hide-graph" if wide else "show-graph")

    def action_inspect_call(self) -> None:
        row = self.timeline.selected_row
        calls = self.model.llm_calls
        if row is not None and row.calls:
            self.open_call(row.calls[-1])
        elif row is not None:
            # A step without a call of its own (a tools step): the call that led to it.
            before = [c for c in calls if c.step is not None and c.step <= row.step]
            self.open_call(before[-1] if before else None)
        else:
            self.open_call(None)

    def open_call(self, call: LlmCall | None) -> None:
        """The LLM call inspector on ``call`` (default: the run's latest call)."""
        calls = self.model.llm_calls
        call = call if call is not None else (calls[-1] if calls else None)
        if call is None:
            self.notify("no LLM call in this run yet", severity="warning", timeout=3)
            return
        self.open_screen(screens.LlmCallScreen(calls, call))

    def _selected_checkpoint(self) -> CheckpointInfo | None:
        row = self.timeline.selected_row
        return self.model.checkpoint_after(row) if row else self.model.latest_checkpoint()

    def action_diff(self) -> None:
        info = self._selected_checkpoint()
        if info is None:
            self.notify("no step has a checkpoint yet", severity="warning", timeout=3)
            return
        self.open_screen(screens.StepDiffScreen(self.model.steps_of(info), info, self.diff_states))

    async def diff_states(self, info: CheckpointInfo) -> tuple[Any, Any, str]:
        """The values a diff compares (before, after) and what ``before`` is; states
        the view no longer holds are read back from the source."""
        base, against = self.diff_base_for(info)
        after = info.values
        before = base.values if base is not None else None
        if after is None or (base is not None and before is None):
            read = self.source.checkpoint_state(info.checkpoint_id, info.ns)
            state = await asyncio.wrap_future(read)
            after = state["values"]
            if base is not None and before is None:
                if base.checkpoint_id == info.parent_id:
                    before = state["parent_values"]
                else:
                    read = self.source.checkpoint_state(base.checkpoint_id, base.ns)
                    before = (await asyncio.wrap_future(read))["values"]
        return before, after, against

    def diff_base_for(self, info: CheckpointInfo) -> tuple[CheckpointInfo | None, str]:
        """What ``info`` is compared with: the pinned step (in the same graph), else
        the checkpoint before it."""
        pinned = self.diff_base
        if pinned is not None and pinned.ns == info.ns and pinned is not info:
            return pinned, f"pinned step {pinned.step}"
        parent = self.model.checkpoints.get(info.parent_id or "")
        if parent is None:
            return None, "an empty state (no step before it)"
        return parent, f"step {parent.step}, the one before"

    def action_pin_diff_base(self) -> None:
        info = self._selected_checkpoint()
        if info is None or info is self.diff_base:
            self.diff_base = None
            self.notify("diffs are against the step before again", timeout=3)
            return
        self.diff_base = info
        self.notify(f"diffs are against step {info.step} now (D again unpins)", timeout=3)

    def action_search(self) -> None:
        def searched(result: SearchResult | None) -> None:
            if result is not None:
                self.search_result = result
                self.go_to_hit(result.hits[result.index], result)

        query = self.search_result.query if self.search_result else ""
        self.open_screen(
            screens.SearchScreen(lambda text: search(self.model, text), query), searched
        )

    def action_search_hit(self, delta: int) -> None:
        result = self.search_result
        if result is None:
            self.notify("no search yet: / searches", severity="warning", timeout=3)
            return
        # Searched again: the run may have gone on since.
        result.hits = search(self.model, result.query) or result.hits
        result.index = (result.index + delta) % len(result.hits)
        self.go_to_hit(result.hits[result.index], result)

    def go_to_hit(self, hit: Hit, result: SearchResult) -> None:
        """Select what holds ``hit``: its step in the timeline, and the block, entry,
        state value or LLM call in its pane."""
        self.notify(
            f"hit {result.index + 1} of {len(result.hits)}: {hit.kind} · {hit.where}", timeout=3
        )
        if hit.task_id is not None:
            self._select_task(hit.task_id)
        if hit.kind == HitKind.TOKENS and hit.block is not None:
            self.tokens.scroll_to_block(hit.block)
        elif hit.kind == HitKind.EVENTS and hit.entry is not None:
            self.events_pane.scroll_to_entry(hit.entry)
        elif hit.kind == HitKind.STATE and hit.checkpoint is not None:
            info = hit.checkpoint
            rows = self.timeline.rows
            index = next(
                (i for i, r in enumerate(rows) if r.ns == info.ns and r.step == info.step), -1
            )
            if index >= 0:
                self.timeline.cursor = index
            latest = self.model.latest_checkpoint()
            pinned = latest is None or latest.checkpoint_id != info.checkpoint_id
            self.state_pane.show(info, self.model.parent_values(info), pinned=pinned)
            self.state_pane.value_tree.reveal(hit.path)
            self.refresh_bindings()
        elif hit.kind == HitKind.LLM_CALL and hit.call is not None:
            self.open_screen(screens.LlmCallScreen(self.model.llm_calls, hit.call, hit.path))

    def _select_task(self, task_id: str) -> None:
        rows = self.timeline.rows
        index = next((i for i, r in enumerate(rows) if r.task_id == task_id), -1)
        if index >= 0:
            self.timeline.cursor = index

    def action_events_filter(self) -> None:
        self.events_pane.cycle_filter()  # the pane's title says which

    def action_store(self) -> None:
        if self.state_pane.showing_store:
            self._show_live_state()
        else:
            self._show_store()
        self.refresh_bindings()

    @work(exclusive=True, group="store")
    async def _show_store(self) -> None:
        changed = {store_path(list(ns), key) for ns, key in self.model.store_changes}
        try:
            items = await asyncio.wrap_future(self.source.store_items())
        except Exception as exc:  # the user's store failing is theirs to read, not a crash
            self.notify(str(exc), severity="warning", timeout=4)
            return
        self.state_pane.show_store(items, changed)

    @property
    def showing_history(self) -> bool:
        return self.screen.has_class("show-history")

    def action_history(self) -> None:
        self.screen.toggle_class("show-history")
        # Focus once the pane is shown: keys typed next must move in it, not elsewhere.
        if self.showing_history:
            self._load_history()
            self.call_after_refresh(self.history_pane.focus)
        else:
            self.call_after_refresh(self.timeline.focus)

    @work(exclusive=True, group="history")
    async def _load_history(self) -> None:
        try:
            entries = await asyncio.wrap_future(self.source.history())
        except Exception as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            return
        self.history_pane.show(entries)

    def _inspected(self) -> CheckpointInfo | None:
        """The checkpoint o and E act on: the one the inspector shows."""
        shown = self.state_pane.shown
        if shown is None or self.state_pane.showing_store:
            self.notify("no checkpoint in the inspector: pick a step first", severity="warning")
            return None
        if shown.ns:
            self.notify(
                "that is a subgraph's checkpoint: run on from the parent step that holds it",
                severity="warning",
            )
            return None
        return shown

    def action_run_on(self) -> None:
        info = self._inspected()
        if info is not None:
            self._run_op(
                lambda: self.source.replay_from(info.checkpoint_id),
                f"running on from step {info.step}",
            )
            self._show_live_state()

    def action_edit_fork(self) -> None:
        info = self._inspected()
        if info is None:
            return
        values = info.values if isinstance(info.values, dict) else {}
        picked = self.state_pane.value_tree.selected_value()
        path: tuple[Any, ...] = picked[0] if picked is not None and picked[0] else ()
        value = picked[1] if path and picked is not None else values
        where = ".".join(str(p) for p in path) or "the state"
        checkpoint_id = info.checkpoint_id

        def attempt(edited: Any, as_node: str | None) -> Future[Any]:
            change = _with_value(values, path, edited) if path else edited
            return self.source.fork(checkpoint_id, change, as_node=as_node)

        def done(forked: bool | None) -> None:
            if forked:
                self.notify(f"forked at step {info.step}: running on from the edit", timeout=3)
                self._show_live_state()
                self.refresh_bindings()

        self.open_screen(
            screens.StateEditScreen(
                f"Edit {where} at step {info.step}", value, self.source.node_names(), attempt
            ),
            done,
        )

    @work(exclusive=True, group="threads")
    async def action_switch_thread(self) -> None:
        try:
            ids = await asyncio.wrap_future(self.source.thread_ids())
        except Exception as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            return

        def chosen(thread_id: str | None) -> None:
            if thread_id and thread_id != self.source.thread_id:
                self._switch_thread(thread_id, self.source.thread_id)

        self.open_screen(screens.ThreadPickerScreen(ids, self.source.thread_id), chosen)

    @work(exclusive=True, group="switch-thread")
    async def _switch_thread(self, thread_id: str, back_to: str) -> None:
        # The view starts empty before the engine shows the thread (its events follow);
        # a refused switch emitted nothing, and the old thread is shown again.
        self._new_view()
        self.model.thread_id = thread_id
        self._refresh_panes(Part.ALL)
        try:
            await asyncio.wrap_future(self.source.switch_thread(thread_id))
        except Exception as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            self._new_view()
            self._run_op(lambda: self.source.switch_thread(back_to))
            return
        self.notify(f"thread {thread_id}", timeout=3)

    def _new_view(self) -> None:
        """An empty view for the panes, to fold events into from the start."""
        self.model = RunView()
        self.model.graph = self.source.name
        self.model.thread_id = self.source.thread_id
        for pane in (self.timeline, self.tokens, self.events_pane):
            pane.model = self.model

    # -- a recording's player ----------------------------------------------------------

    # Each moves the player, which no event announces: the frames show it.

    def action_play(self) -> None:
        if self.source.player is not None:
            self.source.player.toggle()
            self._kick()

    def action_move(self, events: int) -> None:
        if self.source.player is not None:
            self.source.player.move(events)
            self._kick()

    def action_move_step(self, steps: int) -> None:
        if self.source.player is not None:
            self.source.player.move_step(steps)
            self._kick()

    def action_speed(self, by: int) -> None:
        if self.source.player is not None:
            self.notify(f"playing at {self.source.player.faster(by):g}×", timeout=2)
            self._kick()

    def action_jump(self) -> None:
        player = self.source.player
        if player is None:
            return
        steps = [step for _, step in player.step_starts]
        if not steps:
            self.notify("the recording has no steps to jump to", severity="warning")
            return

        def chosen(step: int | None) -> None:
            if step is not None and player.jump_to_step(step):
                self.notify(f"at step {step}", timeout=2)
                self._kick()

        player.playing = False  # the jump lands where it was asked, not further on

        self.open_screen(screens.StepPickerScreen(steps, player.step), chosen)

    def action_live_state(self) -> None:
        self._show_live_state()
        self.refresh_bindings()

    def action_copy_json(self) -> None:
        focused = self.focused
        tree = focused if isinstance(focused, CopyableTree) else self.state_pane.value_tree
        tree.action_copy_json()

    def action_breakpoint(self) -> None:
        node = self._selected_node()
        if node is not None:
            self._toggle_breakpoint(node)
            return
        nodes = self.source.node_names()

        def picked(choice: str | None) -> None:
            if choice:
                self._toggle_breakpoint(choice)

        self.open_screen(
            screens.NodePickerScreen(
                nodes, set(self.source.interrupt_before), "Breakpoint before which node?"
            ),
            picked,
        )

    def _selected_node(self) -> str | None:
        focused = self.focused
        graph = self.graph_pane
        if focused is graph:
            return graph.highlighted_node()
        row = self.timeline.selected_row
        if row is not None and not row.ns:
            return row.node
        return None

    def _toggle_breakpoint(self, node: str) -> None:
        try:
            on = self.source.toggle_breakpoint(node)
        except SessionError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.notify(f"breakpoint {'set before' if on else 'cleared from'} {node}", timeout=3)
        self._refresh_panes(Part.TASKS | Part.GRAPH)

    def action_answer(self) -> None:
        if self._interrupt_open or self.closing:
            return
        interrupts = self.model.interrupts
        if not interrupts or self.model.status != RunStatus.INTERRUPTED:
            self.notify("no interrupt is waiting for an answer", severity="warning", timeout=3)
            return
        self._interrupt_open = True

        def answered(answers: dict[str, Any] | None) -> None:
            self._interrupt_open = False
            if not answers:
                return
            if len(interrupts) == 1:
                ((interrupt_id, value),) = answers.items()
                self._run_op(lambda: self.source.answer(value, interrupt_id))
            else:
                self._run_op(lambda: self.source.answer(answers))

        self.open_screen(screens.InterruptScreen(interrupts), answered)

    def _ask_input(self, then: Callable[[Any], None], title: str | None = None) -> None:
        def given(value: Any) -> None:
            if value is not screens.RunInputScreen.CANCELLED:
                then(value)

        self.open_screen(
            screens.RunInputScreen(
                self.source.input_keys(), title or f"Input for {self.source.name}"
            ),
            given,
        )

    def action_help(self) -> None:
        self.open_screen(screens.HelpScreen([b for b in self.BINDINGS if isinstance(b, Binding)]))

    async def run_action(
        self,
        action: str | Any,
        default_namespace: Any = None,
        namespaces: Any = None,
    ) -> bool:
        loading = self.loading
        if (
            loading is not None
            and isinstance(action, str)
            and default_namespace in (None, self)
            and action.partition("(")[0] in _GRAPH_ACTIONS
            and not self.closing
        ):
            self.notify(loading.why_not, severity="warning", timeout=4)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    async def action_quit(self) -> None:
        # Every way out (q, ctrl+q, the palette's Quit) comes here.
        if not self.source.status.active:
            self.exit(0)
            return
        if isinstance(self.screen, screens.ConfirmScreen):
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self.exit(0)

        self.open_screen(
            screens.ConfirmScreen("A run is going. Quit anyway? Its last checkpoint is kept."),
            decided,
        )

    # -- command palette -------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action != "quit":
                action = binding.action
                yield SystemCommand(
                    f"{binding.description} ({binding.key_display or binding.key})",
                    binding.tooltip or f"same as pressing {binding.key_display or binding.key}",
                    lambda action=action: self.run_action(action),
                )
        if self.source.model_switcher is not None:
            yield SystemCommand(
                "Switch model",
                "Pick the chat model for the next run (lists what Ollama has pulled)",
                self.action_switch_model,
            )
        if self.loading is None and not self.source.read_only and not self.source.status.active:
            yield SystemCommand(
                "Switch thread",
                "Open another thread of this checkpointer (its history, its pending interrupt)",
                self.action_switch_thread,
            )
        loading = self.loading
        if (self.reopen is not None and loading is None) or (
            loading is not None and loading.status == RunStatus.NOT_LOADED
        ):
            yield SystemCommand(
                "Reload graph from disk",
                "Re-import the graph file and start over",
                self.reload_graph,
            )

    def action_switch_model(self) -> None:
        switcher = self.source.model_switcher
        if switcher is None:
            return

        def chosen(label: str | None) -> None:
            if not label:
                return
            try:
                applied = self.source.switch_model(label)
            except SessionError as exc:
                self.notify(str(exc), severity="warning")
                return
            self.notify(f"model: {applied} from the next run (r runs again)", timeout=4)
            self._kick()  # the status bar names the model the next run uses

        self.open_screen(screens.ModelPickerScreen(switcher), chosen)

    def reload_graph(self) -> None:
        """Load the graph (again) on a thread: user code can be slow to import, or fail.
        While the first load goes on the app shows LOADING; a reload keeps the old
        graph until the new one is ready."""
        loading = self.loading
        load = loading.load if loading is not None else self.reopen
        if load is None:
            return
        if self._loader is not None and self._loader.is_alive():
            self.notify("the graph is loading already", timeout=3)
            return
        if loading is not None:
            loading.attempt()
            self._show_loading()
        # A daemon thread, not a worker: quitting must not wait for a slow import.
        self._loader = threading.Thread(
            target=self._load_in_background, args=(load,), daemon=True, name="load-graph"
        )
        self._loader.start()

    def _load_in_background(self, load: Callable[[], EventSource]) -> None:
        try:
            session = load()
        except SessionError as exc:
            self.post_message(self.GraphLoaded(None, str(exc)))
            return
        except Exception as exc:  # a loader's own bug: said, not LOADING forever
            self.post_message(
                self.GraphLoaded(None, f"loading the graph failed: {type(exc).__name__}: {exc}")
            )
            return
        if not self.post_message(self.GraphLoaded(session)):
            session.close()  # the app has closed meanwhile: nobody will take it

    def on_debugger_app_graph_loaded(self, message: GraphLoaded) -> None:
        if message.session is None:
            self._load_failed(message.problem)
        elif self.closing:
            message.session.close()
        else:
            self._swap_source(message.session, first=self.loading is not None)

    def _show_loading(self) -> None:
        """The status bar and the panes say what the stand-in is at: loading, or why not."""
        loading = self.loading
        if loading is None:
            return
        self.model.status = loading.status
        self.model.status_detail = loading.problem or f"importing {loading.name}"
        self.model.dirty |= Part.STATUS
        self._kick()  # no event says so: the next frame shows it

    def _load_failed(self, message: str) -> None:
        loading = self.loading
        if loading is not None:
            loading.failed(message)
            self._show_loading()
            self.notify(message, title="the graph did not load", severity="error", timeout=8)
            self._refresh_panes(self.model.take_dirty())
            return
        self.model.add_log(LogKind.ERROR, self.source.now(), f"reload failed: {message}")
        self.notify(
            message, title="reload failed; the old graph stays", severity="error", timeout=8
        )
        self._refresh_panes(Part.LOG)

    def _swap_source(self, session: EventSource, *, first: bool = False) -> None:
        old = self.source
        self.source = session
        for listener in old.listeners:  # a recording follows the reload
            session.add_listener(listener)
        old.close()
        self.history_pane.read_only = session.read_only
        self._new_view()
        self._graph_structure()
        if first:
            # LangGraph, LangChain and the graph's module were imported after the app
            # froze what it had at mount: without this, every full collection during
            # a run walks them all again (~100 ms each, measured in
            # benchmarks/bench_tui_cpu.py).
            gc.freeze()
        else:
            self.notify("graph reloaded", timeout=3)
        self._refresh_panes(self.model.take_dirty() | Part.STATUS)
        self.refresh_bindings()  # the keys that needed the graph apply now
        self._autostart()


def _with_value(values: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """The top-level key ``path`` starts at, with the value at ``path`` replaced."""
    if len(path) == 1:
        return {path[0]: value}
    top: Any = copy.deepcopy(values.get(path[0]))
    target = top
    for part in path[1:-1]:
        target = target[part]
    target[path[-1]] = value
    return {path[0]: top}
