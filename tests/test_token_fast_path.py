"""The token fast path (``Normalizer.plain_token`` -> ``EventBus.emit_token`` ->
``TokenLines``) makes what the general path makes: the same events and the same JSONL
lines, byte for byte, for generated streams that mix plain text chunks with every
kind of chunk that must take the general path, with and without a secret to redact."""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage

from tests.hostile import hostile_text
from tui.engine.event_bus import EventBus
from tui.engine.events import Event, Token
from tui.engine.jsonify import Jsonifier
from tui.engine.normalize import NOT_PLAIN, Normalizer
from tui.engine.recording import JsonlWriter

SECRET = "sk-live-0123456789abcdef"

# Text that a stream may carry: anything hostile, and a secret whole or in pieces,
# so that redaction has to hold a chunk's end back for the next one.
chunk_text = st.one_of(
    hostile_text,
    st.sampled_from([SECRET, SECRET[:6], SECRET[6:], "sk-", "sk-live-0", f"key={SECRET}."]),
)

# The chunk kinds, and whether the fast path takes them.
PLAIN = "plain"
GENERAL_KINDS = ("tool_call", "reasoning", "blocks", "last", "empty", "whole", "tool", "human")


def _message(kind: str, text: str, message_id: str | None) -> Any:
    if kind == PLAIN or kind == "empty":
        return AIMessageChunk(content=text if kind == PLAIN else "", id=message_id)
    if kind == "tool_call":
        chunk = {"name": "get", "args": text, "id": "c1", "index": 0, "type": "tool_call_chunk"}
        return AIMessageChunk(content=text, id=message_id, tool_call_chunks=[chunk])
    if kind == "reasoning":
        kwargs = {"reasoning_content": text}
        return AIMessageChunk(content=text, id=message_id, additional_kwargs=kwargs)
    if kind == "blocks":
        return AIMessageChunk(content=[{"type": "text", "text": text}], id=message_id)
    if kind == "last":
        return AIMessageChunk(content=text, id=message_id, chunk_position="last")
    if kind == "whole":
        return AIMessage(content=text, id=message_id)
    if kind == "tool":
        return ToolMessage(content=text, tool_call_id="c1", name="get", id=message_id)
    return HumanMessage(content=text, id=message_id)


@st.composite
def stream_parts(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[bool]]:
    """Messages parts as ``astream(..., version="v2")`` yields them, and for each
    whether it is a plain chunk (the fast path's)."""
    parts: list[dict[str, Any]] = []
    plain: list[bool] = []
    # Metadata is one object per model call in LangGraph, shared by its chunks.
    metadatas = [
        {"langgraph_node": "agent", "langgraph_checkpoint_ns": "agent:T1", "langgraph_step": 3},
        {"langgraph_node": f"x{SECRET}", "langgraph_checkpoint_ns": "sub:P|[b]n[/b]:T2"},
        {"langgraph_node": "\x1b[2Jn", "langgraph_step": True},
        None,
    ]
    # Every kind at least once, with text; then more, plain ones mostly.
    more = st.sampled_from([PLAIN] * len(GENERAL_KINDS) + list(GENERAL_KINDS))
    kinds = [*GENERAL_KINDS, PLAIN, *draw(st.lists(more, max_size=12))]
    for i, kind in enumerate(draw(st.permutations(kinds))):
        text = draw(chunk_text.filter(bool) if i <= len(GENERAL_KINDS) else chunk_text)
        message = _message(kind, text, draw(st.sampled_from(["m1", "m2", None])))
        ns = draw(st.sampled_from([(), ("sub:P",), ["sub:P", "[i]x[/i]:Q"]]))
        parts.append(
            {"type": "messages", "ns": ns, "data": (message, draw(st.sampled_from(metadatas)))}
        )
        plain.append(kind == PLAIN and text != "")
    # And a secret split across two plain chunks of one message, somewhere.
    cut = draw(st.integers(1, len(SECRET) - 1))
    at = draw(st.integers(0, len(parts)))
    for text in reversed([f"say {SECRET[:cut]}", f"{SECRET[cut:]} ok"]):
        message = AIMessageChunk(content=text, id="m1")
        parts.insert(at, {"type": "messages", "ns": (), "data": (message, metadatas[0])})
        plain.insert(at, True)
    return parts, plain


def _run(
    parts: list[dict[str, Any]], secrets: bool, fast: bool
) -> tuple[list[Event], str, list[bool]]:
    """The parts through a normalizer, a bus and a writer, as a session sends them."""
    jsonify = Jsonifier([SECRET] if secrets else [])
    normalizer = Normalizer(jsonify)
    clock = itertools.count()
    bus = EventBus(lambda: next(clock) / 7, lambda event: None, jsonify.redactor)
    out = io.StringIO()
    writer = JsonlWriter(out)
    seen: list[Event] = []
    bus.add_listener(writer)
    bus.add_listener(seen.append)
    took: list[bool] = []
    try:
        for part in parts:
            token = normalizer.plain_token(part) if fast else NOT_PLAIN
            took.append(token is not NOT_PLAIN)
            if token is NOT_PLAIN:
                for event in normalizer.events_for(part, 0.0):
                    bus.emit(event, bus.generation)
            elif token is not None:
                bus.emit_token(token, bus.generation)
        for event in normalizer.flush_streams():
            bus.emit(event, bus.generation)
    finally:
        writer.close()
    return seen, out.getvalue(), took


@given(stream_parts())
def test_the_fast_path_makes_the_events_and_lines_the_general_path_makes(stream):
    parts, plain = stream
    for secrets in (False, True):
        general_events, general_lines, _ = _run(parts, secrets, fast=False)
        fast_events, fast_lines, took = _run(parts, secrets, fast=True)
        assert took == plain, "only a plain text chunk takes the fast path"
        assert fast_events == general_events
        assert fast_lines == general_lines
        assert fast_lines.splitlines() == [
            json.dumps(event.to_dict(), ensure_ascii=True, default=repr) for event in fast_events
        ]
        assert not secrets or SECRET not in fast_lines


optional_text = st.none() | hostile_text
odd = st.integers() | st.booleans() | st.floats(allow_nan=True) | st.none()
chunk_lists = st.lists(
    st.fixed_dictionaries({"name": optional_text, "args": hostile_text, "index": odd}),
    max_size=1,
)


tokens = st.builds(
    Token,
    seq=st.integers(-1, 10**12) | odd,
    t=st.floats(allow_nan=True, allow_infinity=True) | st.integers(),
    ns=st.lists(hostile_text, max_size=2).map(tuple),
    node=hostile_text | odd,
    text=hostile_text | odd,
    message_id=optional_text,
    task_id=optional_text,
    step=st.none() | st.sampled_from([1, True, 1.0, 0, False]),
    role=hostile_text,
    reasoning=hostile_text,
    tool_call_chunks=chunk_lists,
    tool_call_id=optional_text | odd,
    name=optional_text,
    last=st.booleans() | odd,
)

# A reply's token: the kind whose pieces a writer keeps.
plain_tokens = st.builds(
    Token,
    seq=st.integers(0, 10**6),
    t=st.floats(0, 1e6),
    ns=st.lists(hostile_text, max_size=2).map(tuple),
    node=hostile_text,
    text=hostile_text,
    message_id=optional_text,
    task_id=optional_text,
    step=st.none() | st.integers(0, 10),
)


@st.composite
def token_runs(draw: st.DrawFn) -> list[Token]:
    """For each field in turn: a reply's token, the next one (the same objects in
    every field but seq, t and text, as a reply's tokens are), and one more with that
    field changed: to another value, an equal one of another type, or an equal object
    that is not the same one."""
    run: list[Token] = []
    for name in draw(st.permutations(VARIED)):
        base = draw(plain_tokens)
        run.append(base)
        run.append(dataclasses.replace(base, **draw(stamps)))
        value = getattr(base, name)
        if name == "ns":
            other = st.lists(hostile_text, max_size=2).map(tuple)
        elif name == "tool_call_chunks":
            other = chunk_lists | st.sampled_from([None, (), {}, ""])
        elif name == "t":
            other = st.sampled_from([math.inf, -math.inf, math.nan, 1, True]) | st.floats()
        else:
            other = st.sampled_from([1, True, 1.0, None, False, 0, "", "ai"]) | hostile_text
        changes = draw(stamps)
        if type(value) is str:  # or an equal string that is another object
            other |= st.just((value + ".")[:-1])
        changes[name] = draw(other)
        run.append(dataclasses.replace(base, **changes))
    return run


stamps = st.fixed_dictionaries(
    {"seq": st.integers(0, 10**6), "t": st.floats(0, 1e6), "text": hostile_text}
)


VARIED = [f.name for f in dataclasses.fields(Token)]


@given(token_runs())
def test_a_writers_token_lines_are_what_json_dumps_writes(run):
    out = io.StringIO()
    writer = JsonlWriter(out)
    try:
        for token in run:
            writer(token)
    finally:
        writer.close()
    assert out.getvalue().splitlines() == [
        json.dumps(token.to_dict(), ensure_ascii=True, default=repr) for token in run
    ]
