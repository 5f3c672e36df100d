"""Real model clients in the TUI (pilot): ChatOllama and ChatOpenAI against local servers
that speak their wire protocols. Tokens, tool calls, thinking, token accounting, the
failure cases on screen, and the command palette's model switch."""

from __future__ import annotations

import pytest

from tests.app_helpers import wait_modal, wait_status, wait_until
from tests.fakes.cli import isolate_client_env
from tests.fakes.http_base import Reply, closed_port, tokens
from tests.fakes.ollama_server import FakeOllama
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.samples import LLM_SAMPLES
from tests.fakes.scripts import ANSWER, tool_loop
from tui import providers
from tui.app.app import DebuggerApp
from tui.app.panes.status_bar import StatusBar
from tui.app.screens.model_picker import ModelPickerScreen
from tui.providers.switcher import ActiveModelSwitcher

SIZE = (140, 40)
THOUGHT = "The user wants the weather; I will look it up."


@pytest.fixture(autouse=True)
def _local_only(monkeypatch):
    isolate_client_env(monkeypatch)


def _use(model: str, url: str) -> None:
    providers.set_active_model(providers.parse_model_spec(model, base_url=url, timeout_s=5))


@pytest.mark.parametrize("provider", ["ollama", "openai"])
async def test_react_agent_in_the_tui_streams_tools_thinking_and_usage(open_session, provider):
    script = tool_loop(thinking=THOUGHT, token_delay=0.002)
    server = FakeOllama(script) if provider == "ollama" else FakeOpenAI(script)
    with server:
        url = server.url if provider == "ollama" else server.base_url
        _use(f"{provider}:qwen3", url)  # a model that thinks, and calls tools
        session, _ = open_session("react_agent")
        app = DebuggerApp(session)
        async with app.run_test(size=SIZE) as pilot:
            await wait_status(pilot, "done", timeout=30)
            blocks = app.model.blocks
            calls = [d.name for b in blocks for d in b.tool_calls.values()]
            assert calls == ["get_weather", "local_time"]  # two calls, kept apart
            assert any(b.reasoning == THOUGHT for b in blocks)
            assert all(THOUGHT not in b.text for b in blocks)
            assert ANSWER in "".join(b.text for b in blocks)
            tools = [b for b in blocks if b.role == "tool"]
            assert {b.tool_name for b in tools} == {"get_weather", "local_time"}
            agent_rows = [r for r in app.model.task_rows() if r.node == "agent"]
            assert len(agent_rows) == 2
            for row in agent_rows:
                assert row.ttft_s() is not None and row.tokens_per_s()
            calls_out = [c.output_tokens for r in agent_rows for c in r.calls]
            assert all(calls_out)  # the servers' own usage figures, per call
            assert app.query_one(StatusBar).tokens == app.model.tokens_out == sum(calls_out)


@pytest.mark.parametrize("provider", ["ollama", "openai"])
async def test_server_dying_mid_stream_keeps_partial_output_and_the_app_up(open_session, provider):
    reply = Reply(tokens=tokens("one two three four five six"), die_after=3)
    server = FakeOllama(reply) if provider == "ollama" else FakeOpenAI(reply)
    with server:
        url = server.url if provider == "ollama" else server.base_url
        _use(f"{provider}:llama3.2", url)
        session, _ = open_session("joke")
        app = DebuggerApp(session)
        async with app.run_test(size=SIZE) as pilot:
            await wait_status(pilot, "failed", timeout=30)
            partial = "".join(b.text for b in app.model.blocks)
            assert partial and "one two three four five six".startswith(partial)
            assert len(partial) < len("one two three four five six")
            failure = app.model.last_error
            assert (
                failure is not None
                and "closed the stream mid-answer; the partial output is kept" in failure.title
            )
            assert "closed the stream mid-answer" in app.events_pane.plain_text()
            assert app.is_running


async def test_ollama_not_running_is_said_on_screen(open_session):
    url = f"http://127.0.0.1:{closed_port()}"
    _use("ollama:llama3.2", url)
    session, _ = open_session("joke")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "failed", timeout=30)
        assert (
            app.status_bar.detail == f"Ollama is not running at {url}; start it with `ollama serve`"
        )


async def test_switch_model_lists_what_ollama_has_and_the_next_run_uses_it(
    open_session, monkeypatch
):
    with FakeOllama(tool_loop()) as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        session, _ = open_session("joke", model_switcher=ActiveModelSwitcher())
        app = DebuggerApp(session)
        async with app.run_test(size=SIZE) as pilot:
            await wait_status(pilot, "done")
            assert not server.chats()  # the first run was offline
            await app.run_action("switch_model")
            await wait_modal(pilot, ModelPickerScreen)
            from textual.widgets import OptionList

            options = app.screen.query_one(OptionList)
            await wait_until(pilot, lambda: options.option_count > 3, what="Ollama's models listed")
            ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
            assert "ollama:llama3.2:latest" in ids
            options.highlighted = ids.index("ollama:llama3.2:latest")
            await pilot.press("enter")
            await pilot.pause()
            assert app.status_bar.model_label == "ollama:llama3.2:latest"
            first_thread = app.model.thread_id
            await pilot.press("r")
            await wait_until(
                pilot,
                lambda: app.model.thread_id != first_thread and app.model.status == "done",
                timeout=30,
            )
            assert len(server.chats()) == 1
            assert app.model.model_label == "ollama:llama3.2:latest"
            assert ANSWER in app.model.values["joke"]


@pytest.mark.parametrize("sample", list(LLM_SAMPLES))
async def test_every_llm_sample_runs_in_the_tui_on_ollama(open_session, sample):
    with FakeOllama(tool_loop(token_delay=0.001)) as server:
        _use("ollama:llama3.2", server.url)
        session, _ = open_session(sample)
        app = DebuggerApp(session)
        async with app.run_test(size=SIZE) as pilot:
            await wait_status(pilot, LLM_SAMPLES[sample][1], timeout=30)
            calls = [c for row in app.model.tasks.values() for c in row.calls]
            assert calls and all(c.status == "ok" and c.output_tokens for c in calls)
            assert app.model.tokens_out == sum(c.output_tokens for c in calls)
            assert any(b.text for b in app.model.blocks)
            assert len(server.chats()) == len(calls)
