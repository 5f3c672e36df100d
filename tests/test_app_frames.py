"""Frames run only when something changes, and repaint only what changed.

Counted, never timed: drains and paints over a few idle frame periods, the lines a
one-token frame repaints.
"""

from __future__ import annotations

import sys
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widget import Widget

from tests.app_helpers import settle, wait_status, wait_until
from tests.helpers import streaming_run
from tui.app.app import DebuggerApp
from tui.app.frame_pacer import FRAME_S
from tui.app.panes.timeline import Timeline
from tui.app.panes.tokens import TokenView
from tui.app.replay import ReplaySource
from tui.engine.events import (
    TaskFinished,
    TaskStarted,
)
from tui.engine.status import TaskStatus

IDLE_FRAMES = 6


def _count_calls(monkeypatch, owner: Any, name: str) -> list[int]:
    """A counter of calls to ``owner.name`` (a method of a class or an instance)."""
    calls = [0]
    original = getattr(owner, name)
    is_class = isinstance(owner, type)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting if not is_class else _unbound(counting))
    return calls


def _unbound(function: Any) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return function(self, *args, **kwargs)

    return method


async def test_a_finished_run_draws_nothing_until_something_happens(open_session, monkeypatch):
    session, _ = open_session("joke")
    app = DebuggerApp(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_status(pilot, "done")
        await settle(pilot)
        await pilot.pause(FRAME_S)  # the frame after the last event: nothing left to show
        drains = _count_calls(monkeypatch, session, "drain")
        paints = _count_calls(monkeypatch, Widget, "render_lines")
        await pilot.pause(IDLE_FRAMES * FRAME_S)
        assert (drains[0], paints[0]) == (0, 0)

        # The session's next event wakes the frames: a new run shows, and ends.
        thread = session.thread_id
        session.rerun()
        await wait_until(pilot, lambda: app.model.thread_id not in ("", thread), what="rerun")
        await wait_status(pilot, "done")
        assert drains[0] > 0 and paints[0] > 0


async def test_a_token_repaints_its_line_not_the_pane(monkeypatch):
    app = _one_token_to_come(120)  # several lines of one reply, below its header
    async with app.run_test(size=(100, 30)) as pilot:
        await _all_but_the_last_shown(pilot, app, 120)
        height = app.tokens.size.height
        lines = _count_calls(monkeypatch, TokenView, "render_line")
        await pilot.press("full_stop")  # one event on: the last token
        await wait_until(pilot, lambda: "word119" in app.tokens.plain_text(), what="last token")
        await pilot.pause()
        assert "word119" in "".join(
            strip.text for strip in app.screen._compositor.render_strips()
        )  # on screen, not only in the model
        assert 0 < lines[0] <= 2 < height


async def test_a_tick_repaints_the_running_rows_not_the_timeline(monkeypatch):
    events = streaming_run(3)
    events[2:2] = [
        TaskStarted(step=0, node="plan", task_id="p", t=0.0),
        TaskFinished(step=0, node="plan", task_id="p", status=TaskStatus.OK, duration_s=0.1),
    ]
    app = DebuggerApp(ReplaySource(events, name="stream.jsonl"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(app.timeline.rows) == 2, what="two tasks")
        await pilot.pause(FRAME_S)
        await pilot.pause()
        app._frames.pause()  # only the tick below draws
        timeline = app.timeline
        lines = _count_calls(monkeypatch, Timeline, "_draw_line")
        painted = _count_calls(monkeypatch, Timeline, "render_line")
        timeline.tick(timeline.now + 1.0)  # the running task's duration and bar move
        await pilot.pause()
        # Every visible line is looked at once; only the running row is drawn again
        # (the header, the finished row and the blank lines below stay).
        assert lines[0] == timeline.size.height
        assert painted[0] == 1
        assert "1.0" in timeline.render_lines_for_test()[2]


async def test_a_reply_header_is_drawn_again_when_what_it_shows_changes():
    """The pane keeps a streaming reply's heading from frame to frame; the model's
    first token ends its "waiting for the model" line."""
    events = streaming_run(1)
    source = ReplaySource(events, name="stream.jsonl")
    source.player.position = len(events) - 1  # the call started, its token still to come
    app = DebuggerApp(source)
    async with app.run_test(size=(100, 30)) as pilot:

        def screen() -> str:
            return "\n".join(strip.text for strip in app.screen._compositor.render_strips())

        await wait_until(pilot, lambda: "waiting for the model" in screen(), what="the wait")
        await pilot.press("full_stop")  # the token
        await wait_until(pilot, lambda: "word0" in screen(), what="the token")
        assert "waiting for the model" not in screen()


async def test_a_frame_paints_its_panes_itself(monkeypatch):
    """The frame that folds a token sends it to the terminal itself: not a hop
    later through the widgets' idle, an ``Update`` to the screen and the screen's
    update timer."""
    app = _one_token_to_come(30)
    async with app.run_test(size=(100, 30)) as pilot:
        await _all_but_the_last_shown(pilot, app, 30)
        sent: list[tuple[str, bool]] = []  # each piece of text sent, and if by a frame
        display = App._display

        def recording(self: App[Any], screen: Screen[Any], update: Any) -> None:
            in_frame = _on_stack("_drain")
            chops = getattr(update, "chops", [])
            sent.extend((s.text, in_frame) for line in chops for s in line.values() if s)
            display(self, screen, update)

        monkeypatch.setattr(App, "_display", recording)
        app.action_move(1)  # the last token (a key press would move the focus too)
        await wait_until(pilot, lambda: any("word29" in text for text, _ in sent), what="paint")
        assert all(in_frame for text, in_frame in sent if "word29" in text)


def _one_token_to_come(tokens: int) -> DebuggerApp:
    """The app on a recording of one streaming reply, played up to its last token."""
    events = streaming_run(tokens)
    source = ReplaySource(events, name="stream.jsonl")
    source.player.position = len(events) - 1
    return DebuggerApp(source)


async def _all_but_the_last_shown(pilot: Any, app: DebuggerApp, tokens: int) -> None:
    await wait_until(
        pilot, lambda: app.model.tokens_out == tokens - 1, what="all but the last token"
    )
    await pilot.pause(FRAME_S)  # and the frame after them
    await pilot.pause()


def _on_stack(function: str) -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == function:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


async def test_a_frame_that_painted_its_pane_does_not_wake_it_again(monkeypatch):
    """The token pane's refresh would ask its message pump for an idle turn, to tell
    the screen to paint it; the frame painted it, so no turn is asked for."""
    app = _one_token_to_come(30)
    async with app.run_test(size=(100, 30)) as pilot:
        await _all_but_the_last_shown(pilot, app, 30)
        posted: list[str] = []
        post = app.tokens.post_message

        def recording(message: Any) -> bool:
            posted.append(type(message).__name__)
            return post(message)

        monkeypatch.setattr(app.tokens, "post_message", recording)
        app.action_move(1)  # the last token
        await wait_until(pilot, lambda: "word29" in app.tokens.plain_text(), what="the token")
        await pilot.pause()
        assert "word29" in "".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "Prompt" not in posted, posted
