"""A recording's player: play and pause, event and step moves both ways, speed, jump
to a step, the history built from the recording, and a recording cut off by SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.app_helpers import put_cursor_on, wait_modal, wait_until
from tui.app.app import DebuggerApp
from tui.app.panes.history import HistoryPane
from tui.app.panes.state import StatePane
from tui.app.player import Player
from tui.app.replay import ReplaySource
from tui.app.screens.step_picker import StepPickerScreen
from tui.app.view.run_view import RunView
from tui.engine.events import Checkpoint
from tui.engine.recording import JsonlWriter, read_events

SIZE = (130, 40)
SAMPLES = Path(__file__).parent.parent / "sample_graphs"


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Path:
    """The ReAct sample's events, recorded once for the module."""
    path = tmp_path_factory.mktemp("rec") / "react.jsonl"
    from tui import providers
    from tui.engine.session import Session
    from tui.loading import load_graph

    # Module-scoped, so before the autouse fast-model fixture: set it here too.
    providers.set_active_model(providers.parse_model_spec("scripted:fast"))
    loaded = load_graph(str(SAMPLES / "react_agent.py"))
    session = Session(loaded.source.graph, name=loaded.name, default_input=loaded.default_input)
    writer = JsonlWriter.to_path(str(path))
    session.add_listener(writer)
    done = []
    session.add_listener(lambda e: done.append(e) if e.kind == "run_finished" else None)
    session.start().result(30)
    deadline = time.monotonic() + 60
    while not done and time.monotonic() < deadline:
        time.sleep(0.02)
    session.close()
    writer.close()
    providers.set_active_model(None)
    return path


def _fold(events) -> RunView:
    view = RunView()
    view.apply(list(events))
    return view


def test_any_position_shows_exactly_the_fold_of_the_events_before_it(recording):
    """Moving back and forth lands on the same view as folding the prefix once."""
    events = list(read_events(recording))
    source = ReplaySource(events, name="r")
    player = source.player
    view = RunView()
    view.apply(source.drain())
    for move in (-1, -5, 3, -40, 100, -7, 2):
        player.move(move)
        if source.rewound():
            view = RunView()
        view.apply(source.drain())
        expected = _fold(events[: player.position])
        assert [r.node for r in view.task_rows()] == [r.node for r in expected.task_rows()]
        assert view.values == expected.values and view.status == expected.status
        assert view.tokens_out == expected.tokens_out


def test_steps_jump_and_speed_move_by_checkpoints(recording):
    events = list(read_events(recording))
    player = Player(events, position=len(events))
    roots = [i for i, e in enumerate(events) if isinstance(e, Checkpoint) and not e.ns]
    player.move_step(-1)
    assert player.position == roots[-2] + 1
    player.move_step(-2)
    assert player.position == roots[-4] + 1
    player.move_step(1)
    assert player.position == roots[-3] + 1
    assert player.jump_to_step(2) and player.step == 2
    assert not player.jump_to_step(99)
    assert player.faster(1) == 2.0 and player.faster(-2) == 0.5


def test_playing_follows_the_recorded_times_at_the_chosen_speed(recording):
    events = list(read_events(recording))
    player = Player(events, position=len(events))
    player.toggle()  # at the end: plays again from the start
    assert player.playing and player.position == 0
    span = events[-1].t - events[0].t
    player.advance(span / 2)
    middle = player.position
    assert 0 < middle < len(events)
    player.faster(2)  # 4x
    player.advance(span / 4)
    assert player.at_end and not player.playing


async def test_player_keys_move_the_screen_back_and_forth(recording):
    app = DebuggerApp(ReplaySource(list(read_events(recording)), name="react.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.status == "done", what="the whole recording")
        player = app.source.player
        total = len(player.events)
        assert app.check_action("play", ()) and not app.check_action("rerun", ())
        await pilot.press("less_than_sign")
        await wait_until(pilot, lambda: app.model.status == "running", what="back one step")
        assert player.position < total
        back_rows = [(r.node, r.status) for r in app.model.task_rows()]
        await pilot.press("comma", "comma", "full_stop")
        assert player.position == player.step_starts[-2][0]
        await pilot.press("greater_than_sign")
        assert player.position == player.step_starts[-2][0] + 1  # step 4's boundary
        await pilot.press("greater_than_sign", "greater_than_sign")
        assert player.at_end
        await wait_until(pilot, lambda: app.model.status == "done", what="forward to the end")
        assert [(r.node, r.status) for r in app.model.task_rows()] != back_rows
        assert (
            "event 107/107" in app.status_bar.player or f"{total}/{total}" in app.status_bar.player
        )
        await pilot.press("t")
        await wait_modal(pilot, StepPickerScreen)
        await pilot.press("down", "down", "enter")  # steps -1, 0, 1
        await wait_until(pilot, lambda: player.step == 1, what="jumped to step 1")
        state = app.query_one(StatePane)
        await wait_until(pilot, lambda: state.shown is not None and state.shown.step == 1)
        await pilot.press("space")
        assert player.playing or player.at_end  # a fast recording may be over already
        await pilot.press("plus", "plus", "plus", "plus")
        await wait_until(pilot, lambda: player.at_end, what="played to the end")
        assert app.model.status == "done"


async def test_history_of_a_recording_and_its_states(recording):
    app = DebuggerApp(ReplaySource(list(read_events(recording)), name="react.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.model.status == "done")
        await pilot.press("h")
        pane = app.query_one(HistoryPane)
        await wait_until(pilot, lambda: len(pane.entries) == 7, what="7 checkpoints")
        assert [e.step for e in pane.entries] == [-1, 0, 1, 2, 3, 4, 5]
        assert pane.entries[2].ran == ["agent"] and pane.entries[2].next == ["tools"]
        put_cursor_on(pane, pane.root.children[2])
        state = app.query_one(StatePane)
        await wait_until(pilot, lambda: state.shown is not None and state.shown.step == 1)
        assert len(state.shown.values["messages"]) == 2


def test_a_recording_cut_off_by_sigkill_replays_to_its_last_whole_event(tmp_path):
    path = tmp_path / "cut.jsonl"
    env = {**os.environ, "LGTUI_TEST_STEP_DELAY": "0.3"}
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "run",
            str(Path(__file__).parent / "graphs" / "slow_steps.py"),
            "--headless",
            "--jsonl",
            str(path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if path.exists() and b'"task_started"' in path.read_bytes():
                break
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    with path.open("ab") as torn:
        torn.write(b'{"seq": 999, "kind": "tok')  # what a kill mid-write leaves
    events = list(read_events(path))
    assert events and events[-1].kind != "run_finished"
    source = ReplaySource(events, name="cut.jsonl")
    player = source.player
    assert player.position == len(events) and len(source.drain()) == len(events)
    player.move(-len(events))
    assert source.rewound() and source.drain() == []
    player.toggle()
    player.advance(3600)
    assert player.at_end and len(source.drain()) == len(events)
