"""The session's parts, each on its own: the event bus, the checkpointer, the watchdog."""

from __future__ import annotations

import asyncio
import threading
import time

from langgraph.checkpoint.memory import InMemorySaver

from tui.engine.checkpointer import Checkpointer
from tui.engine.event_bus import EventBus
from tui.engine.events import Custom, Event, Notice, Token
from tui.engine.status import NoticeLevel
from tui.engine.watchdog import LoopWatchdog


def _bus() -> tuple[EventBus, list[Event]]:
    seen: list[Event] = []
    clock = iter(range(1000))
    return EventBus(lambda: float(next(clock)), seen.append), seen


def test_the_bus_numbers_times_and_delivers_in_one_order():
    bus, observed = _bus()
    got: list[Event] = []
    bus.add_listener(got.append)
    for n in range(3):
        bus.emit(Custom(data=n))
    assert [(e.seq, e.t, e.data) for e in got] == [(0, 0.0, 0), (1, 1.0, 1), (2, 2.0, 2)]
    assert observed == got
    assert bus.drain(limit=2) == got[:2] and bus.drain() == got[2:] and bus.drain() == []


def test_events_of_an_abandoned_run_are_dropped():
    bus, _ = _bus()
    stale = bus.generation
    bus.generation += 1
    bus.emit(Custom(data="late"), stale)
    bus.emit(Custom(data="now"), bus.generation)
    bus.emit(Custom(data="any"))
    assert [e.data for e in bus.drain()] == ["now", "any"]


def test_a_failing_listener_is_removed_and_reported():
    bus, _ = _bus()
    kept: list[Event] = []

    def broken(event: Event) -> None:
        raise OSError("disk full")

    bus.add_listener(broken)
    bus.add_listener(kept.append)
    bus.emit(Custom(data=1))
    bus.emit(Custom(data=2))
    assert bus.listeners == [kept.append]
    # The others hear about it right after the event the consumer failed on.
    assert [type(e).__name__ for e in kept] == ["Custom", "Notice", "Custom"]
    assert [e.seq for e in kept] == [0, 1, 2]
    notices = [e for e in bus.drain() if isinstance(e, Notice)]
    assert len(notices) == 1 and notices[0].level == NoticeLevel.ERROR
    assert "disk full" in notices[0].text


def test_a_listener_that_takes_no_tokens_gets_every_other_event_in_the_one_order():
    bus, observed = _bus()
    everything: list[Event] = []
    no_tokens: list[Event] = []
    bus.add_listener(everything.append)
    bus.add_listener(no_tokens.append, tokens=False)
    bus.emit(Custom(data=1))
    bus.emit_token(Token(node="n", text="a", message_id="m"), bus.generation)
    bus.emit(Token(node="n", text="b", message_id="m", last=True))
    bus.emit_token(Token(node="n", text="late", message_id="m"), bus.generation - 1)
    bus.emit(Custom(data=2))
    assert [e.seq for e in everything] == [0, 1, 2, 3]
    assert [e.seq for e in no_tokens] == [0, 3]
    assert [e.seq for e in observed] == [0, 3], "the owner's tracking sees no token"
    assert [e.seq for e in bus.drain()] == [0, 1, 2, 3]


def test_a_token_listener_that_fails_is_removed_from_every_list():
    bus, _ = _bus()
    told: list[Event] = []

    def broken(event: Event) -> None:
        raise OSError("pipe closed")

    bus.add_listener(broken)
    bus.add_listener(told.append, tokens=False)
    bus.emit_token(Token(node="n", text="a", message_id="m"), bus.generation)
    bus.emit(Custom(data=1))
    assert bus.listeners == [told.append]
    assert [type(e).__name__ for e in told] == ["Notice", "Custom"]


def test_the_checkpointer_is_the_graphs_own_else_memory_else_sqlite(tmp_path):
    own = InMemorySaver()

    def saved(config) -> None:
        pass

    async def scenario() -> None:
        assert (await Checkpointer("memory", own).open(saved)).inner is own
        memory = Checkpointer("memory", None)
        first = (await memory.open(saved)).inner
        assert isinstance(first, InMemorySaver) and (await memory.open(saved)).inner is first
        sqlite = Checkpointer(f"sqlite:{tmp_path / 'c.db'}", own)
        assert sqlite.persistent
        saver = (await sqlite.open(saved)).inner
        assert type(saver).__name__ == "AsyncSqliteSaver"
        await sqlite.close()

    asyncio.run(scenario())
    assert (tmp_path / "c.db").exists()


def test_the_heartbeat_rests_while_no_run_goes_and_wakes_for_one():
    warnings: list[float] = []
    watching = threading.Event()
    dog = LoopWatchdog(threshold_s=0.3, watching=watching.is_set, warn=warnings.append)
    loop = dog.start_loop()
    release = threading.Event()
    try:
        assert _within(10, lambda: not dog.beating)  # idle: no beat, no wake-ups
        watching.set()  # a run starts
        assert _within(10, lambda: dog.beating)
        loop.call(release.wait, 30)  # and blocks its loop: still noticed
        assert _within(10, lambda: bool(warnings))
        assert warnings[0] >= 0.3
    finally:
        release.set()
        dog.close()
        loop.stop()


def _within(seconds: float, condition) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_the_watchdog_warns_once_per_block_and_only_while_watching():
    warnings: list[float] = []
    watching = threading.Event()
    watching.set()
    warned = threading.Event()

    def warn(blocked_for: float) -> None:
        warnings.append(blocked_for)
        warned.set()

    dog = LoopWatchdog(threshold_s=0.3, watching=watching.is_set, warn=warn)
    loop = dog.start_loop()
    release = threading.Event()
    try:
        loop.call(release.wait, 30)  # block the loop the heartbeat runs on
        assert warned.wait(10)
        release.set()
        assert warnings[0] >= 0.3 and len(warnings) == 1
    finally:
        release.set()
        dog.close()
        loop.stop()
