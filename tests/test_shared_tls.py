"""Every HTTP client the providers and the server connection build shares its
library's default TLS context: the CA bundle is loaded once per process, not once
per client (40-50 ms of CPU each), and the trust it gives is the library's own."""

from __future__ import annotations

import asyncio
import ssl

import certifi
import pytest

from tui.net import tls
from tui.providers.ollama_models import OllamaUnavailable, list_ollama_models
from tui.providers.registry import _build
from tui.providers.spec import parse_model_spec
from tui.server.connection import make_client


@pytest.fixture
def ca_loads(monkeypatch):
    """How many times a CA bundle is loaded into a context, from a fresh cache."""
    # Their own contexts, built once at import: not ours to count.
    import langchain_openai.chat_models.base  # noqa: F401
    import ollama  # noqa: F401

    tls._context.cache_clear()
    _build.cache_clear()
    loads: list[object] = []
    real = ssl.SSLContext.load_verify_locations

    def load(self, *args, **kwargs):
        loads.append(args or kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", load)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    yield loads
    tls._context.cache_clear()
    _build.cache_clear()


def test_clients_built_again_and_again_load_the_ca_bundle_once_per_library(ca_loads):
    async def build_on_a_loop(url: str) -> None:
        # One model per event loop, as each session builds its own.
        for spec in ("ollama:llama3.2", "openai:gpt-4o-mini"):
            _build(parse_model_spec(spec, base_url=url), (url,), asyncio.get_running_loop())
        make_client(url, None, 5.0)
        make_client("https://example.invalid", "key", 5.0)

    for port in range(8):
        asyncio.run(build_on_a_loop(f"http://127.0.0.1:{40000 + port}"))
    for _ in range(3):
        with pytest.raises(OllamaUnavailable):
            list_ollama_models("http://127.0.0.1:9", timeout_s=0.5)
    # httpx (Ollama, the server, the model list) and openai's httpx2; the server
    # connection on loopback leaves the environment out, so it has its own.
    assert 1 <= len(ca_loads) <= 3


def test_a_cert_file_in_the_environment_is_honoured_as_the_library_does(ca_loads, monkeypatch):
    default = tls.shared_context()
    assert tls.shared_context() is default
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    own = tls.shared_context()
    assert own is not default and tls.shared_context() is own
    assert tls.shared_context(trust_env=False) is not own  # the variable is not read then


def test_the_library_of_a_client_class_is_found_through_its_bases():
    import httpx
    import openai

    assert tls.library_of(httpx.AsyncClient) == "httpx"
    assert tls.library_of(openai.DefaultAsyncHttpxClient) in ("httpx", "httpx2")
    with pytest.raises(TypeError):
        tls.library_of(dict)
