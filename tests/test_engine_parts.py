"""The session's parts, each on its own: the event bus, the checkpointer, the watchdog."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, LLMResult
from langgraph.checkpoint.memory import InMemorySaver

from tui.engine.checkpointer import Checkpointer
from tui.engine.event_bus import EventBus
from tui.engine.events import Custom, Event, LlmFinished, Notice, Token
from tui.engine.llm_stats import LlmStatsHandler
from tui.engine.status import NoticeLevel
from tui.engine.watchdog import LoopWatchdog


def _bus(origin: float = 0.0) -> tuple[EventBus, list[Event]]:
    seen: list[Event] = []
    clock = iter(range(1000))
    return EventBus(lambda: float(next(clock)), seen.append, origin=origin), seen


def test_the_bus_numbers_times_and_delivers_in_one_order():
    bus, observed = _bus(origin=-10.0)
    got: list[Event] = []
    bus.add_listener(got.append)
    for n in range(3):
        bus.emit(Custom(data=n))
    bus.emit_token(Token(node="n", text="a", message_id="m"), bus.generation)
    # A time is the clock's, from the origin the bus was given (the session's start).
    assert [(e.seq, e.t) for e in got] == [(0, 10.0), (1, 11.0), (2, 12.0), (3, 13.0)]
    assert [e.data for e in got[:3]] == [0, 1, 2]
    assert observed == got[:3]
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


def test_each_llm_call_counts_its_own_chunks_when_calls_stream_at_once():
    """Two calls whose chunks interleave (a fan-out): each call's chunks, first token
    and end are its own, whichever UUID object its events carry."""
    now = iter(range(100))
    finished: list[Event] = []
    stats = LlmStatsHandler(finished.append, lambda: float(next(now)))
    a, b = uuid.uuid4(), uuid.uuid4()
    stats.on_chat_model_start({}, [[]], run_id=a)  # t=0
    stats.on_chat_model_start({}, [[]], run_id=b)  # t=1
    chunk = ChatGenerationChunk(message=AIMessageChunk(content="w"))
    # a at t=2, b at t=3 (as an equal UUID, not the same object), then a, a, b.
    for run_id in (a, uuid.UUID(str(b)), a, a, b):
        stats.on_llm_new_token("w", run_id=run_id, chunk=chunk, parent_run_id=None, tags=[])
    reply = LLMResult(generations=[[ChatGeneration(message=AIMessage(content="www"))]])
    stats.on_llm_end(reply, run_id=b)  # t=4
    stats.on_llm_new_token("late", run_id=b, chunk=chunk)  # after its end: no call's
    stats.on_llm_end(reply, run_id=a)  # t=5
    # A token that came before its call's start (no call yet), then the call.
    c = uuid.uuid4()
    stats.on_llm_new_token("early", run_id=c, chunk=chunk)
    stats.on_chat_model_start({}, [[]], run_id=c)  # t=6
    stats.on_llm_new_token("w", run_id=c, chunk=chunk)  # t=7
    stats.on_llm_end(reply, run_id=c)  # t=8
    calls = {e.run_id: e for e in finished if isinstance(e, LlmFinished)}
    assert (calls[str(a)].chunks, calls[str(a)].ttft_s, calls[str(a)].duration_s) == (3, 2.0, 5.0)
    assert (calls[str(b)].chunks, calls[str(b)].ttft_s, calls[str(b)].duration_s) == (2, 2.0, 3.0)
    assert (calls[str(c)].chunks, calls[str(c)].ttft_s) == (1, 1.0)


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
