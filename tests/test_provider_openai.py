"""OpenAI-compatible servers end to end: the real ChatOpenAI (through
``ChatOpenAICompatible``) against a fake that speaks chat-completions SSE on
127.0.0.1, in process and through the CLI.

As in the Ollama suite, the headless runs start together in module fixtures and
every run has its own server.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import openai
import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.tools import tool

from tests.fakes.cli import (
    Batch,
    CliResult,
    cli_env,
    headless,
    isolate_client_env,
    run_cli_here,
)
from tests.fakes.http_base import Reply, ToolCall, closed_port, tokens
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.samples import JOKE, LLM_SAMPLES, THOUGHT
from tests.fakes.scripts import ANSWER, tool_loop
from tests.helpers import SAMPLES as SAMPLES_DIR
from tests.helpers import EventLog
from tui.launcher import RunSpec, open_session
from tui.providers import chat_model, parse_model_spec
from tui.providers.error_hints import explain_error

MODEL = "openai:gpt-4o-mini"
KEY = "sk-test-0123456789abcdef"
SAMPLES = LLM_SAMPLES


def _joke(**failure: object) -> Reply:
    return Reply(tokens=tokens(JOKE), **failure)  # type: ignore[arg-type]


# case -> (server options, reply, key the CLI sends, hint template, tokens that arrive).
# The first chunk of an OpenAI stream carries only the role, so a failure after N
# chunks leaves N - 1 tokens.
FAILURES = {
    "bad_key": (
        {"api_key": KEY},
        Reply(),
        "sk-wrong-0000000000",
        "the server at {url} rejected the API key (401): set OPENAI_API_KEY to a key it accepts",
        0,
    ),
    "forbidden": (
        {"api_key": KEY, "forbidden": True},
        Reply(),
        KEY,
        "the server at {url} refused access (403): check the key's permissions for 'gpt-4o-mini'",
        0,
    ),
    "dies_mid_stream": (
        {},
        _joke(die_after=4),
        KEY,
        "the server at {url} closed the stream mid-answer; the partial output is kept",
        3,
    ),
    "malformed_chunk": (
        {},
        _joke(malformed_after=5),
        KEY,
        """the server at {url} sent a chunk that is not JSON ('{{"choices": [{{"index": 0, "delta": {{"con...'); """
        "the partial output is kept",
        4,
    ),
    "never_answers": (
        {},
        Reply(hang=True),
        KEY,
        "no answer from {url} within 1s: raise --timeout or check that the server is not stuck",
        0,
    ),
}
REFUSED_HINT = "cannot reach the OpenAI-compatible server at {url}: start it or fix --base-url"
# These run as processes of their own, to show the process ends even while the
# server holds a connection open (the refused run too); the others run the same
# main() in this process, which checks the same JSONL and exit code for less.
OWN_PROCESS = ("never_answers",)


@pytest.fixture(autouse=True)
def _local_only(monkeypatch):
    isolate_client_env(monkeypatch)


@pytest.fixture(scope="module")
def runs() -> Iterator[Batch]:
    env = cli_env(OPENAI_API_KEY=KEY)
    batch = Batch()
    try:
        for name in SAMPLES:
            server = FakeOpenAI(tool_loop(token_delay=0.001), api_key=KEY)
            url = server.base_url
            batch.start(name, server, url, *headless(name, MODEL, url), env=env)
        server = FakeOpenAI(tool_loop(), api_key=KEY)
        args = headless("react_agent", MODEL, server.base_url, "--no-stream-tools")
        batch.start("react_whole", server, server.base_url, *args, env=env)
        server = FakeOpenAI(tool_loop(thinking=THOUGHT), api_key=KEY)
        args = headless("ollama_generate", MODEL, server.base_url)
        batch.start("reasoning", server, server.base_url, *args, env=env)
        for case in OWN_PROCESS:
            options, reply, key, _, _ = FAILURES[case]
            server = FakeOpenAI(reply, **options)  # type: ignore[arg-type]
            args = headless("joke", MODEL, server.base_url, "--timeout", "1")
            batch.start(case, server, server.base_url, *args, env=cli_env(OPENAI_API_KEY=key))
        url = f"http://127.0.0.1:{closed_port()}/v1"
        batch.start("refused", None, url, *headless("joke", MODEL, url))
        yield batch
    finally:
        batch.close()


@pytest.fixture
def server(monkeypatch) -> Iterator[FakeOpenAI]:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI(api_key=KEY) as fake:
        yield fake


# -- every sample, headless, through the CLI -----------------------------------------------


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_sample_runs_headless_against_an_openai_server(runs, sample):
    server, run = runs[sample].server, runs[sample].run
    code, status, llm_nodes = SAMPLES[sample]
    result = run.result()
    assert result.returncode == code, result.describe()
    assert result.events[0]["model"] == MODEL
    assert result.events[-1]["kind"] == "run_finished"
    assert result.events[-1]["status"] == status
    assert not result.of("run_failed")
    chats = server.chats()
    assert chats, "the sample never called the model"
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in chats)
    assert all(r.body["stream_options"] == {"include_usage": True} for r in chats)
    assert KEY not in result.stdout, "the API key leaked into the event stream"
    assert {e["node"] for e in result.tokens() if e["text"]} == llm_nodes
    sent = sum(len(r.reply.tokens) for r in chats if r.reply is not None)
    assert len([e for e in result.tokens() if e["text"]]) == sent
    assert result.replies() and set(result.replies()) == {ANSWER}
    _assert_usage_matches(result, server)


def _assert_usage_matches(result: CliResult, server: FakeOpenAI, *, streamed: bool = True) -> None:
    finished = result.of("llm_finished")
    assert len(finished) == len(server.chats())
    assert Counter((e["input_tokens"], e["output_tokens"]) for e in finished) == Counter(
        r.usage for r in server.chats()
    )
    for event in finished:
        assert event["status"] == "ok"
        assert event["model"] == "gpt-4o-mini"
        if streamed:
            assert event["ttft_s"] is not None and event["ttft_s"] >= 0
            assert event["tokens_per_s"] is not None and event["tokens_per_s"] > 0


def test_react_agent_streams_tool_call_deltas_runs_tools_then_answers(runs):
    server, run = runs["react_agent"].server, runs["react_agent"].run
    result = run.result()
    first, second = server.chats()[:2]
    assert [t["function"]["name"] for t in first.body["tools"]] == [
        "get_weather",
        "local_time",
        "convert_temperature",
    ]
    assert first.body["tool_choice"] == "required"
    assert "tool_choice" not in second.body
    # Arguments arrive in pieces, the name and id only with the first piece.
    deltas = [c for e in result.tokens("agent") for c in e["tool_call_chunks"]]
    assert len(deltas) > 2
    by_index: dict[int, list[dict]] = {}
    for delta in deltas:
        by_index.setdefault(delta["index"], []).append(delta)
    assert sorted(by_index) == [0, 1]
    for pieces, name in zip(by_index.values(), ["get_weather", "local_time"], strict=True):
        assert pieces[0]["name"] == name and pieces[0]["id"]
        assert all(p["name"] is None for p in pieces[1:])
        assert "".join(p["args"] for p in pieces) == '{"city": "Paris"}'
    tool_updates = [e for e in result.of("update") if e["node"] == "tools"]
    messages = tool_updates[0]["update"]["messages"]
    assert [m["name"] for m in messages] == ["get_weather", "local_time"]
    assert [m["role"] for m in second.body["messages"]][-2:] == ["tool", "tool"]
    assert second.body["messages"][-3]["tool_calls"][0]["function"]["name"] == "get_weather"
    final = result.events[-1]["values"]["messages"][-1]
    assert final["type"] == "ai" and final["content"] == ANSWER


def test_react_agent_without_streamed_tools_asks_for_whole_messages(runs):
    server, run = runs["react_whole"].server, runs["react_whole"].run
    result = run.result()
    assert result.returncode == 0, result.describe()
    assert all(not r.body.get("stream") for r in server.chats())
    assert [e["node"] for e in result.of("update")] == ["agent", "tools", "agent"]
    assert result.events[-1]["values"]["messages"][-1]["content"] == ANSWER
    # A whole message has no first token to time; its usage is still the server's.
    _assert_usage_matches(result, server, streamed=False)


def test_reasoning_content_arrives_as_reasoning_apart_from_the_answer(runs):
    run = runs["reasoning"].run
    result = run.result()
    assert result.returncode == 0, result.describe()
    assert result.reasoning("generate") == THOUGHT
    assert result.text("generate") == ANSWER
    assert all(not (e["text"] and e["reasoning"]) for e in result.tokens())
    assert result.events[-1]["values"]["answer"] == ANSWER


# -- failures, headless -------------------------------------------------------------------------


@pytest.mark.parametrize("case", [*FAILURES, "refused"])
def test_failure_fails_the_run_with_a_one_line_hint(runs, case, monkeypatch):
    key = KEY
    if case == "refused":
        url, result, hint, arrived = runs[case].url, runs[case].run.result(), REFUSED_HINT, 0
    else:
        options, reply, key, hint, arrived = FAILURES[case]
        if case in OWN_PROCESS:
            url, result = runs[case].url, runs[case].run.result()
        else:
            monkeypatch.setenv("OPENAI_API_KEY", key)
            with FakeOpenAI(reply, **options) as server:  # type: ignore[arg-type]
                url = server.base_url
                result = run_cli_here(*headless("joke", MODEL, url, "--timeout", "1"))
    assert result.returncode == 1, result.describe()
    assert result.one("run_failed")["hint"] == hint.format(url=url)
    assert result.events[-1]["kind"] == "run_finished"
    assert result.events[-1]["status"] == "failed"
    assert result.text("call_model") == "".join(tokens(JOKE)[:arrived])
    [llm] = result.of("llm_finished")
    assert llm["status"] == "error"
    assert key not in result.stdout, "the API key leaked into the events"


def test_a_server_that_never_answers_fails_at_the_timeout(runs):
    result = runs["never_answers"].run.result()
    started = result.one("llm_started")["t"]
    failed = result.one("run_failed")["t"]
    assert 0.9 <= failed - started < 5.0


# -- the client against the wire, in process ---------------------------------------------------


@pytest.mark.parametrize("key", ["reasoning_content", "reasoning"])
async def test_stream_carries_reasoning_text_and_usage(monkeypatch, key):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    reply = Reply(tokens=tokens("Four."), thinking=tokens("Two plus two is four."))
    with FakeOpenAI(reply, reasoning_key=key) as fake:
        model = chat_model(parse_model_spec(MODEL, base_url=fake.base_url))
        chunks = [c async for c in model.astream("What is 2+2?")]
    assert "".join(c.additional_kwargs.get("reasoning_content", "") for c in chunks) == (
        "Two plus two is four."
    )
    assert "".join(c.text for c in chunks) == "Four."
    [usage] = [c.usage_metadata for c in chunks if c.usage_metadata]
    [request] = fake.chats()
    assert (usage["input_tokens"], usage["output_tokens"]) == request.usage
    assert usage["output_token_details"]["reasoning"] == len(reply.thinking)


async def test_a_whole_answer_keeps_its_reasoning_and_tool_calls(server):
    server.script = Reply(
        tokens=tokens("Checking."),
        thinking=tokens("I need the weather."),
        tool_calls=[ToolCall("lookup", {"term": "tide pools", "limit": 3})],
    )

    @tool
    def lookup(term: str, limit: int) -> str:
        """Look a term up."""
        return term

    spec = parse_model_spec(MODEL, base_url=server.base_url, stream_tools=False)
    message = await chat_model(spec).bind_tools([lookup]).ainvoke("Find tide pools")
    [request] = server.chats()
    assert not request.body.get("stream")
    assert request.body["tools"][0]["function"]["name"] == "lookup"
    assert message.content == "Checking."
    assert message.additional_kwargs["reasoning_content"] == "I need the weather."
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [
        ("lookup", {"term": "tide pools", "limit": 3})
    ]
    assert message.usage_metadata["input_tokens"] == request.usage[0]


async def test_the_max_tokens_cap_reaches_the_server(server):
    spec = parse_model_spec(MODEL, base_url=server.base_url, max_tokens=9)
    await chat_model(spec).ainvoke("hello")
    assert server.chats()[0].body["max_tokens"] == 9


def test_models_endpoint_and_its_auth(server):
    client = openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)
    assert [m.id for m in client.models.list()] == ["gpt-4o-mini"]
    wrong = openai.OpenAI(base_url=server.base_url, api_key="sk-nope-000000", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        wrong.models.list()
    assert caught.value.body["code"] == "invalid_api_key"
    assert caught.value.body["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("reply", "hint", "arrived"),
    [
        (
            _joke(stall_after=3),
            "no answer from {url} within 1s: raise --timeout or check that the server is not stuck",
            2,
        ),
        (
            _joke(error_after=3),
            "the server at {url} failed mid-answer (model runner has unexpectedly stopped); "
            "the partial output is kept",
            2,
        ),
        (
            Reply(
                http_error=(
                    500,
                    {"error": {"message": "CUDA out of memory", "type": "server_error"}},
                )
            ),
            "the server at {url} answered 500: CUDA out of memory",
            0,
        ),
        (
            Reply(http_error=(429, {"error": {"message": "Rate limit reached", "code": None}})),
            "the server at {url} is rate-limiting requests (429): wait, or lower the load",
            0,
        ),
    ],
    ids=["stalls_mid_stream", "error_event", "server_error", "rate_limited"],
)
async def test_more_failures_have_hints(server, reply, hint, arrived):
    server.script = reply
    spec = parse_model_spec(MODEL, base_url=server.base_url, timeout_s=1)
    received: list[AIMessageChunk] = []
    with pytest.raises(openai.APIError) as caught:
        async for chunk in chat_model(spec).astream("hello"):
            received.append(chunk)
    assert explain_error(caught.value, spec) == hint.format(url=server.base_url)
    assert "".join(c.text for c in received) == "".join(reply.tokens[:arrived])


async def test_an_unknown_model_is_a_404_with_a_hint(server):
    server.model_names = ("gpt-4.1",)
    spec = parse_model_spec("openai:gpt-9", base_url=server.base_url)
    with pytest.raises(openai.NotFoundError) as caught:
        await chat_model(spec).ainvoke("hi")
    assert explain_error(caught.value, spec) == (
        f"model 'gpt-9' was not found at {server.base_url} (404): check --model and --base-url"
    )


def test_sessions_one_after_another_each_reach_the_server(server):
    # Each session runs its graph on its own event loop; a client cached from the
    # first one would fail in the second with "Event loop is closed".
    spec = parse_model_spec(MODEL, base_url=server.base_url)
    for _ in range(2):
        session, _ = open_session(RunSpec(graph=str(SAMPLES_DIR / "joke.py"), model=spec))
        try:
            log = EventLog(session)
            session.start().result()
            assert log.finish().status == "done", [e.kind for e in log.events]
            assert not log.of("run_failed")
        finally:
            session.close()
    assert len(server.chats()) == 2


async def test_a_graph_with_its_own_client_is_explained_from_the_request(server):
    # The graph built ChatOpenAI itself, so the active spec (scripted) knows nothing.
    from langchain_openai import ChatOpenAI

    server.forbidden = True
    own = ChatOpenAI(model="gpt-4.1", base_url=server.base_url, api_key=KEY, max_retries=0)
    with pytest.raises(openai.PermissionDeniedError) as caught:
        await own.ainvoke("hi")
    hint = explain_error(caught.value, parse_model_spec("scripted"))
    assert hint == (
        f"the server at {server.base_url} refused access (403): "
        "check the key's permissions for 'gpt-4.1'"
    )
