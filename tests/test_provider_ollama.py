"""Ollama end to end: the real ChatOllama and ollama client against a fake Ollama
that speaks its NDJSON protocol on 127.0.0.1, in process and through the CLI.

The headless runs start together in module fixtures (see ``tests.fakes.cli``) and
each test reads its own; every run has its own server, so what a server recorded
belongs to one run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.tools import tool
from ollama import ResponseError

from tests.fakes.cli import Batch, CliResult, headless, isolate_client_env, run_cli_here
from tests.fakes.http_base import Reply, ToolCall, closed_port, tokens
from tests.fakes.ollama_server import FakeOllama, OllamaModelInfo
from tests.fakes.samples import JOKE, LLM_SAMPLES, THOUGHT
from tests.fakes.scripts import ANSWER, tool_loop
from tests.helpers import SAMPLES as SAMPLES_DIR
from tests.helpers import EventLog
from tui import cli
from tui.launcher import RunSpec, open_session
from tui.providers import chat_model, parse_model_spec
from tui.providers.error_hints import explain_error
from tui.providers.ollama_chat import ChatOllamaThinking

MODEL = "ollama:llama3.2"
SAMPLES = LLM_SAMPLES


def _joke(**failure: object) -> Reply:
    return Reply(tokens=tokens(JOKE), **failure)  # type: ignore[arg-type]


# case -> (reply, model, hint template, tokens that arrive before the failure)
FAILURES = {
    "not_pulled": (
        Reply(),
        "ollama:mistral",
        "model 'mistral' is not pulled in Ollama at {url}: run `ollama pull mistral`",
        0,
    ),
    "dies_mid_stream": (
        _joke(die_after=3),
        MODEL,
        "Ollama at {url} closed the stream mid-answer; the partial output is kept",
        3,
    ),
    "malformed_chunk": (
        _joke(malformed_after=4),
        MODEL,
        """Ollama at {url} sent a chunk that is not JSON ('{{"model": "llama3.2", "message": {{"role"...'); the partial output is kept""",
        4,
    ),
    "never_answers": (
        Reply(hang=True),
        MODEL,
        "no answer from {url} within 1s: raise --timeout or check that the server is not stuck",
        0,
    ),
}
REFUSED_HINT = "Ollama is not running at {url}; start it with `ollama serve`"
# These run as processes of their own, to show the process ends even while the
# server holds a connection open (the refused run too); the others run the same
# main() in this process, which checks the same JSONL and exit code for less.
OWN_PROCESS = ("never_answers",)


@pytest.fixture(autouse=True)
def _local_only(monkeypatch):
    isolate_client_env(monkeypatch)


@pytest.fixture(scope="module")
def runs() -> Iterator[Batch]:
    batch = Batch()
    try:
        for name in SAMPLES:
            server = FakeOllama(tool_loop(token_delay=0.001))
            batch.start(name, server, server.url, *headless(name, MODEL, server.url))
        server = FakeOllama(tool_loop(thinking=THOUGHT))
        batch.start(
            "thinking", server, server.url, *headless("ollama_generate", "ollama:qwen3", server.url)
        )
        for case in OWN_PROCESS:
            reply, model, _, _ = FAILURES[case]
            server = FakeOllama(reply)
            args = headless("joke", model, server.url, "--timeout", "1")
            batch.start(case, server, server.url, *args)
        url = f"http://127.0.0.1:{closed_port()}"
        batch.start("refused", None, url, *headless("joke", MODEL, url))
        yield batch
    finally:
        batch.close()


@pytest.fixture
def ollama() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


# -- every sample, headless, through the CLI -----------------------------------------------


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_sample_runs_headless_against_ollama(runs, sample):
    server, run = runs[sample].server, runs[sample].run
    code, status, llm_nodes = SAMPLES[sample]
    result = run.result()
    assert result.returncode == code, result.describe()
    assert result.events[0]["kind"] == "run_started"
    assert result.events[0]["model"] == MODEL
    assert result.events[-1]["kind"] == "run_finished"
    assert result.events[-1]["status"] == status
    assert not result.of("run_failed")
    chats = server.chats()
    assert chats, "the sample never called the model"
    assert {e["node"] for e in result.tokens() if e["text"]} == llm_nodes
    # Streamed: one token event per NDJSON record, not one per reply.
    sent = sum(len(r.reply.tokens) for r in chats if r.reply is not None)
    assert len([e for e in result.tokens() if e["text"]]) == sent
    assert result.replies() and set(result.replies()) == {ANSWER}
    _assert_usage_matches(result, server)


def _assert_usage_matches(result: CliResult, server: FakeOllama) -> None:
    finished = result.of("llm_finished")
    assert len(finished) == len(server.chats())
    assert Counter((e["input_tokens"], e["output_tokens"]) for e in finished) == Counter(
        r.usage for r in server.chats()
    )
    for event in finished:
        assert event["status"] == "ok"
        assert event["ttft_s"] is not None and event["ttft_s"] >= 0
        assert event["tokens_per_s"] is not None and event["tokens_per_s"] > 0
        assert event["model"] == "llama3.2"


def test_react_agent_streams_tool_calls_runs_tools_then_answers(runs):
    server, run = runs["react_agent"].server, runs["react_agent"].run
    result = run.result()
    first, second = server.chats()[:2]
    assert [t["function"]["name"] for t in first.body["tools"]] == [
        "get_weather",
        "local_time",
        "convert_temperature",
    ]
    assert "think" not in first.body
    calls = [c for e in result.tokens("agent") for c in e["tool_call_chunks"]]
    assert [(c["name"], c["args"]) for c in calls] == [
        ("get_weather", '{"city": "Paris"}'),
        ("local_time", '{"city": "Paris"}'),
    ]
    tool_updates = [e for e in result.of("update") if e["node"] == "tools"]
    assert [m["name"] for m in tool_updates[0]["update"]["messages"]] == [
        "get_weather",
        "local_time",
    ]
    assert tool_updates[0]["update"]["messages"][0]["content"].startswith("Paris: ")
    # The tool results went back to the model, which then answered.
    assert [m["role"] for m in second.body["messages"]][-2:] == ["tool", "tool"]
    final = result.events[-1]["values"]["messages"][-1]
    assert final["type"] == "ai" and final["content"] == ANSWER


def test_thinking_arrives_as_reasoning_apart_from_the_answer(runs):
    server, run = runs["thinking"].server, runs["thinking"].run
    result = run.result()
    assert result.returncode == 0, result.describe()
    # Nothing asked for thinking: Ollama thinks by default for a thinking model,
    # and a `think: true` would be a 400 for every model that cannot.
    assert "think" not in server.chats()[0].body
    assert result.reasoning("generate") == THOUGHT
    assert result.text("generate") == ANSWER
    assert all(not (e["text"] and e["reasoning"]) for e in result.tokens())
    answer = result.events[-1]["values"]["answer"]
    assert answer == ANSWER


# -- failures, headless -------------------------------------------------------------------------


@pytest.mark.parametrize("case", [*FAILURES, "refused"])
def test_failure_fails_the_run_with_a_one_line_hint(runs, case):
    if case == "refused":
        url, result, hint, arrived = runs[case].url, runs[case].run.result(), REFUSED_HINT, 0
    else:
        reply, model, hint, arrived = FAILURES[case]
        if case in OWN_PROCESS:
            url, result = runs[case].url, runs[case].run.result()
        else:
            with FakeOllama(reply) as server:
                url = server.url
                result = run_cli_here(*headless("joke", model, url, "--timeout", "1"))
    assert result.returncode == 1, result.describe()
    failed = result.one("run_failed")
    assert failed["hint"] == hint.format(url=url)
    assert result.events[-1]["kind"] == "run_finished"
    assert result.events[-1]["status"] == "failed"
    # What streamed before the failure stays in the record.
    assert result.text("call_model") == "".join(tokens(JOKE)[:arrived])
    [llm] = result.of("llm_finished")
    assert llm["status"] == "error"


def test_a_server_that_never_answers_fails_at_the_timeout(runs):
    result = runs["never_answers"].run.result()
    started = result.one("llm_started")["t"]
    failed = result.one("run_failed")["t"]
    assert 0.9 <= failed - started < 5.0


# -- the client against the wire, in process ---------------------------------------------------


async def test_stream_carries_thinking_text_and_usage(ollama):
    ollama.script = Reply(tokens=tokens("Four."), thinking=tokens("Two plus two is four."))
    model = chat_model(parse_model_spec("ollama:qwen3", base_url=ollama.url))
    chunks = [c async for c in model.astream("What is 2+2?")]
    assert "".join(c.additional_kwargs.get("reasoning_content", "") for c in chunks) == (
        "Two plus two is four."
    )
    assert "".join(c.text for c in chunks) == "Four."
    [usage] = [c.usage_metadata for c in chunks if c.usage_metadata]
    [request] = ollama.chats()
    assert (usage["input_tokens"], usage["output_tokens"]) == request.usage
    assert request.body["model"] == "qwen3"
    assert request.body["stream"] is True
    assert request.body["messages"] == [{"role": "user", "content": "What is 2+2?"}]


async def test_thinking_inline_in_content_is_split_out(ollama):
    # Older Ollama, or a model without a thinking parser, sends the tags as text.
    ollama.script = Reply(
        tokens=["<th", "ink>", "Short", " is", " best</", "think>", "\n\n", "Hi", "!"]
    )
    model = chat_model(parse_model_spec(MODEL, base_url=ollama.url))
    chunks = [c async for c in model.astream("hello")]
    assert "".join(c.text for c in chunks) == "Hi!"
    assert (
        "".join(c.additional_kwargs.get("reasoning_content", "") for c in chunks) == "Short is best"
    )


async def test_the_max_tokens_cap_reaches_ollama_as_num_predict(ollama):
    model = chat_model(parse_model_spec(MODEL, base_url=ollama.url, max_tokens=7))
    await model.ainvoke("hello")
    assert ollama.chats()[0].body["options"]["num_predict"] == 7


async def test_whole_tool_calls_are_parsed_and_the_tools_are_sent(ollama):
    ollama.script = Reply(
        tokens=[],
        tool_calls=[ToolCall("lookup", {"term": "tide pools", "limit": 3})],
    )

    @tool
    def lookup(term: str, limit: int) -> str:
        """Look a term up."""
        return term

    model = chat_model(parse_model_spec(MODEL, base_url=ollama.url)).bind_tools([lookup])
    message = await model.ainvoke("Find tide pools")
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [
        ("lookup", {"term": "tide pools", "limit": 3})
    ]
    sent = ollama.chats()[0].body["tools"]
    assert sent[0]["function"]["name"] == "lookup"
    assert sent[0]["function"]["parameters"]["required"] == ["term", "limit"]


async def test_a_non_streaming_request_gets_one_json_answer(ollama):
    ollama.script = Reply(tokens=tokens("All at once."), thinking=tokens("No rush."))
    model = chat_model(parse_model_spec("ollama:qwen3", base_url=ollama.url))
    message = await model.ainvoke("hi", stream=False)
    assert ollama.chats()[0].body["stream"] is False
    assert message.content == "All at once."
    assert message.additional_kwargs["reasoning_content"] == "No rush."
    assert message.usage_metadata["output_tokens"] == ollama.chats()[0].usage[1]


async def test_think_true_for_a_model_that_cannot_think_is_refused(ollama):
    model = chat_model(parse_model_spec(MODEL, base_url=ollama.url))
    with pytest.raises(ResponseError) as caught:
        await model.ainvoke("hi", reasoning=True)
    assert caught.value.status_code == 400
    assert str(caught.value) == '"llama3.2" does not support thinking (status code: 400)'


@pytest.mark.parametrize(
    ("reply", "hint", "arrived"),
    [
        (
            _joke(stall_after=2),
            "no answer from {url} within 1s: raise --timeout or check that the server is not stuck",
            2,
        ),
        (
            _joke(error_after=2),
            "Ollama at {url} failed mid-answer (model runner has unexpectedly stopped); "
            "the partial output is kept",
            2,
        ),
        (
            Reply(
                http_error=(500, {"error": "llama runner process has terminated: signal: killed"})
            ),
            "Ollama at {url} answered 500: llama runner process has terminated: signal: killed",
            0,
        ),
    ],
    ids=["stalls_mid_stream", "error_record", "server_error"],
)
async def test_more_failures_have_hints(ollama, reply, hint, arrived):
    ollama.script = reply
    spec = parse_model_spec(MODEL, base_url=ollama.url, timeout_s=1)
    received: list[AIMessageChunk] = []
    with pytest.raises((httpx.ReadTimeout, ResponseError)) as caught:
        async for chunk in chat_model(spec).astream("hello"):
            received.append(chunk)
    assert explain_error(caught.value, spec) == hint.format(url=ollama.url)
    assert "".join(c.text for c in received) == "".join(reply.tokens[:arrived])


async def test_a_model_without_tool_support_gets_a_hint(ollama):
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


def test_sessions_one_after_another_each_reach_the_server(ollama):
    # Each session runs its graph on its own event loop; a client cached from the
    # first one would fail in the second with "Event loop is closed".
    spec = parse_model_spec(MODEL, base_url=ollama.url)
    for _ in range(2):
        session, _ = open_session(RunSpec(graph=str(SAMPLES_DIR / "joke.py"), model=spec))
        try:
            log = EventLog(session)
            session.start().result()
            assert log.finish().status == "done", [e.kind for e in log.events]
            assert not log.of("run_failed")
        finally:
            session.close()
    assert len(ollama.chats()) == 2


async def test_a_graph_with_its_own_client_is_explained_from_the_request(ollama):
    # The graph built ChatOllama itself, so the active spec (scripted) knows nothing.
    from langchain_ollama import ChatOllama

    with pytest.raises(ResponseError) as caught:
        await ChatOllama(model="phi4", base_url=ollama.url).ainvoke("hi")
    hint = explain_error(caught.value, parse_model_spec("scripted"))
    assert hint == f"model 'phi4' is not pulled in Ollama at {ollama.url}: run `ollama pull phi4`"


def test_show_and_validation_on_init_speak_ollamas_api(ollama):
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


# -- `langgraph-tui models` -----------------------------------------------------------------------


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
