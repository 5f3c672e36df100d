"""Choosing a model (``--model``), building its client, listing Ollama's models,
splitting inline thinking, and which errors get a model-server hint."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.http_base import RecordedRequest, closed_port
from tests.fakes.ollama_server import FakeOllama, _OllamaHandler
from tests.fakes.openai_server import FakeOpenAI
from tui.net.tls import shared_context
from tui.providers import (
    ModelSpec,
    ModelSpecError,
    active_model,
    chat_model,
    parse_model_spec,
    set_active_model,
)
from tui.providers import active as providers_active
from tui.providers.active import (
    ENV_BASE_URL,
    ENV_MAX_TOKENS,
    ENV_MODEL,
    ENV_STREAM_TOOLS,
    ENV_TIMEOUT,
)
from tui.providers.error_hints import explain_error
from tui.providers.ollama_chat import ChatOllamaThinking, InlineThinking
from tui.providers.ollama_models import OllamaModel, OllamaUnavailable, list_ollama_models
from tui.providers.openai_compatible import ChatOpenAICompatible
from tui.providers.spec import DEFAULT_TIMEOUT_S, ollama_base_url


@pytest.fixture(autouse=True)
def clean_client_env(monkeypatch):
    # Registered with monkeypatch so whatever a test sets is undone afterwards.
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OLLAMA_HOST"):
        monkeypatch.delenv(name, raising=False)


# -- --model -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "provider", "name"),
    [
        ("", "scripted", "default"),
        ("scripted", "scripted", "default"),
        ("scripted:fast", "scripted", "fast"),
        ("scripted:12.5", "scripted", "12.5"),
        ("ollama:llama3.2", "ollama", "llama3.2"),
        ("Ollama:qwen3:8b", "ollama", "qwen3:8b"),
        ("openai:gpt-4o-mini", "openai", "gpt-4o-mini"),
        ("  openai:gemma  ", "openai", "gemma"),
    ],
)
def test_parse_model_spec(text, provider, name):
    spec = parse_model_spec(text)
    assert (spec.provider, spec.name) == (provider, name)
    assert spec.label == f"{provider}:{name}"
    assert spec.timeout_s == DEFAULT_TIMEOUT_S
    assert spec.stream_tools is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gpt-4o", "unknown model 'gpt-4o': use scripted, ollama:NAME or openai:NAME"),
        ("ollama", "ollama needs a model name: --model ollama:NAME"),
        ("openai:", "openai needs a model name: --model openai:NAME"),
        (
            "scripted:-3",
            "bad scripted rate '-3': use scripted, scripted:fast or "
            "scripted:TOKENS_PER_SECOND (a positive number, 0.5 to 1,000,000)",
        ),
        (
            "scripted:nan",
            "bad scripted rate 'nan': use scripted, scripted:fast or "
            "scripted:TOKENS_PER_SECOND (a positive number, 0.5 to 1,000,000)",
        ),
        (
            "scripted:0.001",
            "bad scripted rate '0.001': use scripted, scripted:fast or "
            "scripted:TOKENS_PER_SECOND (a positive number, 0.5 to 1,000,000)",
        ),
        (
            "scripted:quick",
            "bad scripted rate 'quick': use scripted, scripted:fast or "
            "scripted:TOKENS_PER_SECOND (a positive number, 0.5 to 1,000,000)",
        ),
    ],
)
def test_bad_model_specs_say_what_to_write(text, message):
    with pytest.raises(ModelSpecError) as caught:
        parse_model_spec(text)
    assert str(caught.value) == message


def test_model_spec_is_frozen_and_hashable():
    spec = parse_model_spec("ollama:llama3.2", base_url="http://127.0.0.1:9", timeout_s=3)
    same = parse_model_spec("ollama:llama3.2", base_url="http://127.0.0.1:9", timeout_s=3)
    assert spec == same and hash(spec) == hash(same)
    assert len({spec, same, dataclasses.replace(spec, base_url=None)}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.name = "other"  # type: ignore[misc]


def test_ollama_base_url_comes_from_the_flag_then_ollama_host(monkeypatch):
    assert ollama_base_url() == "http://localhost:11434"
    monkeypatch.setenv("OLLAMA_HOST", "10.0.0.5:11434")
    assert ollama_base_url() == "http://10.0.0.5:11434"
    assert ollama_base_url("https://ollama.example/") == "https://ollama.example"
    assert parse_model_spec("ollama:x").resolved_base_url() == "http://10.0.0.5:11434"


def test_openai_base_url_comes_from_the_flag_then_the_environment(monkeypatch):
    assert parse_model_spec("openai:x").resolved_base_url() is None
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert parse_model_spec("openai:x").resolved_base_url() == "http://127.0.0.1:9/v1"
    spec = parse_model_spec("openai:x", base_url="http://127.0.0.1:8/v1")
    assert spec.resolved_base_url() == "http://127.0.0.1:8/v1"
    assert parse_model_spec("scripted").resolved_base_url() is None


def test_the_active_model_is_mirrored_into_the_environment():
    spec = parse_model_spec(
        "openai:gemma",
        base_url="http://127.0.0.1:9/v1",
        timeout_s=7.5,
        max_tokens=64,
        stream_tools=False,
    )
    set_active_model(spec)
    assert os.environ[ENV_MODEL] == "openai:gemma"
    assert os.environ[ENV_BASE_URL] == "http://127.0.0.1:9/v1"
    assert os.environ[ENV_TIMEOUT] == "7.5"
    assert os.environ[ENV_MAX_TOKENS] == "64"
    assert os.environ[ENV_STREAM_TOOLS] == "0"
    # A graph loaded in another process (langgraph dev) sees the same choice.
    providers_active._active = None
    assert active_model() == spec
    set_active_model(parse_model_spec("scripted"))
    assert ENV_BASE_URL not in os.environ
    assert ENV_MAX_TOKENS not in os.environ
    assert ENV_STREAM_TOOLS not in os.environ


# -- building the client -----------------------------------------------------------------------


def test_ollama_client_keeps_thinking_without_asking_for_it():
    spec = parse_model_spec(
        "ollama:qwen3", base_url="http://127.0.0.1:9", timeout_s=4, max_tokens=32
    )
    model = chat_model(spec)
    assert isinstance(model, ChatOllamaThinking)
    assert model.model == "qwen3"
    assert model.base_url == "http://127.0.0.1:9"
    assert model.num_predict == 32
    assert model.client_kwargs == {"timeout": 4.0, "verify": shared_context()}
    assert model.think is None
    assert model.reasoning is True
    assert model.disable_streaming is False
    params = model._chat_params([], None)
    assert params["think"] is None
    assert model._chat_params([], None, reasoning=False)["think"] is False


def test_openai_client_settings(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-123")
    spec = parse_model_spec("openai:gpt-4o-mini", timeout_s=5, max_tokens=16, stream_tools=False)
    model = chat_model(spec)
    assert isinstance(model, ChatOpenAICompatible)
    assert model.model_name == "gpt-4o-mini"
    assert model.openai_api_key.get_secret_value() == "sk-from-env-123"
    assert model.request_timeout == 5
    assert model.max_retries == 0
    assert model.stream_usage is True
    assert model.extra_body == {"max_tokens": 16}
    assert model.disable_streaming == "tool_calling"


def test_openai_needs_a_key_or_a_local_server():
    with pytest.raises(ModelSpecError) as caught:
        chat_model(parse_model_spec("openai:gpt-4o-mini"))
    assert "OPENAI_API_KEY is not set" in str(caught.value)
    local = chat_model(parse_model_spec("openai:gemma", base_url="http://127.0.0.1:9/v1"))
    assert local.openai_api_key.get_secret_value() == "sk-no-key-needed"


def test_clients_are_reused_until_the_key_changes(monkeypatch):
    spec = parse_model_spec("openai:gemma", base_url="http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-first-key-123")
    first = chat_model(spec)
    assert chat_model(spec) is first
    monkeypatch.setenv("OPENAI_API_KEY", "sk-second-key-456")
    second = chat_model(spec)
    assert second is not first
    assert second.openai_api_key.get_secret_value() == "sk-second-key-456"


def test_each_event_loop_gets_its_own_client():
    # An async client's pooled connections belong to the loop that opened them, and
    # every session runs on a loop of its own.
    spec = parse_model_spec("ollama:llama3.2", base_url="http://127.0.0.1:9")

    async def in_loop() -> tuple[object, object]:
        return chat_model(spec), chat_model(spec)

    first, again = asyncio.run(in_loop())
    second, _ = asyncio.run(in_loop())
    assert first is again
    assert second is not first
    assert chat_model(spec) is chat_model(spec)


def test_chat_model_uses_the_active_spec():
    set_active_model(parse_model_spec("ollama:llama3.2", base_url="http://127.0.0.1:9"))
    assert isinstance(chat_model(), ChatOllamaThinking)


# -- inline <think> tags -------------------------------------------------------------------------


def _split_all(pieces: list[str]) -> tuple[str, str]:
    splitter = InlineThinking()
    answer = reasoning = ""
    for piece in pieces:
        a, r = splitter.feed(piece)
        answer, reasoning = answer + a, reasoning + r
    a, r = splitter.flush()
    return answer + a, reasoning + r


@pytest.mark.parametrize(
    ("text", "answer", "reasoning"),
    [
        ("<think>Short is best.</think>\n\nHi!", "Hi!", "Short is best."),
        ("\n<think>\nweigh it\n</think>\nYes.", "Yes.", "\nweigh it\n"),
        ("No tags here.", "No tags here.", ""),
        ("<b>bold</b> answer", "<b>bold</b> answer", ""),
        ("Use <think> tags like this.", "Use <think> tags like this.", ""),
        ("<think>cut off before the end", "", "cut off before the end"),
        ("<thi", "<thi", ""),
        ("", "", ""),
    ],
)
def test_inline_thinking_whatever_the_chunking(text, answer, reasoning):
    # Every way of cutting the text in two or three pieces gives the same split.
    cuts = [[text]]
    cuts += [[text[:i], text[i:]] for i in range(1, len(text))]
    cuts += [
        [text[:i], text[i:j], text[j:]]
        for i in range(1, len(text))
        for j in range(i + 1, len(text), 3)
    ]
    for pieces in cuts:
        assert _split_all(pieces) == (answer, reasoning), pieces


def test_inline_thinking_passes_plain_answers_through_untouched():
    splitter = InlineThinking()
    assert splitter.feed("Hello") == ("Hello", "")
    assert splitter.state == "answer"
    assert splitter.feed(" <think>") == (" <think>", "")


# -- listing Ollama's models ---------------------------------------------------------------------


def test_list_ollama_models_reads_api_tags():
    with FakeOllama() as server:
        found = list_ollama_models(server.url)
    assert [(m.name, m.family, m.parameters, m.quantization) for m in found] == [
        ("llama3.2:latest", "llama", "3.2B", "Q4_K_M"),
        ("qwen3:latest", "qwen3", "8.2B", "Q4_K_M"),
    ]
    assert [m.size_label for m in found] == ["1.9 GB", "4.9 GB"]
    assert found[0].details == "llama 3.2B Q4_K_M"


@pytest.mark.parametrize(
    ("size", "label"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (2048, "2.0 KB"),
        (5 * 1024**3, "5.0 GB"),
        (3 * 1024**5, "3072.0 TB"),
    ],
)
def test_size_labels(size, label):
    assert OllamaModel("m", size).size_label == label


def test_listing_when_nothing_listens():
    url = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(OllamaUnavailable) as caught:
        list_ollama_models(url)
    assert str(caught.value) == f"Ollama is not running at {url}; start it with `ollama serve`"


def test_listing_when_the_server_never_answers():
    # A listening socket nobody accepts from: the connection is made, no answer comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(OllamaUnavailable) as caught:
            list_ollama_models(url, timeout_s=0.3)
    assert str(caught.value) == (
        f"Ollama at {url} did not answer within 0.3s: check it, or raise --timeout"
    )


def test_listing_from_a_server_that_is_not_ollama():
    with FakeOpenAI() as other, pytest.raises(OllamaUnavailable) as caught:
        list_ollama_models(other.url)
    assert str(caught.value) == (f"Ollama at {other.url} answered 404 to /api/tags: is it Ollama?")


class _HtmlTags(_OllamaHandler):
    def tags(self, record: RecordedRequest) -> None:
        self.send_text(200, "<html>proxy login</html>", "text/html")


class _HtmlOllama(FakeOllama):
    handler_class = _HtmlTags


def test_listing_when_api_tags_is_not_json():
    with _HtmlOllama() as server, pytest.raises(OllamaUnavailable) as caught:
        list_ollama_models(server.url)
    assert str(caught.value) == f"{server.url}/api/tags did not return JSON: is it Ollama?"


# -- which errors are the model server's ----------------------------------------------------------


def _raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:
        return caught


@pytest.fixture
def ollama_spec() -> Iterator[ModelSpec]:
    yield parse_model_spec("ollama:llama3.2", base_url="http://127.0.0.1:9")


def test_a_graphs_own_errors_get_no_model_hint(ollama_spec):
    # Raised here, not inside a model client: the graph's business, not the server's.
    request = httpx.Request("GET", "http://upstream.invalid/report")
    for error in (
        ValueError("bad input"),
        ConnectionError("upstream answered 503"),
        TimeoutError("the tool took too long"),
        httpx.ConnectError("refused", request=request),
        httpx.ReadTimeout("slow", request=request),
    ):
        assert explain_error(_raised(error), ollama_spec) is None
    try:
        json.loads("{oops")
    except json.JSONDecodeError as error:
        assert explain_error(error, ollama_spec) is None


def test_hints_use_the_active_spec_by_default():
    url = f"http://127.0.0.1:{closed_port()}"
    set_active_model(parse_model_spec("ollama:llama3.2", base_url=url))
    with pytest.raises(httpx.ConnectError) as caught:
        chat_model().invoke("hi")
    assert (
        explain_error(caught.value)
        == f"Ollama is not running at {url}; start it with `ollama serve`"
    )
