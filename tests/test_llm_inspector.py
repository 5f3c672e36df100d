"""The LLM call inspector: every chat-model call's request (messages, tools, params)
and reply, in events, headless JSONL and on screen; what a model server received is
what the inspector shows."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from tests.app_helpers import settle, wait_modal, wait_status, wait_until
from tests.fakes.cli import isolate_client_env, run_cli_here
from tests.fakes.ollama_server import FakeOllama
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.scripts import tool_loop
from tui import providers
from tui.app.app import DebuggerApp
from tui.app.screens.llm_call import CallTree, LlmCallScreen
from tui.app.screens.task_detail import TaskDetailScreen
from tui.app.view.run_view import RunView
from tui.engine.events import LlmFinished, LlmStarted, event_from_dict
from tui.engine.jsonify import Jsonifier
from tui.engine.llm_request import request_messages
from tui.engine.redaction import REDACTED

SIZE = (130, 40)
SYSTEM = "Use the tools to answer. Be brief."


def _check_react_requests(started: list[dict], finished: list[dict]) -> None:
    """The ReAct sample's three calls as sent: the second carries the first reply's tool
    calls and their results, matched by id."""
    assert len(started) == len(finished) == 3
    roles = [[m["role"] for m in s["messages"]] for s in started]
    assert roles[0] == ["system", "user"]
    assert roles[1] == ["system", "user", "assistant", "tool", "tool"]
    assert roles[2] == [*roles[1], "assistant", "tool"]
    assert started[0]["messages"][0]["content"] == SYSTEM
    first_reply = finished[0]["reply"]
    calls = first_reply["tool_calls"]
    assert [c["name"] for c in calls] == ["get_weather", "local_time"]
    sent_back = started[1]["messages"]
    assert sent_back[2]["tool_calls"] == calls
    results = sent_back[3:5]
    assert [r["tool_call_id"] for r in results] == [c["id"] for c in calls]
    assert [r["name"] for r in results] == ["get_weather", "local_time"]
    assert results[0]["content"].startswith("Paris: ")
    for s in started:
        tools = {t["name"]: t for t in s["tools"]}
        assert set(tools) == {"get_weather", "local_time", "convert_temperature"}
        assert tools["get_weather"]["description"] == "Current weather for a city."
        assert tools["get_weather"]["parameters"]["properties"] == {"city": {"type": "string"}}
        assert s["params"]["model"] == "scripted"
    assert [f["finish_reason"] for f in finished] == ["tool_calls", "tool_calls", "stop"]
    assert "Paris" in finished[2]["reply"]["content"]


def test_llm_events_carry_the_request_and_the_reply(open_session):
    session, log = open_session("react_agent")
    session.start().result(timeout=30)
    log.finish()
    started = [e.to_dict() for e in log.of("llm_started")]
    finished = [e.to_dict() for e in log.of("llm_finished")]
    _check_react_requests(started, finished)
    for event in log.of("llm_started") + log.of("llm_finished"):
        data = event.to_dict()
        assert event_from_dict(json.loads(json.dumps(data))).to_dict() == data


def test_headless_jsonl_carries_the_request_and_the_reply():
    result = run_cli_here("run", "sample_graphs/react_agent.py", "--headless")
    assert result.returncode == 0, result.describe()
    # Each call is written as the messages it adds to the call before it...
    written = result.of("llm_started")
    assert written[0]["messages"] and all(e["messages"] is None for e in written[1:])
    assert [e["messages_from"] for e in written[1:]] == [e["seq"] for e in written[:-1]]
    # ...and read back whole.
    read = [e.to_dict() for e in result.read_back() if e.kind == "llm_started"]
    _check_react_requests(read, result.of("llm_finished"))


def test_secrets_in_a_request_and_a_reply_are_redacted(open_session, monkeypatch):
    secret = "sk-inspector-secret-0123456789"
    monkeypatch.setenv("SERVICE_API_KEY", secret)
    session, log = open_session("react_agent")
    session.start({"messages": [{"role": "user", "content": f"my key is {secret}"}]}).result(30)
    log.finish()
    started = log.of("llm_started")
    assert started and all(secret not in json.dumps(e.to_dict()) for e in started)
    assert any(REDACTED in m["content"] for m in started[0].messages)  # type: ignore[attr-defined]
    assert all(secret not in json.dumps(e.to_dict()) for e in log.of("llm_finished"))


_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)


@given(
    before=_TEXT,
    after=_TEXT,
    args=st.dictionaries(st.sampled_from(["city", "note", "q"]), _TEXT, max_size=3),
    where=st.sampled_from(["human", "ai", "tool", "args"]),
)
def test_a_request_keeps_every_message_and_never_a_secret(before, after, args, where):
    secret = "Zq9-secret-value-XYZ"
    jsonify = Jsonifier([secret])
    text = f"{before}{secret}{after}"
    messages = [
        SystemMessage(SYSTEM),
        HumanMessage(text if where == "human" else before),
        AIMessage(
            text if where == "ai" else "",
            tool_calls=[
                {
                    "name": "look",
                    "args": {**args, "x": text} if where == "args" else args,
                    "id": "c1",
                    "type": "tool_call",
                }
            ],
        ),
        ToolMessage(text if where == "tool" else after, tool_call_id="c1", name="look"),
    ]
    sent = request_messages([messages], jsonify)
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool"]
    assert secret not in json.dumps(sent)
    assert sent[2]["tool_calls"][0]["name"] == "look" and sent[3]["tool_call_id"] == "c1"
    if where != "human":
        assert sent[1]["content"] == before
    assert sent[0]["content"] == SYSTEM


async def test_the_inspector_opens_by_key_from_the_task_view_and_from_a_header(open_session):
    session, _ = open_session("react_agent")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await settle(pilot)
        calls = app.model.llm_calls
        assert [c.index for c in calls] == [1, 2, 3]
        # The key: the latest call, with the previous turns' tool results as sent.
        await pilot.press("v")
        await wait_modal(pilot, LlmCallScreen)
        screen = app.screen
        assert isinstance(screen, LlmCallScreen) and screen.call is calls[-1]
        shown = screen.plain_text()
        assert "call 3 of 3" in shown and "finish: stop" in shown
        assert f"0 system: {SYSTEM}" in shown
        assert "3 tool get_weather ← call_" in shown and "Paris: " in shown
        assert "⚙ convert_temperature(" in shown
        await pilot.press("left_square_bracket")
        assert screen.call is calls[1] and "call 2 of 3" in screen.plain_text()
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, LlmCallScreen))
        # The task view: enter on the first agent row, then v.
        app.timeline.focus()
        await pilot.press("home", "enter")
        await wait_modal(pilot, TaskDetailScreen)
        await pilot.press("v")
        await wait_modal(pilot, LlmCallScreen)
        assert app.screen.call is calls[0]  # type: ignore[attr-defined]
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)
        # A click on a call's block in the token pane.
        app.tokens.set_follow(False)
        app.tokens.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        await pilot.click("#tokens", offset=(5, 2))  # the first call's reasoning
        await pilot.pause()
        assert len(app.screen_stack) == 1  # only a header opens the inspector
        await pilot.click("#tokens", offset=(5, 1))  # its header (the border is line 0)
        await wait_modal(pilot, LlmCallScreen)
        assert app.screen.call is calls[0]  # type: ignore[attr-defined]


async def test_a_call_in_progress_shows_what_was_sent_at_once(open_session):
    providers.set_active_model(providers.parse_model_spec("scripted:5"))
    session, _ = open_session("react_agent")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: bool(app.model.llm_calls), what="a call started")
        await pilot.press("v")
        await wait_modal(pilot, LlmCallScreen)
        screen = app.screen
        assert isinstance(screen, LlmCallScreen)
        shown = screen.plain_text()
        assert "running" in shown and "(waiting for the reply)" in shown
        assert "1 user: What's the weather in Paris" in shown
        session.cancel()
        await wait_until(pilot, lambda: "waiting for the reply" not in screen.plain_text())


async def test_a_huge_prompt_opens_building_only_what_shows(open_session):
    """200 messages with 50 KB tool results: the tree builds the labels on screen, cut."""
    from tests.graphs import big_prompt

    session, _ = open_session(big_prompt)
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        await pilot.press("v")
        await wait_modal(pilot, LlmCallScreen)
        call = app.screen.call  # type: ignore[attr-defined]
        assert len(call.messages) == 201
        tree = app.screen.query_one(CallTree)
        built = tree.last_line + 1
        assert built < 130  # top keys and the first page of messages, no more
        longest = max(len(str(tree.get_node_at_line(y).label)) for y in range(built))
        assert longest < 300
        # The call holds the graph's own strings: no copy of 10 MB per call.
        sent = call.messages[3]
        assert sent["role"] == "tool" and len(sent["content"]) == 50_000
        assert sent["content"] is session.values["messages"][2]["content"]


@pytest.fixture
def _local(monkeypatch):
    isolate_client_env(monkeypatch)


@pytest.mark.parametrize("provider", ["openai", "ollama"])
async def test_what_the_server_received_is_what_the_inspector_shows(open_session, _local, provider):
    server = FakeOpenAI(tool_loop()) if provider == "openai" else FakeOllama(tool_loop())
    with server:
        url = server.base_url if provider == "openai" else server.url
        providers.set_active_model(
            providers.parse_model_spec(f"{provider}:qwen3", base_url=url, timeout_s=5)
        )
        session, _ = open_session("react_agent")
        app = DebuggerApp(session)
        async with app.run_test(size=SIZE) as pilot:
            await wait_status(pilot, "done")
            await settle(pilot)
            chat = ("/api/chat", "/v1/chat/completions")
            bodies = [r.body for r in server.requests if r.path in chat]
            calls = app.model.llm_calls
            assert len(bodies) == len(calls) == 2
            for body, call in zip(bodies, calls, strict=True):
                received = [_wire(m) for m in body["messages"]]
                assert len(call.messages) == len(received)
                shown = [_shown(m, w) for m, w in zip(call.messages, received, strict=True)]
                assert received == shown
                sent_tools = [t["function"] for t in body["tools"]]
                shown_tools = call.tools
                if provider == "ollama":  # ChatOllama drops argument defaults on the wire
                    shown_tools = json.loads(
                        json.dumps(shown_tools)
                        .replace(', "default": "fahrenheit"', "")
                        .replace('"default": "fahrenheit", ', "")
                    )
                for key in ("name", "description", "parameters"):
                    assert [t[key] for t in sent_tools] == [t[key] for t in shown_tools]
                assert call.params["model"] == body["model"] == "qwen3"
            if provider == "openai":  # the sample forces its first tool on OpenAI servers
                assert calls[0].params["tool_choice"] == bodies[0]["tool_choice"]
                assert calls[0].finish_reason == "tool_calls"
            else:
                assert calls[0].finish_reason == "stop"  # Ollama's done_reason
            assert calls[-1].reply and calls[-1].reply["content"]
            await pilot.press("v")
            await wait_modal(pilot, LlmCallScreen)
            shown = app.screen.plain_text()  # type: ignore[attr-defined]
            last = bodies[-1]["messages"][-1]
            assert last["role"] == "tool" and last["content"][:30] in shown


def _wire(message: dict) -> dict:
    """A message as the server received it: role, content, tool calls (name and
    arguments), the tool call id and name a tool result answers, where sent."""
    calls = []
    for call in message.get("tool_calls") or []:
        function = call.get("function", call)
        args = function.get("arguments")
        calls.append((function.get("name"), json.loads(args) if isinstance(args, str) else args))
    reduced = {
        "role": message["role"],
        "content": message.get("content") or "",
        "tool_calls": calls,
    }
    for key in ("tool_call_id", "tool_name", "name"):
        if message.get(key):
            reduced[key] = message[key]
    return reduced


def _shown(message: dict, wire: dict) -> dict:
    """The inspector's message in the same terms (a field the wire format does not
    carry, such as OpenAI's tool name, is not compared)."""
    reduced = {
        "role": message["role"],
        "content": message.get("content") or "",
        "tool_calls": [(c["name"], c["args"]) for c in message.get("tool_calls") or []],
    }
    if "tool_call_id" in wire:
        reduced["tool_call_id"] = message.get("tool_call_id")
    for key in ("tool_name", "name"):
        if key in wire:
            reduced[key] = message.get("name")
    return reduced


def test_an_llm_event_from_an_older_recording_still_reads():
    old = {
        "seq": 1,
        "t": 0.1,
        "kind": "llm_started",
        "ns": [],
        "node": "a",
        "task_id": "t",
        "run_id": "r",
        "model": "m",
    }
    event = event_from_dict(old)
    assert isinstance(event, LlmStarted) and event.messages == [] and event.tools == []
    done = event_from_dict({**old, "kind": "llm_finished"})
    assert isinstance(done, LlmFinished) and done.reply is None and done.finish_reason is None


def test_calls_hold_one_copy_of_the_messages_they_send_again(open_session):
    """Each call re-sends the history; a recording decodes every copy anew. The view
    keeps one copy per message, so memory grows with messages, not calls x messages."""
    session, log = open_session("react_agent")
    session.start().result(timeout=30)
    log.finish()
    decoded = [event_from_dict(json.loads(json.dumps(e.to_dict()))) for e in log.events]
    view = RunView()
    view.apply(decoded)
    first, second, third = view.llm_calls
    assert second.messages[0] is first.messages[0]  # the system prompt, built per call
    assert all(a is b for a, b in zip(second.messages, third.messages[:5], strict=True))
    sent = [e.messages for e in log.of("llm_started")]  # type: ignore[attr-defined]
    assert [c.messages for c in view.llm_calls] == sent  # still exactly what was sent
