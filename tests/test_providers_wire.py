"""Ollama and OpenAI-compatible servers end to end: the real clients (ChatOllama, and
ChatOpenAI through ``ChatOpenAICompatible``) against fakes that speak each wire
protocol on 127.0.0.1 (Ollama's NDJSON, chat-completions SSE), in process and
through the CLI.

A ``Provider`` holds what differs between the two. A test that is the same idea for
both takes the provider as a parameter; what only one wire does has its own test.

The headless runs go through the CLI's ``main()`` in this process, one at a time,
each against its own fake server so that what a server recorded belongs to one run.
The run a test asks for is made on first use and kept for the module (``Runs``):
several tests read the same run. Only the server that never answers gets a process
of its own, to show that the process ends while the server holds its connection;
it starts with the first run and works beside the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import openai
import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk
from langchain_core.tools import tool
from ollama import ResponseError

from tests.fakes.cli import CliResult, CliRun, cli_env, headless, isolate_client_env, run_cli_here
from tests.fakes.http_base import FakeServer, Reply, Script, ToolCall, closed_port, tokens
from tests.fakes.ollama_server import FakeOllama, OllamaModelInfo
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.samples import JOKE, LLM_SAMPLES, THOUGHT
from tests.fakes.scripts import ANSWER, tool_loop
from tests.helpers import SAMPLES as SAMPLES_DIR
from tests.helpers import EventLog
from tui import cli
from tui.app.view.run_view import RunView
from tui.launcher import RunSpec, open_session
from tui.providers import chat_model, parse_model_spec
from tui.providers.error_hints import explain_error
from tui.providers.ollama_chat import ChatOllamaThinking

SAMPLES = LLM_SAMPLES
KEY = "sk-test-0123456789abcdef"
TIMEOUT_HINT = (
    "no answer from {url} within 1s: raise --timeout or check that the server is not stuck"
)


def _joke(**failure: object) -> Reply:
    return Reply(tokens=tokens(JOKE), **failure)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Failure:
    """A headless run of the joke sample that fails, and the hint it must end with."""

    reply: Reply
    hint: str
    """Template: ``{url}`` is the server's URL."""
    arrived: int
    """Tokens that stream before the failure."""
    model: str | None = None
    """``--model``, when not the provider's usual one."""
    key: str | None = None
    """OPENAI_API_KEY for the CLI, when not the provider's key."""
    server_options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Provider:
    name: str
    model: str
    served_name: str
    """The model's name in the usage the server reports."""
    thinking_model: str
    """A model that thinks out loud on this server."""
    start_server: Callable[..., FakeServer]
    """``(script, **options)``: a running fake that accepts ``key``."""
    url_of: Callable[[Any], str]
    """The URL a client (and ``--base-url``) uses for a running fake."""
    refused_url: Callable[[int], str]
    key: str | None
    """OPENAI_API_KEY: the key every run here sends, and which must never be printed."""
    failures: dict[str, Failure]
    refused_hint: str
    streamed_body: dict[str, Any]
    """What every streamed chat request carries."""
    client_failures: dict[str, tuple[Reply, str, int]]
    """Failures the client meets mid-request: ``(reply, hint template, tokens that arrive)``."""
    client_errors: tuple[type[BaseException], ...]
    max_tokens_sent: Callable[[dict[str, Any]], Any]
    reports_reasoning_tokens: bool
    own_client_failure: Callable[[Any], tuple[BaseChatModel, type[BaseException], str]]
    """For a running fake: a client a graph built itself (not ``chat_model()``), the
    error its request meets, and the hint template for that error."""

    def __str__(self) -> str:
        return self.name


def _ollama_own_client(server: FakeOllama) -> tuple[BaseChatModel, type[BaseException], str]:
    from langchain_ollama import ChatOllama

    hint = "model 'phi4' is not pulled in Ollama at {url}: run `ollama pull phi4`"
    return ChatOllama(model="phi4", base_url=server.url), ResponseError, hint


def _openai_own_client(server: FakeOpenAI) -> tuple[BaseChatModel, type[BaseException], str]:
    from langchain_openai import ChatOpenAI

    server.forbidden = True
    own = ChatOpenAI(model="gpt-4.1", base_url=server.base_url, api_key=KEY, max_retries=0)
    hint = "the server at {url} refused access (403): check the key's permissions for 'gpt-4.1'"
    return own, openai.PermissionDeniedError, hint


OLLAMA = Provider(
    name="ollama",
    model="ollama:llama3.2",
    served_name="llama3.2",
    thinking_model="ollama:qwen3",
    start_server=FakeOllama,
    url_of=lambda server: server.url,
    refused_url=lambda port: f"http://127.0.0.1:{port}",
    key=None,
    failures={
        "not_pulled": Failure(
            Reply(),
            "model 'mistral' is not pulled in Ollama at {url}: run `ollama pull mistral`",
            0,
            model="ollama:mistral",
        ),
        "dies_mid_stream": Failure(
            _joke(die_after=3),
            "Ollama at {url} closed the stream mid-answer; the partial output is kept",
            3,
        ),
        "malformed_chunk": Failure(
            _joke(malformed_after=4),
            """Ollama at {url} sent a chunk that is not JSON ('{{"model": "llama3.2", "message": {{"role"...'); the partial output is kept""",
            4,
        ),
        "never_answers": Failure(Reply(hang=True), TIMEOUT_HINT, 0),
    },
    refused_hint="Ollama is not running at {url}; start it with `ollama serve`",
    streamed_body={"stream": True},
    client_failures={
        "stalls_mid_stream": (_joke(stall_after=2), TIMEOUT_HINT, 2),
        "error_record": (
            _joke(error_after=2),
            "Ollama at {url} failed mid-answer (model runner has unexpectedly stopped); "
            "the partial output is kept",
            2,
        ),
        "server_error": (
            Reply(
                http_error=(500, {"error": "llama runner process has terminated: signal: killed"})
            ),
            "Ollama at {url} answered 500: llama runner process has terminated: signal: killed",
            0,
        ),
    },
    client_errors=(httpx.ReadTimeout, ResponseError),
    max_tokens_sent=lambda body: body["options"]["num_predict"],
    reports_reasoning_tokens=False,
    own_client_failure=_ollama_own_client,
)


# The first chunk of an OpenAI stream carries only the role, so a failure after N
# chunks leaves N - 1 tokens.
OPENAI = Provider(
    name="openai",
    model="openai:gpt-4o-mini",
    served_name="gpt-4o-mini",
    thinking_model="openai:gpt-4o-mini",
    start_server=lambda script=None, **options: FakeOpenAI(script, **{"api_key": KEY, **options}),
    url_of=lambda server: server.base_url,
    refused_url=lambda port: f"http://127.0.0.1:{port}/v1",
    key=KEY,
    failures={
        "bad_key": Failure(
            Reply(),
            "the server at {url} rejected the API key (401): set OPENAI_API_KEY to a key it accepts",
            0,
            key="sk-wrong-0000000000",
        ),
        "forbidden": Failure(
            Reply(),
            "the server at {url} refused access (403): check the key's permissions for 'gpt-4o-mini'",
            0,
            server_options={"forbidden": True},
        ),
        "dies_mid_stream": Failure(
            _joke(die_after=4),
            "the server at {url} closed the stream mid-answer; the partial output is kept",
            3,
        ),
        "malformed_chunk": Failure(
            _joke(malformed_after=5),
            """the server at {url} sent a chunk that is not JSON ('{{"choices": [{{"index": 0, "delta": {{"con...'); """
            "the partial output is kept",
            4,
        ),
        "never_answers": Failure(Reply(hang=True), TIMEOUT_HINT, 0),
    },
    refused_hint="cannot reach the OpenAI-compatible server at {url}: start it or fix --base-url",
    streamed_body={"stream": True, "stream_options": {"include_usage": True}},
    client_failures={
        "stalls_mid_stream": (_joke(stall_after=3), TIMEOUT_HINT, 2),
        "error_event": (
            _joke(error_after=3),
            "the server at {url} failed mid-answer (model runner has unexpectedly stopped); "
            "the partial output is kept",
            2,
        ),
        "server_error": (
            Reply(
                http_error=(
                    500,
                    {"error": {"message": "CUDA out of memory", "type": "server_error"}},
                )
            ),
            "the server at {url} answered 500: CUDA out of memory",
            0,
        ),
        "rate_limited": (
            Reply(http_error=(429, {"error": {"message": "Rate limit reached", "code": None}})),
            "the server at {url} is rate-limiting requests (429): wait, or lower the load",
            0,
        ),
    },
    client_errors=(openai.APIError,),
    max_tokens_sent=lambda body: body["max_tokens"],
    reports_reasoning_tokens=True,
    own_client_failure=_openai_own_client,
)

PROVIDERS = [OLLAMA, OPENAI]
# Runs whose point is the process: it must end while the server holds the connection.
OWN_PROCESS = ("never_answers",)


def _by_provider(table: Callable[[Provider], dict[str, tuple[Any, ...]]]) -> list[Any]:
    """``(provider, *values)`` params for cases that differ by provider: ``table`` maps
    each provider to its cases by name."""
    return [
        pytest.param(provider, *values, id=f"{provider}-{name}")
        for provider in PROVIDERS
        for name, values in table(provider).items()
    ]


def run_here(*args: str, key: str | None) -> CliResult:
    """The CLI's ``main()`` with the environment a CLI process gets (``cli_env``), and
    OPENAI_API_KEY=``key`` if given: whichever test runs it, the run is the same."""
    with pytest.MonkeyPatch.context() as env:
        isolate_client_env(env)
        if key is not None:
            env.setenv("OPENAI_API_KEY", key)
        return run_cli_here(*args)


def process_env(key: str | None) -> dict[str, str]:
    return cli_env(OPENAI_API_KEY=key) if key is not None else cli_env()


@dataclass
class Run:
    server: Any
    url: str
    result: CliResult


class Runs:
    """Headless runs by (provider, name), each against its own fake server."""

    def __init__(self) -> None:
        self._runs: dict[tuple[str, str], Run] = {}
        self._servers: list[FakeServer] = []
        self._processes: dict[tuple[str, str], tuple[FakeServer, CliRun]] = {}
        for provider in PROVIDERS:
            for case in OWN_PROCESS:
                failure = provider.failures[case]
                server = self._serve(provider, failure.reply, **failure.server_options)
                args = headless("joke", provider.model, provider.url_of(server), "--timeout", "1")
                run = CliRun(*args, env=process_env(failure.key or provider.key))
                self._processes[provider.name, case] = (server, run)

    def _serve(self, provider: Provider, script: Script, **options: Any) -> FakeServer:
        server = provider.start_server(script, **options)
        self._servers.append(server)
        return server

    def get(self, provider: Provider, name: str) -> Run:
        """``name``: a sample, ``thinking`` (a thinking model on ``ollama_generate``) or
        ``whole_messages`` (``react_agent`` with ``--no-stream-tools``)."""
        if (provider.name, name) not in self._runs:
            sample, model, script, extra = _planned(provider, name)
            server = self._serve(provider, script)
            url = provider.url_of(server)
            result = run_here(*headless(sample, model, url, *extra), key=provider.key)
            self._runs[provider.name, name] = Run(server, url, result)
        return self._runs[provider.name, name]

    def own_process(self, provider: Provider, case: str) -> Run:
        server, run = self._processes[provider.name, case]
        return Run(server, provider.url_of(server), run.result())

    def close(self) -> None:
        for _, run in self._processes.values():
            run.kill()
        for server in self._servers:
            server.close()


def _planned(provider: Provider, name: str) -> tuple[str, str, Script, tuple[str, ...]]:
    if name in SAMPLES:
        return name, provider.model, tool_loop(token_delay=0.001), ()
    if name == "thinking":
        return "ollama_generate", provider.thinking_model, tool_loop(thinking=THOUGHT), ()
    if name == "whole_messages":
        return "react_agent", provider.model, tool_loop(), ("--no-stream-tools",)
    raise KeyError(name)


@pytest.fixture(scope="module")
def runs() -> Iterator[Runs]:
    made = Runs()
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(autouse=True)
def _local_only(monkeypatch):
    isolate_client_env(monkeypatch)


@pytest.fixture(params=PROVIDERS, ids=str)
def provider(request) -> Provider:
    return request.param


@pytest.fixture
def fake(provider, monkeypatch) -> Iterator[Any]:
    """A fresh fake server of ``provider``, with its key in the environment."""
    if provider.key is not None:
        monkeypatch.setenv("OPENAI_API_KEY", provider.key)
    with provider.start_server() as server:
        yield server


@pytest.fixture
def ollama() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


@pytest.fixture
def openai_server(monkeypatch) -> Iterator[FakeOpenAI]:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI(api_key=KEY) as server:
        yield server


# -- every sample, headless, through the CLI -----------------------------------------------


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_sample_runs_headless(runs, provider, sample):
    run = runs.get(provider, sample)
    server, result = run.server, run.result
    code, status, llm_nodes = SAMPLES[sample]
    assert result.returncode == code, result.describe()
    assert result.events[0]["kind"] == "run_started"
    assert result.events[0]["model"] == provider.model
    assert result.events[-1]["kind"] == "run_finished"
    assert result.events[-1]["status"] == status
    assert not result.of("run_failed")
    chats = server.chats()
    assert chats, "the sample never called the model"
    for request in chats:
        carried = {name: request.body.get(name) for name in provider.streamed_body}
        assert carried == provider.streamed_body
    if provider.key is not None:
        assert all(r.headers["authorization"] == f"Bearer {provider.key}" for r in chats)
        assert provider.key not in result.stdout, "the API key leaked into the event stream"
    assert {e["node"] for e in result.tokens() if e["text"]} == llm_nodes
    # Streamed: one token event per streamed chunk of text, not one per reply.
    sent = sum(len(r.reply.tokens) for r in chats if r.reply is not None)
    assert len([e for e in result.tokens() if e["text"]]) == sent
    assert result.replies() and set(result.replies()) == {ANSWER}
    _assert_usage_matches(provider, result, server)


def _assert_usage_matches(
    provider: Provider, result: CliResult, server: Any, *, streamed: bool = True
) -> None:
    finished = result.of("llm_finished")
    assert len(finished) == len(server.chats())
    assert Counter((e["input_tokens"], e["output_tokens"]) for e in finished) == Counter(
        r.usage for r in server.chats()
    )
    for event in finished:
        assert event["status"] == "ok"
        assert event["model"] == provider.served_name
        if streamed:
            assert event["ttft_s"] is not None and event["ttft_s"] >= 0
            assert event["tokens_per_s"] is not None and event["tokens_per_s"] > 0


def test_react_agent_streams_tool_calls_runs_tools_then_answers(runs, provider):
    run = runs.get(provider, "react_agent")
    server, result = run.server, run.result
    first, second = server.chats()[:2]
    assert [t["function"]["name"] for t in first.body["tools"]] == [
        "get_weather",
        "local_time",
        "convert_temperature",
    ]
    # Nothing asked for thinking: Ollama thinks by default for a thinking model, and
    # a `think: true` would be a 400 for every model that cannot.
    assert "think" not in first.body
    tool_updates = [e for e in result.of("update") if e["node"] == "tools"]
    messages = tool_updates[0]["update"]["messages"]
    assert [m["name"] for m in messages] == ["get_weather", "local_time"]
    assert messages[0]["content"].startswith("Paris: ")
    # The tool results went back to the model, which then answered.
    assert [m["role"] for m in second.body["messages"]][-2:] == ["tool", "tool"]
    assert second.body["messages"][-3]["tool_calls"][0]["function"]["name"] == "get_weather"
    final = result.events[-1]["values"]["messages"][-1]
    assert final["type"] == "ai" and final["content"] == ANSWER


def test_ollama_sends_each_tool_call_whole(runs):
    result = runs.get(OLLAMA, "react_agent").result
    calls = [c for e in result.tokens("agent") for c in e["tool_call_chunks"]]
    assert [(c["name"], c["args"]) for c in calls] == [
        ("get_weather", '{"city": "Paris"}'),
        ("local_time", '{"city": "Paris"}'),
    ]


def test_openai_streams_tool_call_arguments_in_pieces(runs):
    run = runs.get(OPENAI, "react_agent")
    first, second = run.server.chats()[:2]
    # Forced by name on the first turn (llama.cpp ignores "required"), then free.
    assert first.body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert "tool_choice" not in second.body
    # Arguments arrive in pieces, the name and id only with the first piece.
    deltas = [c for e in run.result.tokens("agent") for c in e["tool_call_chunks"]]
    assert len(deltas) > 2
    by_index: dict[int, list[dict]] = {}
    for delta in deltas:
        by_index.setdefault(delta["index"], []).append(delta)
    assert sorted(by_index) == [0, 1]
    for pieces, name in zip(by_index.values(), ["get_weather", "local_time"], strict=True):
        assert pieces[0]["name"] == name and pieces[0]["id"]
        assert all(p["name"] is None for p in pieces[1:])
        assert "".join(p["args"] for p in pieces) == '{"city": "Paris"}'


def test_openai_react_agent_without_streamed_tools_asks_for_whole_messages(runs):
    run = runs.get(OPENAI, "whole_messages")
    server, result = run.server, run.result
    assert result.returncode == 0, result.describe()
    assert all(not r.body.get("stream") for r in server.chats())
    assert [e["node"] for e in result.of("update")] == ["agent", "tools", "agent"]
    assert result.events[-1]["values"]["messages"][-1]["content"] == ANSWER
    # A whole message has no first token to time; its usage is still the server's.
    _assert_usage_matches(OPENAI, result, server, streamed=False)


def test_thinking_arrives_as_reasoning_apart_from_the_answer(runs, provider):
    run = runs.get(provider, "thinking")
    server, result = run.server, run.result
    assert result.returncode == 0, result.describe()
    # Nothing asked for thinking (see above): the model thinks on its own.
    assert "think" not in server.chats()[0].body
    assert result.reasoning("generate") == THOUGHT
    assert result.text("generate") == ANSWER
    assert all(not (e["text"] and e["reasoning"]) for e in result.tokens())
    assert result.events[-1]["values"]["answer"] == ANSWER


# -- failures, headless -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "case"),
    _by_provider(lambda p: {case: (case,) for case in [*p.failures, "refused"]}),
)
def test_failure_fails_the_run_with_a_one_line_hint(runs, provider, case):
    key = provider.key
    if case == "refused":
        url, hint, arrived = provider.refused_url(closed_port()), provider.refused_hint, 0
        # No key: the hint must name the unreachable server, not a missing key.
        result = run_here(*headless("joke", provider.model, url), key=None)
    elif case in OWN_PROCESS:
        run = runs.own_process(provider, case)
        url, result = run.url, run.result
        hint, arrived = provider.failures[case].hint, provider.failures[case].arrived
    else:
        failure = provider.failures[case]
        hint, arrived, key = failure.hint, failure.arrived, failure.key or provider.key
        with provider.start_server(failure.reply, **failure.server_options) as server:
            url = provider.url_of(server)
            args = headless("joke", failure.model or provider.model, url, "--timeout", "1")
            result = run_here(*args, key=key)
    assert result.returncode == 1, result.describe()
    assert result.one("run_failed")["hint"] == hint.format(url=url)
    assert result.events[-1]["kind"] == "run_finished"
    assert result.events[-1]["status"] == "failed"
    # What streamed before the failure stays in the record.
    assert result.text("call_model") == "".join(tokens(JOKE)[:arrived])
    [llm] = result.of("llm_finished")
    assert llm["status"] == "error"
    for secret in {key, provider.key} - {None}:
        assert secret not in result.stdout, "the API key leaked into the events"


def test_a_server_that_never_answers_fails_at_the_timeout(runs, provider):
    result = runs.own_process(provider, "never_answers").result
    started = result.one("llm_started")["t"]
    failed = result.one("run_failed")["t"]
    assert 0.9 <= failed - started < 5.0


# -- what local servers do: llama.cpp's, typed by hand ------------------------------------------


def test_a_base_url_typed_without_its_scheme_gets_http(provider):
    with provider.start_server(tool_loop()) as server:
        bare = provider.url_of(server).removeprefix("http://")
        result = run_here(*headless("joke", provider.model, bare), key=provider.key)
    assert result.returncode == 0, result.describe()
    assert server.chats(), "the run never reached the server"


def test_a_base_url_without_v1_says_so_here_and_on_stderr():
    with FakeOpenAI(tool_loop(), api_key=KEY) as server:
        result = run_here(*headless("joke", OPENAI.model, server.url), key=KEY)
    assert result.returncode == 1, result.describe()
    hint = result.one("run_failed")["hint"]
    assert hint == (
        f"the server at {server.url} answered 404: is --base-url missing /v1? "
        f"(try --base-url {server.url}/v1)"
    )
    # Headless failures say their hint where a person reads, not only in the JSONL.
    assert f"langgraph-tui: run failed: {hint}" in result.stderr.splitlines()


def test_a_tool_name_repeated_in_every_chunk_is_one_name_and_the_fix_is_named():
    with FakeOpenAI(tool_loop(), api_key=KEY, repeat_tool_names=True) as server:
        result = run_here(*headless("react_agent", OPENAI.model, server.base_url), key=KEY)
    said = [e["text"] for e in result.of("notice") if "--no-stream-tools" in e["text"]]
    assert len(said) == 1, result.describe()
    assert "--no-stream-tools" in result.stderr
    # The token pane shows each call under its name once, not the name glued to itself.
    view = RunView()
    view.apply(result.read_back())
    names = [draft.name for block in view.blocks for draft in block.tool_calls.values()]
    assert names == ["get_weather", "local_time"]


# -- the client against the wire, in process ---------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "options"),
    [
        pytest.param(OLLAMA, {}, id="ollama"),
        pytest.param(OPENAI, {"reasoning_key": "reasoning_content"}, id="openai-reasoning_content"),
        pytest.param(OPENAI, {"reasoning_key": "reasoning"}, id="openai-reasoning"),
    ],
)
async def test_stream_carries_reasoning_text_and_usage(monkeypatch, provider, options):
    if provider.key is not None:
        monkeypatch.setenv("OPENAI_API_KEY", provider.key)
    reply = Reply(tokens=tokens("Four."), thinking=tokens("Two plus two is four."))
    with provider.start_server(reply, **options) as server:
        spec = parse_model_spec(provider.thinking_model, base_url=provider.url_of(server))
        chunks = [c async for c in chat_model(spec).astream("What is 2+2?")]
    assert "".join(c.additional_kwargs.get("reasoning_content", "") for c in chunks) == (
        "Two plus two is four."
    )
    assert "".join(c.text for c in chunks) == "Four."
    [usage] = [c.usage_metadata for c in chunks if c.usage_metadata]
    [request] = server.chats()
    assert (usage["input_tokens"], usage["output_tokens"]) == request.usage
    assert request.body["model"] == spec.name
    assert request.body["stream"] is True
    assert request.body["messages"] == [{"role": "user", "content": "What is 2+2?"}]
    if provider.reports_reasoning_tokens:
        assert usage["output_token_details"]["reasoning"] == len(reply.thinking)


async def test_the_max_tokens_cap_reaches_the_server(provider, fake):
    spec = parse_model_spec(provider.model, base_url=provider.url_of(fake), max_tokens=7)
    await chat_model(spec).ainvoke("hello")
    assert provider.max_tokens_sent(fake.chats()[0].body) == 7


@pytest.mark.parametrize(
    ("provider", "reply", "hint", "arrived"), _by_provider(lambda p: p.client_failures)
)
async def test_more_failures_have_hints(provider, fake, reply, hint, arrived):
    fake.script = reply
    url = provider.url_of(fake)
    spec = parse_model_spec(provider.model, base_url=url, timeout_s=1)
    received: list[AIMessageChunk] = []
    with pytest.raises(provider.client_errors) as caught:
        async for chunk in chat_model(spec).astream("hello"):
            received.append(chunk)
    assert explain_error(caught.value, spec) == hint.format(url=url)
    assert "".join(c.text for c in received) == "".join(reply.tokens[:arrived])


def test_sessions_one_after_another_each_reach_the_server(provider, fake):
    # Each session runs its graph on its own event loop; a client cached from the
    # first one would fail in the second with "Event loop is closed".
    spec = parse_model_spec(provider.model, base_url=provider.url_of(fake))
    for _ in range(2):
        session, _ = open_session(RunSpec(graph=str(SAMPLES_DIR / "joke.py"), model=spec))
        try:
            log = EventLog(session)
            session.start().result()
            assert log.finish().status == "done", [e.kind for e in log.events]
            assert not log.of("run_failed")
        finally:
            session.close()
    assert len(fake.chats()) == 2


async def test_a_graph_with_its_own_client_is_explained_from_the_request(provider, fake):
    # The graph built its client itself, so the active spec (scripted) knows nothing.
    own, error, hint = provider.own_client_failure(fake)
    with pytest.raises(error) as caught:
        await own.ainvoke("hi")
    explained = explain_error(caught.value, parse_model_spec("scripted"))
    assert explained == hint.format(url=provider.url_of(fake))


# -- what only Ollama does ----------------------------------------------------------------


async def test_ollama_thinking_inline_in_content_is_split_out(ollama):
    # Older Ollama, or a model without a thinking parser, sends the tags as text.
    ollama.script = Reply(
        tokens=["<th", "ink>", "Short", " is", " best</", "think>", "\n\n", "Hi", "!"]
    )
    model = chat_model(parse_model_spec(OLLAMA.model, base_url=ollama.url))
    chunks = [c async for c in model.astream("hello")]
    assert "".join(c.text for c in chunks) == "Hi!"
    assert (
        "".join(c.additional_kwargs.get("reasoning_content", "") for c in chunks) == "Short is best"
    )


async def test_ollama_whole_tool_calls_are_parsed_and_the_tools_are_sent(ollama):
    ollama.script = Reply(
        tokens=[],
        tool_calls=[ToolCall("lookup", {"term": "tide pools", "limit": 3})],
    )

    @tool
    def lookup(term: str, limit: int) -> str:
        """Look a term up."""
        return term

    model = chat_model(parse_model_spec(OLLAMA.model, base_url=ollama.url)).bind_tools([lookup])
    message = await model.ainvoke("Find tide pools")
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [
        ("lookup", {"term": "tide pools", "limit": 3})
    ]
    sent = ollama.chats()[0].body["tools"]
    assert sent[0]["function"]["name"] == "lookup"
    assert sent[0]["function"]["parameters"]["required"] == ["term", "limit"]


async def test_ollama_non_streaming_request_gets_one_json_answer(ollama):
    ollama.script = Reply(tokens=tokens("All at once."), thinking=tokens("No rush."))
    model = chat_model(parse_model_spec("ollama:qwen3", base_url=ollama.url))
    message = await model.ainvoke("hi", stream=False)
    assert ollama.chats()[0].body["stream"] is False
    assert message.content == "All at once."
    assert message.additional_kwargs["reasoning_content"] == "No rush."
    assert message.usage_metadata["output_tokens"] == ollama.chats()[0].usage[1]


async def test_ollama_think_true_for_a_model_that_cannot_think_is_refused(ollama):
    model = chat_model(parse_model_spec(OLLAMA.model, base_url=ollama.url))
    with pytest.raises(ResponseError) as caught:
        await model.ainvoke("hi", reasoning=True)
    assert caught.value.status_code == 400
    assert str(caught.value) == '"llama3.2" does not support thinking (status code: 400)'


async def test_ollama_model_without_tool_support_gets_a_hint(ollama):
    gemma = OllamaModelInfo(
        "gemma3:latest", "gemma3", "4.3B", "Q4_K_M", 3_338_801_804, ("completion",)
    )
    ollama.models = (*ollama.models, gemma)
    spec = parse_model_spec("ollama:gemma3", base_url=ollama.url)

    @tool
    def ping() -> str:
        """Ping."""
        return "pong"

    with pytest.raises(ResponseError) as caught:
        await chat_model(spec).bind_tools([ping]).ainvoke("hi")
    assert explain_error(caught.value, spec) == (
        "'gemma3' cannot call tools in Ollama: choose a model with tool support (llama3.2, qwen3, ...)"
    )


def test_ollama_show_and_validation_on_init_speak_ollamas_api(ollama):
    import ollama as ollama_client

    shown = ollama_client.Client(host=ollama.url).show("qwen3")
    assert "thinking" in shown.capabilities
    assert shown.details.family == "qwen3"
    with pytest.raises(ResponseError) as caught:
        ollama_client.Client(host=ollama.url).show("nope")
    assert caught.value.status_code == 404
    # ChatOllama's optional check lists the pulled models (/api/tags) at construction.
    ChatOllamaThinking(model="llama3.2", base_url=ollama.url, validate_model_on_init=True)
    with pytest.raises(ValueError, match="not found in Ollama"):
        ChatOllamaThinking(model="mistral", base_url=ollama.url, validate_model_on_init=True)


def test_models_command_lists_the_pulled_models(ollama, capsys):
    assert cli.main(["models", "--base-url", ollama.url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "ollama:llama3.2:latest\t1.9 GB\tllama 3.2B Q4_K_M",
        "ollama:qwen3:latest\t4.9 GB\tqwen3 8.2B Q4_K_M",
    ]
    assert [r.path for r in ollama.requests] == ["/api/tags"]


def test_models_command_says_when_ollama_is_not_running(capsys):
    url = f"http://127.0.0.1:{closed_port()}"
    assert cli.main(["models", "--base-url", url]) == 1
    err = capsys.readouterr().err
    assert (
        err
        == f"langgraph-tui: error: Ollama is not running at {url}; start it with `ollama serve`\n"
    )


def test_models_command_with_nothing_pulled(capsys):
    with FakeOllama(models=()) as server:
        assert cli.main(["models", "--base-url", server.url]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "ollama pull" in captured.err


# -- what only OpenAI-compatible servers do --------------------------------------------------


async def test_openai_whole_answer_keeps_its_reasoning_and_tool_calls(openai_server):
    openai_server.script = Reply(
        tokens=tokens("Checking."),
        thinking=tokens("I need the weather."),
        tool_calls=[ToolCall("lookup", {"term": "tide pools", "limit": 3})],
    )

    @tool
    def lookup(term: str, limit: int) -> str:
        """Look a term up."""
        return term

    spec = parse_model_spec(OPENAI.model, base_url=openai_server.base_url, stream_tools=False)
    message = await chat_model(spec).bind_tools([lookup]).ainvoke("Find tide pools")
    [request] = openai_server.chats()
    assert not request.body.get("stream")
    assert request.body["tools"][0]["function"]["name"] == "lookup"
    assert message.content == "Checking."
    assert message.additional_kwargs["reasoning_content"] == "I need the weather."
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [
        ("lookup", {"term": "tide pools", "limit": 3})
    ]
    assert message.usage_metadata["input_tokens"] == request.usage[0]


def test_openai_models_endpoint_and_its_auth(openai_server):
    client = openai.OpenAI(base_url=openai_server.base_url, api_key=KEY, max_retries=0)
    assert [m.id for m in client.models.list()] == ["gpt-4o-mini"]
    wrong = openai.OpenAI(base_url=openai_server.base_url, api_key="sk-nope-000000", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        wrong.models.list()
    assert caught.value.body["code"] == "invalid_api_key"
    assert caught.value.body["type"] == "invalid_request_error"


async def test_openai_unknown_model_is_a_404_with_a_hint(openai_server):
    openai_server.model_names = ("gpt-4.1",)
    spec = parse_model_spec("openai:gpt-9", base_url=openai_server.base_url)
    with pytest.raises(openai.NotFoundError) as caught:
        await chat_model(spec).ainvoke("hi")
    assert explain_error(caught.value, spec) == (
        f"model 'gpt-9' was not found at {openai_server.base_url} (404): check --model and --base-url"
    )
