"""The LLM call inspector: what one chat-model call was sent, and what it answered.

The messages (system prompt, history, the previous turn's tool results), the tools
bound, the invocation parameters, then the reply with its finish reason, usage and
timing. The tree builds only what is expanded, so a 200-message prompt with huge
tool results opens as fast as a short one. A call still running shows what it was
sent at once, and its reply when it comes. ``[`` and ``]`` walk the run's calls.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from tui.app.panes.state import CopyableTree
from tui.app.panes.tokens import node_color
from tui.app.panes.value_tree import plural
from tui.app.screens.modal import Modal
from tui.app.text.literal import duration_label, one_line
from tui.app.view.records import LlmCall
from tui.engine.status import TaskStatus

ROLE_STYLES = {
    "system": "bold magenta",
    "user": "bold green",
    "assistant": "bold cyan",
    "tool": "bold yellow",
}
PREVIEW = 70


def call_value(call: LlmCall) -> dict[str, Any]:
    """The call as one value for the tree: request first, then the answer."""
    value: dict[str, Any] = {
        "messages": call.messages,
        "tools": call.tools,
        "params": call.params,
    }
    if call.status == TaskStatus.RUNNING:
        value["reply"] = "(waiting for the reply)"
    elif call.reply is not None:
        value["reply"] = call.reply
    if call.error:
        value["error"] = call.error
    value["finish_reason"] = call.finish_reason
    value["usage"] = {"input_tokens": call.input_tokens, "output_tokens": call.output_tokens}
    value["timing"] = {
        "started_s": None if call.started_t is None else round(call.started_t, 3),
        "ttft_s": None if call.ttft_s is None else round(call.ttft_s, 3),
        "duration_s": None if call.duration_s is None else round(call.duration_s, 3),
        "tokens_per_s": None if call.tokens_per_s is None else round(call.tokens_per_s, 1),
    }
    return value


def call_title(call: LlmCall, total: int) -> Text:
    text = Text()
    node = call.node or "?"
    path = [segment.partition(":")[0] for segment in call.ns]
    text.append(one_line(" › ".join([*path, node]), 50), f"bold {node_color(node)}")
    if call.step is not None:
        text.append(f" · step {call.step}", "bold")
    if call.model:
        text.append(f" · {one_line(call.model, 30)}")
    text.append(f" · call {call.index} of {total}", "dim")
    status = call.status
    text.append(f" · {status}", "red" if status == TaskStatus.ERROR else "dim")
    return text


def call_summary(call: LlmCall) -> str:
    parts = [
        f"{len(call.messages)} message{'s' if len(call.messages) != 1 else ''}",
        f"{len(call.tools)} tool{'s' if len(call.tools) != 1 else ''}",
    ]
    if call.input_tokens is not None:
        parts.append(f"{call.input_tokens} in")
    if call.output_tokens is not None:
        parts.append(f"{call.output_tokens} out")
    if call.ttft_s is not None:
        parts.append(f"ttft {call.ttft_s:.2f}s")
    if call.duration_s is not None:
        parts.append(f"took {duration_label(call.duration_s)}")
    if call.finish_reason:
        parts.append(f"finish: {call.finish_reason}")
    return one_line(" · ".join(parts), 160)


def _preview(content: Any) -> str:
    """A short reading of a message's content or a call's arguments: the text of
    content blocks, not their JSON (an image block's data would be megabytes)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content[:8]:
            if isinstance(block, dict) and isinstance(block.get("text"), str):
                parts.append(block["text"][: PREVIEW + 1])
            elif isinstance(block, dict):
                parts.append(f"[{block.get('type', 'block')}]")
            else:
                parts.append(str(block)[: PREVIEW + 1])
        return " ".join(parts)
    if content is None:
        return ""
    return json.dumps(content, ensure_ascii=False, default=repr)


def _call_text(call: Any) -> Text:
    text = Text()
    if not isinstance(call, dict):
        return text
    text.append(one_line(str(call.get("name") or "?"), 30), "bold yellow")
    text.append("(", "yellow")
    text.append(one_line(_preview(call.get("args")), PREVIEW), "yellow")
    text.append(")", "yellow")
    if call.get("id"):
        text.append(f"  {one_line(str(call['id']), 30)}", "dim")
    return text


def message_line(index: Any, message: dict[str, Any]) -> Text:
    """``3 tool get_weather ← call_1: Paris: windy, 11°C``: role, who, a preview."""
    role = str(message.get("role", "?"))
    text = Text()
    text.append(f"{index} ", "dim")
    text.append(one_line(role, 12), ROLE_STYLES.get(role, "bold"))
    if message.get("name"):
        text.append(f" {one_line(str(message['name']), 30)}", "yellow")
    if message.get("tool_call_id"):
        text.append(f" ← {one_line(str(message['tool_call_id']), 30)}", "dim")
    preview = _preview(message.get("content"))
    if preview:
        text.append(": ", "dim")
        text.append(one_line(preview, PREVIEW))
    calls = message.get("tool_calls") or []
    for call in calls[:3]:
        text.append("  ⚙ ", "yellow")
        text.append_text(_call_text(call))
    if len(calls) > 3:
        text.append(f"  +{len(calls) - 3} more", "yellow")
    return text


def tool_line(index: Any, tool: dict[str, Any]) -> Text:
    text = Text()
    text.append(f"{index} ", "dim")
    text.append(one_line(str(tool.get("name") or "?"), 40), "bold yellow")
    params = tool.get("parameters")
    props = params.get("properties") if isinstance(params, dict) else None
    if isinstance(props, dict):
        text.append(f"({one_line(', '.join(map(str, props)), 40)})", "yellow")
    if tool.get("description"):
        text.append(f"  {one_line(str(tool['description']), PREVIEW)}", "dim")
    return text


class CallTree(CopyableTree):
    """The call's value, with messages, tools and tool calls labelled by what they are."""

    def label_for(
        self, key: Any, value: Any, path: tuple[Any, ...], *, changed: bool = False
    ) -> Text:
        if path in (("messages",), ("tools",)) and isinstance(value, list):
            label = Text()
            label.append(str(key), "bold")
            label.append(": ", "dim")
            label.append(f"[{plural(len(value), str(key)[:-1])}]", "dim")
            return label
        if isinstance(value, dict):
            if len(path) == 2 and path[0] == "messages":
                return message_line(key, value)
            if len(path) == 2 and path[0] == "tools":
                return tool_line(key, value)
            if len(path) >= 2 and path[-2] == "tool_calls":
                label = Text(f"{key} ", "dim")
                label.append_text(_call_text(value))
                return label
        return super().label_for(key, value, path, changed=changed)


class LlmCallScreen(Modal[None]):
    AUTO_FOCUS = "#llm-call-tree"
    BINDINGS = [
        Binding("escape,q,v", "close", "Close"),
        Binding("left_square_bracket", "step(-1)", "Previous call", key_display="["),
        Binding("right_square_bracket", "step(1)", "Next call", key_display="]"),
    ]

    def __init__(
        self, calls: Sequence[LlmCall], call: LlmCall, reveal: tuple[Any, ...] = ()
    ) -> None:
        """``reveal``: a path in the call's value to open and put the cursor on (a
        search hit)."""
        super().__init__()
        self.calls = calls
        self.call = call
        self.reveal = reveal
        self._seen: tuple[Any, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="llm-call", classes="dialog wide"):
            yield Label(id="llm-call-title", classes="dialog-title")
            yield Label(id="llm-call-summary")
            yield Label(
                Text(
                    "enter expands · [ ] previous/next call · y copies the selected value "
                    "as JSON · esc closes",
                    "dim",
                )
            )
            yield CallTree(id="llm-call-tree")

    def on_mount(self) -> None:
        self._show(first=True)
        tree = self.query_one(CallTree)
        if self.reveal:
            tree.reveal(self.reveal)
        # A call still running gets its reply when it comes (what was sent shows at once).
        self.set_interval(0.25, self._refresh_if_changed)

    def _state(self) -> tuple[Any, ...]:
        call = self.call
        return (call, call.status, call.reply is not None, call.input_tokens, len(self.calls))

    def _refresh_if_changed(self) -> None:
        if self._state() != self._seen:
            self._show(first=False)

    def _show(self, *, first: bool) -> None:
        call = self.call
        self._seen = self._state()
        self.query_one("#llm-call-title", Label).update(call_title(call, len(self.calls)))
        self.query_one("#llm-call-summary", Label).update(Text(call_summary(call), "dim"))
        tree = self.query_one(CallTree)
        tree.show(call_value(call))
        if first:
            for node in tree.root.children:
                if node.data is not None and node.data.path in (("messages",), ("reply",)):
                    tree._populate(node)
                    node.expand()

    def action_step(self, delta: int) -> None:
        calls = list(self.calls)
        if self.call not in calls:
            return
        index = calls.index(self.call) + delta
        if 0 <= index < len(calls):
            self.call = calls[index]
            self._show(first=True)

    def action_close(self) -> None:
        self.finish(None)

    def plain_text(self) -> str:
        """What the screen shows, for tests: title, summary and the visible tree lines."""
        tree = self.query_one(CallTree)
        lines = [
            call_title(self.call, len(self.calls)).plain,
            call_summary(self.call),
        ]
        for y in range(tree.last_line + 1):
            node = tree.get_node_at_line(y)
            if node is not None:
                label = node.label
                lines.append(label.plain if isinstance(label, Text) else str(label))
        return "\n".join(lines)
