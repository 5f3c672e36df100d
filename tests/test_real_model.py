"""Opt-in: the joke and ReAct samples, headless, against a real OpenAI-compatible server.

    LANGGRAPH_TUI_REAL_MODEL_URL=http://127.0.0.1:8088/v1 pytest -m real_model

(llama-cpp-python serving Gemma 3 270M is the one it was written against.) A small model's words are not predictable, so these check the
shape of the run: it ends, its tokens stream, the figures add up, and the
agent's loop alternates model and tools and ends on an answer.
"""

from __future__ import annotations

import itertools
import os

import pytest

from tests.fakes.cli import CliResult, headless, run_cli

# Read at import: the suite's autouse fixture clears LANGGRAPH_TUI_* before each test.
URL = os.environ.get("LANGGRAPH_TUI_REAL_MODEL_URL")
MODEL = "openai:gemma"

pytestmark = [
    pytest.mark.real_model,
    pytest.mark.skipif(
        not URL, reason="set LANGGRAPH_TUI_REAL_MODEL_URL to a real server's /v1 URL"
    ),
]


def _run(sample: str) -> CliResult:
    assert URL is not None
    args = headless(
        sample, MODEL, URL, "--max-tokens", "64", "--no-stream-tools", "--timeout", "120"
    )
    result = run_cli(*args, timeout=600)
    assert result.returncode == 0, result.describe()
    assert result.events[0]["kind"] == "run_started"
    assert result.events[-1]["kind"] == "run_finished"
    assert result.events[-1]["status"] == "done"
    for llm in result.of("llm_finished"):
        assert llm["status"] == "ok"
        assert llm["model"] == "gemma"
        assert llm["duration_s"] > 0
    return result


def test_joke_streams_tokens_from_a_real_model():
    result = _run("joke")
    tokens = [e for e in result.tokens("call_model") if e["text"]]
    assert len(tokens) >= 2, "the reply arrived in one piece: not streamed"
    [update] = [e for e in result.of("update") if e["node"] == "call_model"]
    assert update["update"]["joke"] == result.text("call_model")
    assert update["update"]["joke"].strip()
    [llm] = result.of("llm_finished")
    assert llm["ttft_s"] is not None and llm["ttft_s"] > 0
    assert llm["tokens_per_s"] is not None and llm["tokens_per_s"] > 0
    # Streaming usage is optional in OpenAI-compatible servers (llama.cpp leaves
    # it out); when it is sent it must be what the engine reports.
    if llm["output_tokens"] is not None:
        assert llm["output_tokens"] > 0 and llm["input_tokens"] > 0
    else:
        assert llm["chunks"] == len(tokens)


def test_react_agent_loop_ends_on_an_answer_with_a_real_model():
    result = _run("react_agent")
    nodes = [e["node"] for e in result.of("update")]
    assert nodes[0] == "agent" and nodes[-1] == "agent"
    # Model and tools alternate: every tool turn answers the model turn before it.
    assert all(a != b for a, b in itertools.pairwise(nodes)), nodes
    final = result.events[-1]["values"]["messages"][-1]
    assert final["type"] == "ai"
    assert not final.get("tool_calls")
    # Whole messages (--no-stream-tools): the usage comes with each answer.
    for llm in result.of("llm_finished"):
        assert llm["input_tokens"] > 0 and llm["output_tokens"] > 0
    tool_results = [e for e in result.of("token") if e["role"] == "tool"]
    assert len(tool_results) == sum(
        len(e["update"]["messages"]) for e in result.of("update") if e["node"] == "tools"
    )
