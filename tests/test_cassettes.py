"""Cassettes: recorded once against the fake OpenAI server, replayed with that
server stopped (async nodes streaming with ``astream``, a sync node with
``stream()``), divergences reported where they happen, secrets kept out."""

from __future__ import annotations

import json

import pytest

from tests.fakes.http_base import Reply, ToolCall, tokens
from tests.fakes.openai_server import FakeOpenAI
from tests.graphs import cassette_agent
from tui.cassettes import Cassette, CassetteDivergence, CassetteError, DivergenceKind, Mode
from tui.testing import assert_path, assert_tool_called, trace

SECRET = "dpl-7f3a9c2e4b1d8e6f"


def _script(body: dict) -> Reply:
    messages = body["messages"]
    if messages[-1]["role"] == "tool":
        return Reply(tokens=tokens("Oslo is cold and snowy."))
    if messages[0]["role"] == "system":
        return Reply(tokens=[], tool_calls=[ToolCall("lookup", {"city": "Oslo"})])
    return Reply(tokens=tokens("Cold in Oslo."))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """One recording for the module; the server is stopped before any replay."""
    path = tmp_path_factory.mktemp("cassettes") / "agent.json"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DEPLOY_TOKEN", SECRET)
        env.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-1234")
        with FakeOpenAI(_script) as server:
            graph = cassette_agent.make(server.base_url)
            live = trace(
                graph,
                cassette_agent.INPUT,
                model="scripted:fast",
                cassette=Cassette(path, tools=True),
            )
            calls = len(server.chats())
    return path, server.base_url, live, calls


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("DEPLOY_TOKEN", SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-1234")


def test_the_recording_holds_every_call_by_where_it_was_made(recorded):
    path, _, live, calls = recorded
    assert live.outcome == "done", live.error
    assert_path(live, "agent", "tools", "agent", "summarize")
    assert calls == 3
    data = json.loads(path.read_text())
    sites = [(c["kind"], c["thread"], c["step"], c["node"], c["n"]) for c in data["calls"]]
    assert sites == [
        ("model", 1, 1, "agent", 1),
        ("tool", 1, 2, "tools", 1),
        ("model", 1, 3, "agent", 1),
        ("model", 1, 4, "summarize", 1),
    ]
    assert all(c["chunks"] for c in data["calls"] if c["kind"] == "model")  # streamed


def test_secrets_never_reach_the_cassette(recorded):
    path, *_ = recorded
    text = path.read_text()
    assert SECRET not in text and "sk-test-not-a-real-key-1234" not in text
    assert "Deployment token: [redacted]" in text


def test_replay_needs_no_server_and_gives_the_same_run(recorded, env):
    path, base_url, live, _ = recorded
    # The server is gone: a real call would be refused.
    replay = trace(
        cassette_agent.make(base_url),
        cassette_agent.INPUT,
        cassette=Cassette(path, mode=Mode.REPLAY),
    )
    assert replay.outcome == "done", replay.error
    assert replay.text == live.text
    assert_tool_called(replay, "lookup", {"city": "Oslo"})
    # The replayed stream reached the debugger as tokens, with its usage.
    assert replay.llm_calls == 3 and replay.tokens == live.tokens
    streamed = [e["text"] for e in replay.raw if e["kind"] == "token" and e["step"] == 3]
    assert len(streamed) > 2 and "".join(streamed) == "Oslo is cold and snowy."


def test_a_changed_edge_is_reported_as_routing_where_it_happened(recorded, env):
    path, base_url, *_ = recorded
    changed = cassette_agent.make(base_url, tools_then="summarize")
    with pytest.raises(CassetteDivergence) as diverged:
        trace(changed, cassette_agent.INPUT, cassette=Cassette(path, mode=Mode.REPLAY))
    divergence = diverged.value.divergence
    assert divergence.kind == DivergenceKind.ROUTING
    assert str(divergence) == "routing: step 3: this run ran summarize; the recording ran agent"


def test_another_prompt_is_reported_as_content(recorded, env):
    path, base_url, *_ = recorded
    other = {"messages": [{"role": "user", "content": "Weather in Bergen?"}]}
    with pytest.raises(CassetteDivergence) as diverged:
        trace(cassette_agent.make(base_url), other, cassette=Cassette(path, mode=Mode.REPLAY))
    divergence = diverged.value.divergence
    assert divergence.kind == DivergenceKind.CONTENT
    assert divergence.where == "model call 1 in agent at step 1"
    assert '"Weather in Oslo?"' in divergence.detail and '"Weather in Bergen?"' in divergence.detail


def test_a_tool_called_with_other_arguments_is_reported_as_arguments(recorded, env, tmp_path):
    path, base_url, *_ = recorded
    data = json.loads(path.read_text())
    for call in data["calls"]:
        if call["kind"] == "tool":
            call["args"] = {"city": "Bergen"}
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    with pytest.raises(CassetteDivergence) as diverged:
        trace(
            cassette_agent.make(base_url),
            cassette_agent.INPUT,
            cassette=Cassette(edited, mode=Mode.REPLAY),
        )
    divergence = diverged.value.divergence
    assert divergence.kind == DivergenceKind.ARGUMENTS
    assert divergence.detail == 'called with {"city": "Oslo"}; the recording had {"city": "Bergen"}'


def test_a_cassette_that_is_missing_or_not_one_says_so(tmp_path, env):
    with pytest.raises(CassetteError, match=r"no cassette .* to replay: record it first"):
        trace("sample_graphs/joke.py", cassette=Cassette(tmp_path / "none.json", mode=Mode.REPLAY))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(
        CassetteError, match=r"is not a langgraph-tui cassette .*delete it to record it again"
    ):
        trace("sample_graphs/joke.py", cassette=Cassette(broken))


def test_the_scripted_model_records_and_replays_through_sync_and_async_paths(tmp_path):
    path = tmp_path / "joke.json"
    first = trace("sample_graphs/streaming_node.py", cassette=Cassette(path))
    again = trace("sample_graphs/streaming_node.py", cassette=Cassette(path))
    assert again.text == first.text and first.outcome == "done"
    assert json.loads(path.read_text())["calls"][0]["node"]
