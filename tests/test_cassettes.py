"""Cassettes: recorded once against the fake OpenAI server, replayed with that
server stopped (async nodes streaming with ``astream``, a sync node with
``stream()``), divergences reported where they happen, secrets kept out."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage

from tests.fakes.cli import headless, isolate_client_env, run_cli_here
from tests.fakes.http_base import Reply, ToolCall, tokens
from tests.fakes.openai_server import FakeOpenAI
from tests.graphs import cassette_agent
from tui.cassettes import Cassette, CassetteDivergence, CassetteError, DivergenceKind, Mode
from tui.cassettes.calls import Site, replay_message, reply_data, request_of
from tui.engine.jsonify import Jsonifier
from tui.engine.redaction import Redactor
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


def test_a_run_that_ends_early_is_reported_as_routing(recorded, env):
    path, base_url, *_ = recorded
    ends_after_tools = cassette_agent.make(base_url, tools_then="__end__")
    with pytest.raises(CassetteDivergence) as diverged:
        trace(ends_after_tools, cassette_agent.INPUT, cassette=Cassette(path, mode=Mode.REPLAY))
    assert str(diverged.value.divergence) == (
        "routing: step 3: this run ended; the recording went on to run agent (2 more tasks)"
    )


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


# -- from the command line ----------------------------------------------------------------


def test_run_cassette_records_then_replays_with_the_server_stopped(tmp_path, monkeypatch):
    isolate_client_env(monkeypatch)
    cassette = str(tmp_path / "joke.json")
    with FakeOpenAI(Reply(tokens=tokens("Why did the ice cream melt? Stage fright."))) as server:
        args = headless("joke", "openai:fake", server.base_url, "--cassette", cassette)
        recorded = run_cli_here(*args)
        assert len(server.chats()) == 1
    assert recorded.returncode == 0, recorded.describe()
    assert "recorded 1 model calls" in recorded.stderr

    replayed = run_cli_here(*args)
    assert replayed.returncode == 0, replayed.describe()
    assert "replayed 1 model calls" in replayed.stderr
    assert replayed.text() == recorded.text() == "Why did the ice cream melt? Stage fright."

    other = run_cli_here(*args, "--input", '{"topic": "dogs"}')
    assert other.returncode == 1
    assert "the replay diverged (content: model call 1 in call_model at step 1" in other.stderr


def test_run_cassette_that_is_not_one_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    result = run_cli_here("run", "sample_graphs/joke.py", "--headless", "--cassette", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"langgraph-tui: error: --cassette: {bad} is not a langgraph-tui cassette "
        "('list' object has no attribute 'get'): delete it to record it again"
    ]


_NUMBERS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(counts=_NUMBERS, secret=st.text(min_size=1, max_size=12))
def test_counts_under_secret_sounding_names_are_kept_and_strings_are_not(counts, secret):
    # Usage's "input_token_details" holds counts: a replay needs them as they were.
    data = Jsonifier()({"input_token_details": counts, "session_token": {"value": secret}})
    assert data["input_token_details"] == Jsonifier()(counts)
    assert data["session_token"] == "[redacted]"


@given(
    contents=st.lists(
        st.sampled_from(["", SECRET + " "]).flatmap(
            lambda head: st.text(max_size=30).map(lambda t: head + t)
        ),
        min_size=1,
        max_size=4,
    ),
    change=st.integers(0, 3),
)
def test_any_recorded_request_replays_and_any_change_to_it_is_content(
    tmp_path_factory, env, contents, change
):
    path = tmp_path_factory.mktemp("property") / "c.json"
    messages = [HumanMessage(c) if i % 2 == 0 else AIMessage(c) for i, c in enumerate(contents)]
    with Cassette(path, mode=Mode.RECORD) as tape:
        entry = tape.model_call(Site("a-thread", 1, "", "agent"), request_of(messages, {}), "m")
        tape.model_replied(entry, AIMessage("the reply"))
    assert SECRET not in path.read_text()
    # Another thread id (a new run) at the same place gets the recorded reply.
    with Cassette(path, mode=Mode.REPLAY) as tape:
        got = tape.model_call(Site("b-thread", 1, "", "agent"), request_of(messages, {}), "m")
    assert replay_message(got).content == "the reply"

    index = change % len(messages)
    changed = list(messages)
    changed[index] = type(messages[index])(str(messages[index].content) + "!")
    with pytest.raises(CassetteDivergence) as diverged, Cassette(path, mode=Mode.REPLAY) as tape:
        tape.model_call(Site("c-thread", 1, "", "agent"), request_of(changed, {}), "m")
    assert diverged.value.divergence.kind == DivergenceKind.CONTENT
    assert diverged.value.divergence.detail.startswith(
        f"the model was asked something else: message {index + 1}"
    )


@given(cut=st.integers(1, len(SECRET) - 1), before=st.text(max_size=8), after=st.text(max_size=8))
def test_a_secret_streamed_in_two_halves_never_reaches_the_cassette(
    tmp_path_factory, env, cut, before, after
):
    path = tmp_path_factory.mktemp("split") / "c.json"
    pieces = [before + SECRET[:cut], SECRET[cut:] + after]
    chunks = [reply_data(AIMessageChunk(content=piece)) for piece in pieces]
    with Cassette(path, mode=Mode.RECORD) as tape:
        entry = tape.model_call(
            Site("t", 1, "", "agent"), request_of([HumanMessage("hi")], {}), "m"
        )
        tape.model_streamed(entry, chunks)
    assert SECRET not in path.read_text()
    with Cassette(path, mode=Mode.REPLAY) as tape:
        got = tape.model_call(Site("t", 1, "", "agent"), request_of([HumanMessage("hi")], {}), "m")
    assert replay_message(got).content == Redactor([SECRET]).scrub(before + SECRET + after)


def test_a_failed_call_is_recorded_and_replays_as_the_same_failure(tmp_path, monkeypatch):
    isolate_client_env(monkeypatch)
    path = tmp_path / "failing.json"
    broken = Reply(tokens=tokens("Why did the"), die_after=2)
    with FakeOpenAI(broken) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        live = trace("sample_graphs/joke.py", model="openai:fake", cassette=Cassette(path))
    assert live.outcome == "failed"
    replay = trace("sample_graphs/joke.py", model="openai:fake", cassette=Cassette(path))
    assert replay.outcome == "failed"
    assert replay.error.startswith("RecordedFailure: the recorded call failed: ")
    assert live.error.split(": ", 1)[0] in replay.error  # the original error's type
