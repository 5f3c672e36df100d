"""Live tokens: each LLM call's text as it streams, under a header per node and call.

Blocks are wrapped to the pane's width once per change and cached, so a token costs
re-wrapping one block, not the whole log. The view follows the end of the stream
until the user scrolls up; ``f`` toggles following.
"""

from __future__ import annotations

import bisect
import hashlib
import json

from rich.text import Text
from textual.binding import Binding
from textual.events import MouseScrollDown, MouseScrollUp
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.literal import literal, one_line
from tui.app.model import RunModel, TokenBlock

NODE_COLORS = ("cyan", "magenta", "green", "yellow", "bright_blue", "bright_magenta", "bright_cyan")


def node_color(node: str) -> str:
    return NODE_COLORS[int(hashlib.sha1(node.encode()).hexdigest(), 16) % len(NODE_COLORS)]


def block_text(block: TokenBlock) -> Text:
    """Everything one block shows, as styled literal text."""
    text = Text(end="")
    color = node_color(block.node)
    if block.role == "tool":
        text.append("↳ ", "green")
        text.append(one_line(block.tool_name or "tool", 40), f"bold {color}")
        text.append(" → ", "dim")
        text.append_text(literal(block.text, "green"))
        return text
    text.append("▍", color)
    path = [segment.partition(":")[0] for segment in block.ns]
    text.append(one_line(" › ".join([*path, block.node]), 60), f"bold {color}")
    if block.step is not None:
        text.append(f" · step {block.step}", "dim")
    if block.model:
        text.append(f" · {one_line(block.model, 30)}", "dim")
    if block.waiting:
        text.append("\n  waiting for the model…", "dim italic")
    if block.reasoning:
        text.append("\n")
        text.append_text(literal(block.reasoning.strip("\n"), "dim italic"))
    if block.text:
        text.append("\n")
        text.append_text(literal(block.text))
    for index in sorted(block.tool_calls):
        draft = block.tool_calls[index]
        text.append("\n⚙ ", "bold yellow")
        text.append(one_line(draft.name or "…", 60), "bold yellow")
        text.append("(", "yellow")
        text.append_text(literal(_pretty_args(draft.args), "yellow"))
        if block.finished:
            text.append(")", "yellow")
    call = block.call
    if call is not None and call.status != "running":
        text.append("\n")
        text.append(_call_summary(call), "red" if call.status == "error" else "dim")
    return text


def _pretty_args(args: str) -> str:
    try:
        return json.dumps(json.loads(args), ensure_ascii=False)
    except ValueError:
        return args  # still streaming: show the partial JSON as it is


def _call_summary(call) -> str:
    parts = []
    if call.status != "ok":
        parts.append(call.status + (f": {one_line(call.error, 80)}" if call.error else ""))
    if call.input_tokens is not None:
        parts.append(f"{call.input_tokens} in")
    if call.output_tokens is not None:
        parts.append(f"{call.output_tokens} out")
    if call.ttft_s is not None:
        parts.append(f"ttft {call.ttft_s:.2f}s")
    if call.tokens_per_s:
        parts.append(f"{call.tokens_per_s:.0f} tok/s")
    return "  " + " · ".join(parts)


class TokenView(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up,k", "scroll_by(-1)", show=False),
        Binding("down,j", "scroll_by(1)", show=False),
        Binding("pageup", "scroll_by(-10)", show=False),
        Binding("pagedown", "scroll_by(10)", show=False),
        Binding("home", "scroll_to_top", show=False),
        Binding("end", "scroll_to_end", show=False),
    ]

    follow = reactive(True)

    class FollowChanged(Message):
        def __init__(self, follow: bool) -> None:
            self.follow = follow
            super().__init__()

    def __init__(self, model: RunModel, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model = model
        self._cache: dict[int, tuple[int, int, list[Strip]]] = {}
        self._starts: list[int] = []
        self._blocks: list[TokenBlock] = []
        self._total = 0

    def on_mount(self) -> None:
        # Textual's compositor keeps an anchored widget scrolled to the bottom as its
        # virtual size grows, at layout time; scrolling here by hand races the layout.
        self.anchor()

    def text_width(self) -> int:
        """The wrap width, whether or not the scrollbar shows right now: a width that
        changed with the scrollbar would re-wrap (and jump) the whole view."""
        return max(10, self.size.width - self.styles.scrollbar_size_vertical)

    def sync(self) -> None:
        width = self.text_width()
        self._blocks = list(self.model.blocks)
        starts, total = [], 0
        for block in self._blocks:
            starts.append(total)
            total += len(self._block_lines(block, width)) + 1  # a blank line between blocks
        self._starts, self._total = starts, total
        self.model.changed_blocks.clear()
        self.virtual_size = Size(width, total)
        self.refresh()

    def on_resize(self) -> None:
        self._cache.clear()
        self.sync()

    def _block_lines(self, block: TokenBlock, width: int) -> list[Strip]:
        cached = self._cache.get(id(block))
        if cached is not None and cached[0] == block.version and cached[1] == width:
            return cached[2]
        console = self.app.console
        lines = block_text(block).wrap(console, width)
        strips = [Strip(list(line.render(console))).extend_cell_length(width) for line in lines]
        self._cache[id(block)] = (block.version, width, strips)
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = y + int(self.scroll_offset.y)
        if not self._blocks or index >= self._total:
            if not self._blocks and y == 0:
                hint = Text("  no model output yet", "dim italic")
                return Strip(list(hint.render(self.app.console))).extend_cell_length(width)
            return Strip.blank(width)
        block_index = bisect.bisect_right(self._starts, index) - 1
        block = self._blocks[block_index]
        lines = self._block_lines(block, self.text_width())
        offset = index - self._starts[block_index]
        if offset >= len(lines):
            return Strip.blank(width)
        return lines[offset].crop(0, width)

    # -- following ----------------------------------------------------------------------

    def set_follow(self, follow: bool) -> None:
        if follow != self.follow:
            self.follow = follow
            self.post_message(self.FollowChanged(follow))
        if follow:
            self.anchor()  # scrolls to the end and re-engages a released anchor
        else:
            self.release_anchor()

    def action_scroll_by(self, lines: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + lines, animate=False, immediate=True)
        self._follow_if_at_end(moved_up=lines < 0)

    def action_scroll_to_top(self) -> None:
        self.scroll_home(animate=False, immediate=True)
        self.set_follow(False)

    def action_scroll_to_end(self) -> None:
        self.set_follow(True)

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self.call_after_refresh(self._follow_if_at_end, True)

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self.call_after_refresh(self._follow_if_at_end, False)

    def _follow_if_at_end(self, moved_up: bool) -> None:
        at_end = self.scroll_offset.y >= self.max_scroll_y
        if moved_up and not at_end:
            self.set_follow(False)
        elif at_end and not self.follow:
            self.set_follow(True)

    def plain_text(self) -> str:
        """All the text the pane holds (for tests and copy)."""
        return "\n\n".join(block_text(b).plain for b in self.model.blocks)
