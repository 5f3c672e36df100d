"""Recordings: events survive the round trip, and a torn last line is tolerated."""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile import hostile_text
from tui.engine.event_bus import ListenerFailed
from tui.engine.events import Checkpoint, RunFinished, Token, Values, event_from_dict
from tui.engine.recording import JsonlWriter, RecordingError, dumps, read_events


def test_round_trip_keeps_every_field(tmp_path):
    path = tmp_path / "r.jsonl"
    writer = JsonlWriter.to_path(path)
    events = [
        Token(seq=0, t=0.5, ns=("sub:1",), node="n", text="[bold]x[/]\x1b[2J", message_id="m"),
        Checkpoint(
            seq=1, t=0.6, step=2, checkpoint_id="c", parent_id=None, next=["a"], values={"k": [1]}
        ),
        RunFinished(seq=2, t=0.7, status="done", values={"k": [1]}),
    ]
    for event in events:
        writer(event)
    writer.close()
    raw = path.read_text()
    assert "\x1b" not in raw  # control characters stay escaped in the file
    assert list(read_events(path)) == events


def test_torn_last_line_is_skipped_but_a_bad_middle_line_is_an_error(tmp_path):
    path = tmp_path / "r.jsonl"
    good = '{"seq": 0, "t": 0, "kind": "values", "ns": [], "values": {}}'
    path.write_text(good + "\n" + '{"seq": 1, "t": 0, "kind": "val')
    assert len(list(read_events(path))) == 1
    path.write_text('{"oops"\n' + good + "\n")
    with pytest.raises(RecordingError, match="line 1"):
        list(read_events(path))


def test_unknown_fields_are_ignored_for_forward_compatibility():
    event = event_from_dict({"seq": 3, "t": 1, "kind": "values", "ns": [], "values": {}, "new": 1})
    assert event.seq == 3


def test_writer_survives_a_closed_reader():
    class Broken:
        closed = False

        def write(self, _):
            raise BrokenPipeError

        def flush(self):
            pass

    writer = JsonlWriter(Broken())
    # It says so once (the session's bus reports it and drops the writer)...
    with pytest.raises(ListenerFailed, match="writing events to the output failed"):
        writer(RunFinished(status="done"))
    assert isinstance(writer.broken, BrokenPipeError)
    # ...and stays quiet after that.
    writer(RunFinished(status="done"))


def test_each_event_but_a_token_is_written_through_when_the_call_returns(tmp_path):
    path = tmp_path / "r.jsonl"
    writer = JsonlWriter.to_path(path)
    try:
        writer(Values(values={"a": 1}))
        writer(Token(node="n", text="t", message_id="m"))  # may wait for the next flush
        writer(Values(values={"a": 2}))  # flushes, with the token before it
        assert [json.loads(line)["kind"] for line in path.read_text().splitlines()] == [
            "values",
            "token",
            "values",
        ]
    finally:
        writer.close()


def test_a_token_that_waits_is_flushed_without_another_event(tmp_path):
    path = tmp_path / "r.jsonl"
    writer = JsonlWriter.to_path(path)
    try:
        writer(Values(values={}))
        writer(Token(node="n", text="last", message_id="m"))
        deadline = time.monotonic() + 30
        while '"last"' not in path.read_text():
            assert time.monotonic() < deadline, "the token never reached the file"
            time.sleep(0.005)
    finally:
        writer.close()


def test_a_token_written_on_an_event_loop_is_flushed_by_that_loop(tmp_path):
    # The engine writes tokens from its event loop: the batch's flush is a timer on
    # that loop, not a thread that would take the GIL from the stream.
    path = tmp_path / "r.jsonl"
    writer = JsonlWriter.to_path(path)

    async def stream() -> None:
        writer(Values(values={}))
        writer(Token(node="n", text="last", message_id="m"))
        while '"last"' not in path.read_text():
            await asyncio.sleep(0.005)

    threads = set(threading.enumerate())
    try:
        asyncio.run(asyncio.wait_for(stream(), timeout=30))
        assert set(threading.enumerate()) <= threads, "a flusher thread was started"
    finally:
        writer.close()


@pytest.mark.parametrize("on_a_loop", [False, True])
def test_a_stream_closed_under_waiting_tokens_breaks_the_writer_which_says_so(on_a_loop):
    # Tokens wait for a flush (a timer on the loop that wrote them, else the flusher
    # thread); the stream is closed by someone else meanwhile. The flush finds it:
    # nothing piles up waiting for a flush that never comes.
    out = io.StringIO()
    writer = JsonlWriter(out)

    def write() -> None:
        writer(Values(values={}))  # written through: the tokens after it may wait
        writer(Token(node="n", text="a", message_id="m"))
        out.close()
        writer(Token(node="n", text="b", message_id="m"))

    async def on_loop() -> None:
        write()
        while writer.broken is None:
            await asyncio.sleep(0.005)

    try:
        if on_a_loop:
            asyncio.run(asyncio.wait_for(on_loop(), timeout=30))
        else:
            write()
            deadline = time.monotonic() + 30
            while writer.broken is None:
                assert time.monotonic() < deadline, "the waiting tokens' flush never came"
                time.sleep(0.005)
        with pytest.raises(ListenerFailed, match="closed file"):
            writer(Token(node="n", text="c", message_id="m"))
        writer(Token(node="n", text="d", message_id="m"))  # said once
    finally:
        writer.close()


optional_text = st.none() | hostile_text
odd = st.integers() | st.booleans() | st.floats(allow_nan=True) | st.none()


@given(
    st.builds(
        Token,
        seq=st.integers(-1, 10**12),
        t=st.floats(allow_nan=True, allow_infinity=True),
        ns=st.lists(hostile_text, max_size=2).map(tuple),
        node=hostile_text | odd,
        text=hostile_text,
        message_id=optional_text,
        task_id=optional_text,
        step=st.none() | st.integers() | st.booleans(),
        role=hostile_text,
        reasoning=hostile_text,
        tool_call_chunks=st.lists(
            st.fixed_dictionaries({"name": optional_text, "args": hostile_text, "index": odd}),
            max_size=2,
        ),
        tool_call_id=optional_text | odd,
        name=optional_text,
        last=st.booleans() | odd,
    )
)
def test_a_token_line_is_exactly_what_json_dumps_writes(token):
    assert dumps(token) == json.dumps(token.to_dict(), ensure_ascii=True, default=repr)


TIME_EDGES = [
    *(0.0, -0.0, 5e-7, 4e-7, 0.9999995, 1.0, 2.5),
    *(5e-05, 9.99999e-05, 0.0001, 0.00010000049, 1.5e-4),  # repr's exponent below 1e-4
    *(999999999.9999995, 1e9, 2.5e9, 123456789012.25, 1.5e16, 1e17),  # and its digits above
]


@pytest.mark.parametrize("t", TIME_EDGES)
def test_a_token_time_at_an_edge_is_written_as_json_dumps_writes_it(t):
    token = Token(seq=1, t=t, node="n", text="x", message_id=None)
    assert dumps(token) == json.dumps(token.to_dict(), ensure_ascii=True, default=repr)


@given(
    st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(1e-5, 1e10)
    | st.floats(-1e-3, 1e-3)
    | st.sampled_from(TIME_EDGES)
)
def test_a_token_time_is_written_as_json_dumps_writes_it_rounded(t):
    token = Token(seq=1, t=t, node="n", text="x", message_id=None)
    assert dumps(token) == json.dumps(token.to_dict(), ensure_ascii=True, default=repr)
