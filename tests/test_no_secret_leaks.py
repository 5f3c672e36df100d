"""No secret leaks: everything that leaves the engine is redacted once, on the way out.

Secrets are planted in every place a graph can put them (state values and keys,
bytes, header pairs, secret-named fields, streamed text and tool arguments cut
across chunks, custom events, interrupts, model errors, node failures, the input and
the answer) and looked for in every field of every event, on stderr and on screen.
"""

from __future__ import annotations

import json
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.app_helpers import settle, wait_status
from tests.fakes.cli import run_cli_here
from tests.helpers import TEST_GRAPHS, examples
from tui.app.app import DebuggerApp
from tui.engine.redaction import (
    REDACTED,
    Redactor,
    StreamRedactor,
    is_secret_env_name,
    is_secret_name,
)

LEAKY = str(TEST_GRAPHS / "leaky.py")
NOT_IN_ENV = [
    "abc123-not-in-env",
    "st-4567-not-in-env",
    "hunter2hunter2",
    "letmein-please",
    "nested-key-123",
    "pa55word-in-url",
]


def test_secret_names_beyond_key_and_token():
    for name in (
        "api_key",
        "OPENAI_API_KEY",
        "token",
        "session_token",
        "pwd",
        "pass",
        "password",
        "credentials",
        "Authorization",
        "authToken",
        "client_secret",
        "x-api-key",
    ):
        assert is_secret_name(name), name
    for name in ("input_tokens", "max_tokens", "key", "passthrough", "author", "keyboard"):
        assert not is_secret_name(name), name
    assert is_secret_env_name("MY_SERVICE_KEY") and is_secret_env_name("HF_TOKEN")
    assert not is_secret_env_name("PWD") and not is_secret_env_name("KEYBOARD_LAYOUT")


secrets = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=12, max_size=40)


@given(
    secret=secrets, cut=st.integers(min_value=1, max_value=39), sizes=st.lists(st.integers(1, 9))
)
def test_a_secret_split_across_chunks_never_shows_whole(secret, cut, sizes):
    stream = StreamRedactor(Redactor([secret]))
    text = f"before {secret} middle {secret[:cut]}{secret[cut:]} after"
    chunks, start = [], 0
    for size in [*sizes, len(text)]:
        chunks.append(text[start : start + size])
        start += size
    shown = "".join(stream.feed(chunk) for chunk in chunks) + stream.flush()
    assert secret not in shown
    assert shown == f"before {REDACTED} middle {REDACTED} after"


def _planted(monkeypatch, secret: str, cut: int, env_name: str) -> None:
    monkeypatch.setenv(env_name, secret)
    monkeypatch.setenv("LEAKY_SECRET", secret)
    monkeypatch.setenv("LEAKY_SPLIT", str(cut))


def _run_leaky(secret: str) -> tuple[list[dict], str]:
    first = run_cli_here("run", LEAKY, "--headless", "--input", json.dumps({"request": secret}))
    assert first.returncode == 3, first.describe()
    return first.events, first.stdout + first.stderr


@settings(max_examples=examples(6))
@given(
    secret=secrets,
    cut=st.integers(min_value=1, max_value=39),
    env_name=st.sampled_from(
        ["OPENAI_API_KEY", "MY_TOKEN", "DB_PASSWORD", "SERVICE_SECRET", "GH_CREDENTIALS"]
    ),
)
def test_a_secret_planted_everywhere_appears_in_no_event(secret, cut, env_name):
    import os

    # Hypothesis runs examples in one test: the environment is set by hand.
    old = {k: os.environ.get(k) for k in (env_name, "LEAKY_SECRET", "LEAKY_SPLIT")}
    os.environ.update({env_name: secret, "LEAKY_SECRET": secret, "LEAKY_SPLIT": str(cut)})
    try:
        events, output = _run_leaky(secret)
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert secret not in output
    for hidden in NOT_IN_ENV:
        assert hidden not in output, hidden
    kinds = {e["kind"] for e in events}
    assert {
        "run_started",
        "token",
        "custom",
        "update",
        "values",
        "checkpoint",
        "interrupted",
    } <= kinds
    # The redaction left its mark where the secret was.
    tokens = [e for e in events if e["kind"] == "token"]
    text = "".join(e["text"] for e in tokens)
    assert f"the key is {REDACTED}, keep it" in text
    reasoning = "".join(e["reasoning"] for e in tokens)
    assert REDACTED in reasoning
    args = "".join(c["args"] for e in tokens for c in e["tool_call_chunks"])
    assert args == '{"k": "' + REDACTED + '"}'


def test_the_answer_the_failure_and_the_model_error_are_redacted(tmp_path, monkeypatch):
    secret = "sk-live-Zq3XwVbN8mPkL2"
    _planted(monkeypatch, secret, 7, "OPENAI_API_KEY")
    db = f"sqlite:{tmp_path / 'l.db'}"
    first = run_cli_here("run", LEAKY, "--headless", "--checkpointer", db, "--thread", "t")
    assert first.returncode == 3
    answered = run_cli_here(
        "run",
        LEAKY,
        "--headless",
        "--checkpointer",
        db,
        "--thread",
        "t",
        "--resume",
        json.dumps({"ok": True, "api_key": "answer-secret-9876"}),
    )
    assert answered.returncode == 1, answered.describe()
    output = first.stdout + answered.stdout + answered.stderr
    assert secret not in output and "answer-secret-9876" not in output
    failed = answered.one("run_failed")
    assert failed["error"] == f"could not connect with {REDACTED}"
    assert secret not in failed["traceback"]
    llm = [e for e in answered.of("llm_finished") if e["status"] == "error"]
    assert llm and REDACTED in llm[0]["error"]


async def test_the_screen_shows_the_redacted_text(monkeypatch, open_session):
    secret = "tok-screen-ABCDEFGH12345"
    _planted(monkeypatch, secret, 4, "SCREEN_TOKEN")
    session, _ = open_session("leaky")
    app = DebuggerApp(session)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_status(pilot, "interrupted")
        await settle(pilot)
        screen = app.export_screenshot()
        await pilot.press("escape")
        await pilot.press("enter")  # open a task: its input and result
        await settle(pilot)
        detail = app.export_screenshot()
    assert secret not in screen and secret not in detail
    assert "redacted" in screen
