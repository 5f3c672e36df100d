"""A user's test suite for their own graph (``weather_agent.py``), written with
langgraph-tui's testing kit: nothing here imports from langgraph-tui's own tests,
and the fixtures come from its pytest plugin, loaded because it is installed.

    pytest examples/testing                     # run it
    pytest examples/testing --update-golden     # accept a changed trace (then review it)
    pytest examples/testing --snapshot-update   # accept a changed screen (look at the SVG)
    OPENAI_BASE_URL=... OPENAI_API_KEY=... pytest examples/testing --record-cassettes
    SHOW_REVIEW_DIFF=1 pytest examples/testing  # see the diff a graph change produces
"""

from __future__ import annotations

import os

import pytest
import weather_agent
from langchain_openai import ChatOpenAI

from tui.testing import (
    answer,
    assert_interrupted_at,
    assert_path,
    assert_state,
    assert_tool_called,
    assert_within_budget,
    wait_done,
    wait_interrupted,
)

QUESTION = {"messages": [{"role": "user", "content": "What should I pack for Bergen?"}]}


def test_the_finished_run_on_screen(tui_snapshot):
    """The debugger's screen once the answer is approved: timeline, tokens, state."""

    async def approve(pilot) -> None:
        await answer(pilot, "approve")
        await wait_done(pilot)

    assert tui_snapshot(weather_agent, QUESTION, until="interrupted", run_before=approve)


def test_golden_trace(tui_trace, tui_golden):
    """The run as a reviewer reads it (golden/test_golden_trace.txt): a change to a
    prompt, a tool or an edge shows up as a diff of this file."""
    tui_golden(tui_trace(weather_agent, QUESTION, answers=["approve"]))


def test_the_agent_looks_things_up_before_answering(tui_trace):
    t = tui_trace(weather_agent, QUESTION, answers=["approve"])
    assert_path(t, "agent", "tools", "agent", ..., "approve")
    assert_tool_called(t, "forecast", {"city": "Bergen"}, times=1)
    assert_tool_called(t, "packing_list")
    assert_within_budget(t, llm_calls=2, steps=4)
    assert_state(t, {"approved": True})


def test_nothing_is_sent_without_approval(tui_trace):
    assert_interrupted_at(tui_trace(weather_agent, QUESTION), "approve")


async def test_a_rewritten_answer_is_what_gets_sent(tui_app):
    """The interrupt answered in the TUI, as a person would."""
    app = tui_app(weather_agent, QUESTION)
    async with app.run_test(size=app.terminal_size) as pilot:
        await wait_interrupted(pilot)
        await answer(pilot, "Pack a raincoat and boots.")
        await wait_done(pilot)
    assert app.model.values["messages"][-1]["content"] == "Pack a raincoat and boots."


def test_replayed_from_a_cassette_with_no_model_server(tui_trace, tui_cassette):
    """The same agent on an OpenAI-compatible model, replayed from
    cassettes/weather_agent_openai.json: no server runs (the URL points nowhere
    unless OPENAI_BASE_URL says otherwise, for --record-cassettes)."""
    model = ChatOpenAI(
        model=os.environ.get("WEATHER_AGENT_MODEL", "gpt-4o-mini"),
        base_url=os.environ.get("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
        api_key=os.environ.get("OPENAI_API_KEY", "not-needed-to-replay"),
        max_retries=0,
        timeout=5,
    )
    t = tui_trace(
        weather_agent.make_graph(model),
        QUESTION,
        answers=["approve"],
        cassette=tui_cassette("weather_agent_openai"),
    )
    assert t.outcome == "done", t.error
    assert_tool_called(t, "forecast", {"city": "Bergen"})
    assert "umbrella" in t.final_state["messages"][-1]["content"]


@pytest.mark.skipif(
    not os.environ.get("SHOW_REVIEW_DIFF"),
    reason="fails on purpose to show the diff a graph change produces: SHOW_REVIEW_DIFF=1",
)
def test_a_changed_graph_shows_up_as_a_diff(tui_trace, tui_golden):
    """Someone removed the approval step: compared with the golden trace, the
    failure is the diff a reviewer would read."""
    changed = weather_agent.make_graph(review=False)
    tui_golden(tui_trace(changed, QUESTION, answers=["approve"]), name="test_golden_trace")
