"""Live tokens: each LLM call's text as it streams, under a header per node and call.

Blocks are wrapped to the pane's width once per change and cached, so a token costs
re-wrapping one block, not the whole log. The view follows the end of the stream
until the user scrolls up; ``f`` toggles following.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.events import Click, MouseScrollDown, MouseScrollUp
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from tui.app.kept_lines import KeptLinesStylesCache, KeptRowsScrollBar, blank_line
from tui.app.text.growing_text import GrowingText
from tui.app.text.literal import literal, one_line
from tui.app.view.records import LlmCall, TokenBlock
from tui.app.view.run_view import RunView
from tui.engine.status import ENDED, RunStatus, TaskStatus

NODE_COLORS = ("cyan", "magenta", "green", "yellow", "bright_blue", "bright_magenta", "bright_cyan")


def node_color(node: str) -> str:
    return NODE_COLORS[
        int(hashlib.sha1(node.encode("utf-8", "surrogatepass")).hexdigest(), 16) % len(NODE_COLORS)
    ]


def header_text(block: TokenBlock, label: str | None = None) -> Text:
    """The block's heading: node (with its subgraph path, and what a Send gave it),
    step, model."""
    text = Text(end="")
    color = node_color(block.node)
    text.append("▍", color)
    path = [segment.partition(":")[0] for segment in block.ns]
    text.append(one_line(" › ".join([*path, label or block.node]), 60), f"bold {color}")
    if block.step is not None:
        text.append(f" · step {block.step}", "dim")
    if block.model:
        text.append(f" · {one_line(block.model, 30)}", "dim")
    if block.waiting:
        text.append("\n  waiting for the model…", "dim italic")
    return text


def tool_result_text(block: TokenBlock) -> Text:
    text = Text(end="")
    text.append("↳ ", "green")
    text.append(one_line(block.tool_name or "tool", 40), f"bold {node_color(block.node)}")
    text.append(" → ", "dim")
    text.append_text(literal(block.text, "green"))
    return text


def tail_text(block: TokenBlock) -> Text | None:
    """Tool calls as they build, then the call's figures once it ended."""
    text = Text(end="")
    for index in sorted(block.tool_calls):
        draft = block.tool_calls[index]
        text.append("\n" if text else "")
        text.append("⚙ ", "bold yellow")
        text.append(one_line(draft.name or "…", 60), "bold yellow")
        text.append("(", "yellow")
        text.append_text(literal(_pretty_args(draft.args), "yellow"))
        if block.finished:
            text.append(")", "yellow")
    call = block.call
    if call is not None and call.status != TaskStatus.RUNNING:
        text.append("\n" if text else "")
        text.append(_call_summary(call), "red" if call.status == TaskStatus.ERROR else "dim")
    return text or None


REASONING_STYLE = "dim italic"


def block_text(block: TokenBlock) -> Text:
    """Everything one block shows, as styled literal text (all of it at once)."""
    if block.role == "tool":
        return tool_result_text(block)
    text = header_text(block)
    for part, style in ((block.reasoning.strip("\n"), REASONING_STYLE), (block.text, "")):
        if part:
            text.append("\n")
            text.append_text(literal(part, style))
    tail = tail_text(block)
    if tail is not None:
        text.append("\n")
        text.append_text(tail)
    return text


def _pretty_args(args: str) -> str:
    try:
        return json.dumps(json.loads(args), ensure_ascii=False)
    except ValueError:
        return args  # still streaming: show the partial JSON as it is


def _call_summary(call: LlmCall) -> str:
    parts = []
    if call.status != TaskStatus.OK:
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


def _first_difference(before: list[Strip], after: list[Strip]) -> int:
    """The index of the first line that differs (finished lines are the same objects,
    so runs of them compare in C, by identity)."""
    n = min(len(before), len(after))
    for start in range(0, n, 64):
        end = min(n, start + 64)
        if before[start:end] != after[start:end]:
            return next(i for i in range(start, end) if before[i] != after[i])
    return n


class _Rendered:
    """One block's lines, and the incremental wrapping of its growing parts. Holds
    the block itself: keyed by id() alone, a new block could inherit a dead one's."""

    def __init__(self, block: TokenBlock) -> None:
        self.block = block
        self.version = -1
        self.width = 0
        self.strips: list[Strip] = []
        self.reasoning = GrowingText(REASONING_STYLE)
        self.answer = GrowingText()
        self.parts: dict[str, tuple[object, int, list[Strip]]] = {}
        """The small parts around the growing ones (the header, the tail) as last
        wrapped: a streaming reply's header reads the same frame after frame."""


class TokenView(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up,k", "scroll_by(-1)", show=False),
        Binding("down,j", "scroll_by(1)", show=False),
        Binding("pageup", "scroll_by(-10)", show=False),
        Binding("pagedown", "scroll_by(10)", show=False),
        Binding("home", "scroll_to_top", show=False),
        Binding("end", "scroll_to_end", show=False),
        Binding("enter", "inspect_call", "Inspect call", show=False),
    ]

    follow = reactive(True)

    class FollowChanged(Message):
        def __init__(self, follow: bool) -> None:
            self.follow = follow
            super().__init__()

    class CallSelected(Message):
        """The user picked an LLM call (a click on its block): inspect it."""

        def __init__(self, call: LlmCall) -> None:
            self.call = call
            super().__init__()

    def __init__(self, model: RunView, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self._rendered: dict[int, _Rendered] = {}
        self._starts: list[int] = []
        self._blocks: list[TokenBlock] = []
        self._total = 0
        self._synced_width = 0
        # A scroll moves every line: each comes back as drawn, not styled again.
        self._styles_cache = KeptLinesStylesCache()
        self._painting: tuple[int, int, int] | None = None

    def on_mount(self) -> None:
        self.anchor()

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own, but drawn from kept rows: it moves at every new line."""
        if self._vertical_scrollbar is None:
            bar = KeptRowsScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def text_width(self) -> int:
        """The wrap width, whether or not the scrollbar shows right now: a width that
        changed with the scrollbar would re-wrap (and jump) the whole view."""
        return max(10, self.size.width - self.styles.scrollbar_size_vertical)

    def sync(self) -> None:
        width = self.text_width()
        old_total, scrolled = self._total, int(self.scroll_offset.y)
        changed = self._lay_out(width)
        self._grow(Size(width, self._total))
        if not self._blocks or int(self.scroll_offset.y) != scrolled:
            self.refresh()  # the hint, or every line moved (a scroll repaints all anyway)
        elif changed is not None:
            # Only the first line that looks different and those below it: a frame
            # of a stream changes the last line or two, not the pane.
            top = max(0, changed - scrolled)
            bottom = min(max(self._total, old_total) - scrolled, self.size.height)
            if bottom > top:
                # The text's width: not the scrollbar's column, which a frame does not move.
                self.refresh(Region(0, top, width, bottom - top))

    def _lay_out(self, width: int) -> int | None:
        """Take the model's blocks and wrap them; returns the first content line that
        may look different than before (``None``: none does)."""
        old_blocks, old_starts, old_total = self._blocks, self._starts, self._total
        self._blocks = list(self.model.blocks)
        # Blocks of an earlier run are gone: drop their renderings with them.
        live = {id(block) for block in self._blocks}
        self._rendered = {key: r for key, r in self._rendered.items() if key in live}
        changed = 0 if width != self._synced_width else None
        starts, total = [], 0
        for index, block in enumerate(self._blocks):
            starts.append(total)
            kept = self._rendered.get(id(block))
            before = kept.strips if kept is not None and kept.block is block else []
            lines = self._block_lines(block, width)
            if changed is None:
                same_place = (
                    index < len(old_blocks)
                    and old_blocks[index] is block
                    and old_starts[index] == total
                )
                if not same_place:
                    changed = total
                elif lines is not before:
                    changed = total + _first_difference(before, lines)
            total += len(lines) + 1  # a blank line between blocks
        if changed is None and (len(old_blocks) != len(self._blocks) or total != old_total):
            changed = min(total, old_total)
        self._starts, self._total, self._synced_width = starts, total, width
        return changed

    def _grow(self, size: Size) -> None:
        """The text's new size: the scrollbar, and the scroll position while anchored,
        follow it, without a screen layout. Setting ``virtual_size`` would lay out the
        screen, which re-renders every pane from scratch: for each new line, in every
        frame of a fast stream (measured in benchmarks/bench_tui_stream.py)."""
        if size == self.virtual_size:
            return
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)  # a scrollbar that comes or goes lays out, once
        # What Textual's compositor does for an anchored widget at layout time (a
        # scroll_to would release the anchor).
        if self.is_anchored and not self._anchor_released:
            self.scroll_target_y = self.scroll_y = self.max_scroll_y

    def on_resize(self) -> None:
        for rendered in self._rendered.values():
            rendered.version = -1
        self.sync()

    def _block_lines(self, block: TokenBlock, width: int) -> list[Strip]:
        rendered = self._rendered.get(id(block))
        if rendered is None or rendered.block is not block:  # an id can be reused
            rendered = self._rendered[id(block)] = _Rendered(block)
        if rendered.version == block.version and rendered.width == width:
            return rendered.strips
        console = self.app.console
        if block.role == "tool":
            strips = self._wrap(tool_result_text(block), width)
        else:
            # A streaming reply grows every frame: its reasoning and text re-wrap
            # only their last line; the small parts around them re-render whole.
            reasoning, answer = rendered.reasoning, rendered.answer
            row = self.model.tasks.get(block.task_id or "")
            label = row.label if row else None
            # What header_text reads: the heading is made again only when one changed.
            look = (block.node, block.ns, label, block.step, block.model, block.waiting)
            strips = [
                *self._wrap_part(rendered, "header", look, lambda: header_text(block, label), width)
            ]
            if block.reasoning:
                strips += reasoning.lines(block.reasoning.strip("\n"), width, console)
            if block.text:
                strips += answer.lines(block.text, width, console)
            tail = tail_text(block)
            if tail is not None:
                strips += self._wrap_part(rendered, "tail", tail, lambda: tail, width)
        rendered.version, rendered.width, rendered.strips = block.version, width, strips
        return strips

    def _wrap_part(
        self, rendered: _Rendered, part: str, look: object, text: Callable[[], Text], width: int
    ) -> list[Strip]:
        """A small part's lines, wrapped again only when ``look`` (what its text is
        made of, or the text itself) or the width changed."""
        kept = rendered.parts.get(part)
        if kept is not None and kept[1] == width and kept[0] == look:
            return kept[2]
        strips = self._wrap(text(), width)
        rendered.parts[part] = (look, width, strips)
        return strips

    def _wrap(self, text: Text, width: int) -> list[Strip]:
        console = self.app.console
        return [
            Strip(list(line.render(console))).crop(0, width).extend_cell_length(width)
            for line in text.wrap(console, width)
        ]

    def _view(self) -> tuple[int, int, int]:
        """(pane width, scroll offset, wrap width)."""
        return self.size.width, int(self.scroll_offset.y), self.text_width()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The view once per paint, not per line: a widget's size and scroll offset
        # each walk up to the screen (~20 us a line, the most of a kept line's cost).
        self._painting = self._view()
        try:
            return super().render_lines(crop)
        finally:
            self._painting = None

    def render_line(self, y: int) -> Strip:
        width, top, text_width = self._painting or self._view()
        index = y + top
        if not self._blocks or index >= self._total:
            if not self._blocks and y == 0:
                hint = Text(_empty_hint(self.model.status), "dim italic")
                return Strip(list(hint.render(self.app.console))).extend_cell_length(width)
            return blank_line(width)
        block_index = bisect.bisect_right(self._starts, index) - 1
        block = self._blocks[block_index]
        lines = self._block_lines(block, text_width)
        offset = index - self._starts[block_index]
        if offset >= len(lines):
            return blank_line(width)
        return lines[offset].crop(0, width)

    # -- picking a call -----------------------------------------------------------------

    def block_at(self, y: int) -> TokenBlock | None:
        """The block drawn at content line ``y`` (the blank line after it counts)."""
        if not self._blocks or y < 0 or y >= self._total:
            return None
        return self._blocks[bisect.bisect_right(self._starts, y) - 1]

    def on_click(self, event: Click) -> None:
        """A click on a call's header (``▍agent · step 3 · model``) inspects the call;
        a click elsewhere only focuses the pane."""
        offset = event.get_content_offset(self)
        if offset is None:  # on the border
            return
        y = offset.y + int(self.scroll_offset.y)
        block = self.block_at(y)
        if block is None or block.call is None:
            return
        start = self._starts[self._blocks.index(block)]
        header = header_text(block).plain.count("\n") + 1
        if y - start < header:
            self.post_message(self.CallSelected(block.call))

    def action_inspect_call(self) -> None:
        """The last call whose block starts above the bottom of the view."""
        bottom = int(self.scroll_offset.y) + self.size.height
        calls = [
            block.call
            for block, start in zip(self._blocks, self._starts, strict=True)
            if block.call is not None and start < bottom
        ]
        if calls:
            self.post_message(self.CallSelected(calls[-1]))

    def scroll_to_block(self, block: TokenBlock) -> None:
        """Stop following and show ``block`` at the top."""
        self.sync()
        for candidate, start in zip(self._blocks, self._starts, strict=True):
            if candidate is block:
                self.set_follow(False)
                self.scroll_to(y=start, animate=False, immediate=True)
                return

    # -- following ----------------------------------------------------------------------

    def set_follow(self, follow: bool) -> None:
        if follow != self.follow:
            self.follow = follow
            self.post_message(self.FollowChanged(follow))
        if follow:
            self.anchor()  # scrolls to the end and re-engages a released anchor
        else:
            self.release_anchor()
        self.border_title = Text("Live tokens" if follow else "Live tokens · follow off (f)")

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


def _empty_hint(status: RunStatus) -> str:
    """What the pane says before any model output."""
    if status == RunStatus.LOADING:
        return "  loading the graph…"
    if status == RunStatus.NOT_LOADED:
        return "  the graph did not load: the status bar says why"
    return "  no model output in this run" if status in ENDED else "  no model output yet"
