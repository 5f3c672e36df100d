"""The offline model is a real LangChain chat model: streaming, tools, usage, sync and async."""

from __future__ import annotations

import time

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from tui.providers.scripted import ScriptedChatModel, extract_subject


@tool
def lookup(city: str) -> str:
    """Look a city up."""
    return f"{city}: 12°C"


@tool
def convert(celsius: float) -> str:
    """Convert to Fahrenheit."""
    return f"{celsius * 9 / 5 + 32}°F"


def test_streams_word_by_word_with_reasoning_first_and_usage_last():
    model = ScriptedChatModel(tokens_per_second=None)
    chunks = list(model.stream([HumanMessage("Tell me a joke about otters")]))
    reasoning = [c for c in chunks if c.additional_kwargs.get("reasoning_content")]
    text = [c for c in chunks if c.content]
    assert reasoning and chunks.index(reasoning[-1]) < chunks.index(text[0])
    assert "".join(c.content for c in text).startswith(
        ("Why did the otters", "I tried to write a joke about otters", "What do you call otters")
    )
    last = chunks[-1]
    assert last.chunk_position == "last"
    assert last.usage_metadata["output_tokens"] == len(reasoning) + len(text)
    assert last.usage_metadata["input_tokens"] > 0


def test_same_prompt_same_reply_and_invoke_matches_stream():
    model = ScriptedChatModel(tokens_per_second=None)
    prompt = [HumanMessage("Explain rainbows")]
    streamed = "".join(c.content for c in model.stream(prompt))
    assert model.invoke(prompt).content == streamed == model.invoke(prompt).content


async def test_async_stream_is_paced_at_the_set_rate():
    model = ScriptedChatModel(tokens_per_second=200, think=False)
    began = time.monotonic()
    chunks = [c async for c in model.astream([HumanMessage("Explain tides in a sentence")])]
    elapsed = time.monotonic() - began
    assert elapsed >= (len(chunks) - 1) / 200 * 0.8


def test_tool_calls_stream_then_loop_until_every_tool_ran():
    model = ScriptedChatModel(tokens_per_second=None).bind_tools([lookup, convert])
    history = [HumanMessage("What is the weather in Lisbon?")]
    first_chunks = list(model.stream(history))
    calls = [c for chunk in first_chunks for c in chunk.tool_call_chunks]
    # Two calls in parallel, each name sent once, arguments arriving in pieces.
    assert [c["name"] for c in calls if c["name"]] == ["lookup", "convert"]
    assert len(calls) > 2 and all(c["id"] for c in calls if c["name"])
    first = model.invoke(history)
    assert [c["name"] for c in first.tool_calls] == ["lookup", "convert"]
    assert first.tool_calls[0]["args"] == {"city": "Lisbon"}
    history += [
        first,
        ToolMessage("Lisbon: 12°C", tool_call_id=first.tool_calls[0]["id"], name="lookup"),
        ToolMessage("?", tool_call_id=first.tool_calls[1]["id"], name="convert"),
    ]
    final = model.invoke(history)
    assert not final.tool_calls
    assert "Lisbon: 12°C" in final.content


def test_numbers_from_earlier_tool_results_feed_numeric_arguments():
    model = ScriptedChatModel(tokens_per_second=None).bind_tools([lookup, convert])
    first = AIMessage("", tool_calls=[{"name": "lookup", "args": {"city": "Oslo"}, "id": "c1"}])
    history = [
        HumanMessage("Weather in Oslo?"),
        first,
        ToolMessage("Oslo: 7°C", tool_call_id="c1", name="lookup"),
    ]
    second = model.invoke(history)
    assert second.tool_calls[0]["name"] == "convert"
    assert second.tool_calls[0]["args"] == {"celsius": 7.0}


def test_subject_extraction():
    assert extract_subject("What's the weather in Paris, and the time?") == "Paris"
    assert extract_subject("Tell me a joke about ice cream.") == "ice cream"
    assert extract_subject("hello there") == "hello there"
