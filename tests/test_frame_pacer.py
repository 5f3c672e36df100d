"""The frame pacer: which ticks draw, and what they show (no Textual, no clock:
times are given)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.app.frame_pacer import CLOCK_S, FRAME_S, FRAME_SHARE, MAX_FRAME_DELAY_S, FramePacer
from tui.app.view.records import Part
from tui.engine.events import Status, Token
from tui.engine.status import RunStatus

TOKEN = Token(node="n", text="x", message_id="m")


def test_the_first_event_after_a_frame_asks_for_one_and_the_rest_ride_along():
    pacer = FramePacer(cpu=0.0)
    assert [pacer.wake(TOKEN) for _ in range(3)] == [True, False, False]
    assert pacer.frame_due(clock=1.0, cpu=0.0)
    assert pacer.wake(TOKEN)  # after the frame, the next event asks again


def test_a_costly_frame_delays_the_next_but_not_a_new_status():
    pacer = FramePacer(cpu=0.0)
    assert pacer.frame_due(clock=1.0, cpu=0.0)
    cost = 0.012  # a flood's frame: drain and paint
    ticks = [1.0 + n * FRAME_S for n in range(1, 10)]
    due = [pacer.frame_due(t, cost) for t in ticks]
    waited = ticks[due.index(True)] - 1.0
    assert cost / FRAME_SHARE <= waited < cost / FRAME_SHARE + FRAME_S  # paid for, no more
    pacer.wake(Status(status=RunStatus.CANCELLED))
    assert pacer.frame_due(ticks[-1] + FRAME_S, 2 * cost)  # owed, but a status shows now


# Costs below the cap: each frame's cost is paid for in full before the next runs.
UNCAPPED = MAX_FRAME_DELAY_S * FRAME_SHARE


@given(st.lists(st.floats(min_value=0.0, max_value=UNCAPPED), min_size=5, max_size=200))
def test_the_app_thread_keeps_to_its_share_of_the_time(costs):
    pacer = FramePacer(cpu=0.0)
    clock, cpu, spent_in_frames = 0.0, 0.0, 0.0
    for cost in costs:
        clock += FRAME_S
        if pacer.frame_due(clock, cpu):
            cpu += cost  # the app's thread works on this frame
            spent_in_frames += cost
    # Every frame but the last was paid for by the time before the next one.
    assert spent_in_frames - max(costs) <= FRAME_SHARE * clock + 1e-9


PARTS = st.sampled_from([Part.NONE, Part.TOKENS, Part.COUNTS, Part.TASKS, Part.STATUS])


@given(st.lists(st.tuples(st.lists(PARTS, max_size=3), st.floats(0.0, 0.15)), max_size=60))
def test_figures_wait_for_the_clock_and_are_never_lost(frames):
    pacer = FramePacer(cpu=0.0)
    clock, last_tick, pending = 0.0, None, False
    for parts, step in frames:
        clock += step
        dirty = Part.NONE
        for part in parts:
            dirty |= part
        shown, ticks = pacer.paced(dirty, clock)
        assert shown & Part.TOKENS == dirty & Part.TOKENS  # text is never held
        forced = bool(dirty & (Part.TASKS | Part.STATUS))
        if ticks:
            assert forced or last_tick is None or clock - last_tick >= CLOCK_S
            last_tick = clock
            assert pacer.held == Part.NONE
            pending = False
        else:
            assert not shown & Part.COUNTS  # held for the clock
            pending = pending or bool(dirty & Part.COUNTS)
        assert pending == bool(pacer.held & Part.COUNTS)
