"""State values become faithful JSON, and secrets never reach an event."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import uuid
from decimal import Decimal
from pathlib import Path

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.types import Interrupt, Send
from pydantic import BaseModel, SecretStr

from tui.engine.jsonify import Jsonifier
from tui.engine.redaction import REDACTED, secret_values_from_env


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Profile(BaseModel):
    name: str
    tags: set[str]
    token: SecretStr


class Color(enum.Enum):
    RED = "red"


class Opaque:
    def __repr__(self) -> str:
        return "<Opaque 7>"


def test_every_kind_of_value_has_a_json_form():
    j = Jsonifier()
    value = {
        "messages": [
            HumanMessage("hi", id="h1"),
            AIMessage(
                "",
                tool_calls=[{"name": "get_weather", "args": {"city": "Oslo"}, "id": "c1"}],
                id="a1",
            ),
            ToolMessage("5°C", tool_call_id="c1", name="get_weather", id="t1"),
        ],
        "point": Point(1, 2),
        "profile": Profile(name="ada", tags={"b", "a"}, token=SecretStr("hunter2hunter2")),
        "set": {3, 1, 2},
        "bytes": b"\x00\xff",
        "when": dt.datetime(2026, 1, 2, 3, 4, 5),
        "id": uuid.UUID(int=1),
        "money": Decimal("1.10"),
        "path": Path("/tmp/x"),
        "color": Color.RED,
        "nan": float("nan"),
        "interrupt": Interrupt(value={"q": "ok?"}, id="i1"),
        "send": Send("worker", {"n": 1}),
        "error": ValueError("bad"),
        "opaque": Opaque(),
        7: "int key",
    }
    out = j(value)
    json.dumps(out)  # must not raise
    human, ai, tool = out["messages"]
    assert human == {"type": "human", "content": "hi", "id": "h1"}
    assert ai["type"] == "ai" and ai["tool_calls"][0]["args"] == {"city": "Oslo"}
    assert tool["type"] == "tool" and tool["tool_call_id"] == "c1" and tool["name"] == "get_weather"
    assert out["point"] == {"x": 1, "y": 2}
    assert out["profile"] == {"name": "ada", "tags": ["a", "b"], "token": REDACTED}
    assert out["set"] == [1, 2, 3]
    assert out["bytes"] == {"$bytes": "AP8="}
    assert out["when"] == "2026-01-02T03:04:05"
    assert out["id"] == "00000000-0000-0000-0000-000000000001"
    assert out["money"] == "1.10" and out["path"] == "/tmp/x" and out["color"] == "red"
    assert out["nan"] == "nan"
    assert out["interrupt"] == {"id": "i1", "value": {"q": "ok?"}}
    assert out["send"] == {"$send": "worker", "arg": {"n": 1}}
    assert out["error"] == {"type": "ValueError", "message": "bad"}
    assert out["opaque"] == "<Opaque 7>"
    assert out["7"] == "int key"


def test_cycles_and_depth_do_not_hang():
    loop: dict = {"a": 1}
    loop["self"] = loop
    out = Jsonifier()(loop)
    assert out["self"] == "<cycle dict>"
    deep: list = []
    node = deep
    for _ in range(200):
        node.append([])
        node = node[0]
    json.dumps(Jsonifier()(deep))


def test_secrets_are_scrubbed_by_key_and_by_value():
    env = {"OPENAI_API_KEY": "sk-live-1234567890", "HOME": "/root", "SHORT_TOKEN": "abc"}
    secrets = secret_values_from_env(env)
    assert secrets == {"sk-live-1234567890"}
    j = Jsonifier(secrets)
    out = j(
        {
            "api_key": "anything",
            "Authorization": "Bearer x",
            "input_tokens": 12,
            "note": "my key is sk-live-1234567890, keep it",
        }
    )
    assert out["api_key"] == REDACTED and out["Authorization"] == REDACTED
    assert out["input_tokens"] == 12
    assert out["note"] == f"my key is {REDACTED}, keep it"
