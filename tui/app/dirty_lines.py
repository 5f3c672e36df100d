"""A screen that repaints only the lines that changed, in the widgets that cover them.

Textual's partial update (``Compositor.render_partial_update``) takes the box around
every region changed in a frame and asks each widget overlapping that box for *all*
its visible lines (``_get_renders``), then keeps the few the terminal needs. Most come
from line caches, but each still costs a pass through ``StylesCache.render`` (filters,
strip crops), for the screen, its containers and every pane under the box: a token
that changes one line of the token pane re-rendered the whole height of four widgets
(~1.8 ms), and a frame that also moved the status bar's clock re-rendered most of the
screen (5-7 ms), at every frame while a model streams.

``DirtyLinesCompositor`` sends the same update (the same spans, and in them the same
strips, front to back) but asks each widget only for the lines on which it overlaps a
changed region, in runs of consecutive lines, at the widget's full visible width (a
strip must start at one of the compositor's cuts). A line of a widget it does not ask
for stays dirty in that widget's cache until it is asked for, exactly as a line
clipped out of view does with the stock compositor.

It overrides ``render_partial_update`` and uses private parts of Textual 8's
``Compositor`` (``_dirty_regions``, ``_regions_to_spans``, ``cuts``); without them (a
Textual this was not written against) the stock compositor stays.
``tests/test_dirty_lines.py`` compares the two on generated updates.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


class DirtyLinesCompositor(Compositor):
    def render_partial_update(self) -> ChopsUpdate | None:
        update_regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        if not update_regions:
            return None
        spans = list(self._regions_to_spans(update_regions))
        chops = self.dirty_chops(spans)
        chop_ends = [cut_set[1:] for cut_set in self.cuts]
        return ChopsUpdate(chops, spans, chop_ends)

    def dirty_chops(self, spans: list[tuple[int, int, int]]) -> list[dict[int, Strip | None]]:
        """Each line's strips per cut, where ``spans`` (y, x1, x2) need them: what
        ``Compositor._render_chops`` gives there, from the same widgets, front to
        back, but each asked only for the lines on which it is the first to cover a
        chop that a span overlaps (a pane's container, under the pane, is not)."""
        cuts = self.cuts
        # Per line, the chops (by the cut they start at) that its spans overlap and
        # no widget has filled yet.
        wanted: dict[int, set[int]] = {}
        for y, x1, x2 in spans:
            if 0 <= y < len(cuts):
                starts = wanted.setdefault(y, set())
                starts.update(a for a, b in itertools.pairwise(cuts[y]) if a < x2 and b > x1)
        chops: list[dict[int, Strip | None]] = [{} for _ in cuts]
        for y in wanted:
            chops[y] = dict.fromkeys(cuts[y][:-1])
        for widget, (region, clip) in self.visible_widgets.items():
            if not wanted:
                break
            visible = region.intersection(clip)
            left, right = visible.x, visible.right
            lines = [
                y
                for y in visible.line_range
                if y in wanted and any(left <= start < right for start in wanted[y])
            ]
            for top, bottom in _runs(lines):
                strips = widget.render_lines(
                    Region(left - region.x, top - region.y, visible.width, bottom - top)
                )
                for y, strip in zip(range(top, bottom), strips, strict=False):
                    chop_line = chops[y]
                    line_cuts = [cut for cut in cuts[y] if left <= cut <= right]
                    pieces = strip.divide([cut - left for cut in line_cuts[1:]])
                    # Front to back: the first strip for a cut wins.
                    for cut, piece in zip(line_cuts, pieces, strict=False):
                        if chop_line.get(cut) is None:
                            chop_line[cut] = piece
                    wanted[y] = {start for start in wanted[y] if not left <= start < right}
                    if not wanted[y]:
                        del wanted[y]
        for y, _, x2 in spans:
            # Textual's update moves the cursor to a chop that starts right where a span
            # ends, and writes nothing there: the same move, with nothing to render.
            if 0 <= y < len(chops) and x2 in chops[y] and chops[y][x2] is None:
                chops[y][x2] = _NOTHING
        return chops


_NOTHING = Strip([])


def _runs(lines: list[int]) -> Iterator[tuple[int, int]]:
    """Runs of consecutive numbers in sorted ``lines``, as (first, last + 1)."""
    if not lines:
        return
    start = end = lines[0]
    for y in lines[1:]:
        if y != end + 1:
            yield start, end + 1
            start = y
        end = y
    yield start, end + 1


_SUPPORTED = callable(getattr(Compositor, "_regions_to_spans", None))


class DirtyLinesScreen(Screen[None]):
    """The app's main screen: painted by ``DirtyLinesCompositor``."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        if _SUPPORTED:
            self._compositor = DirtyLinesCompositor()

    def paint_now(self) -> None:
        """Paint the visible widgets that asked to be repainted, now, as the
        screen's update timer would. Textual gets there by hops: each refreshed
        widget wakes at its next idle to post an ``Update`` to the screen, which
        wakes to note it and resume its update timer, which wakes to paint (~0.5 ms
        of message pumps and timers per frame of a stream, besides the paint).
        Anything beyond a repaint (a layout, a scroll, styles, a recompose, a
        batch) is left to that path, as are widgets not on screen."""
        if not (_SUPPORTED and self.is_current) or self.app._batch_count:
            return
        if (
            self._layout_required
            or self._scroll_required
            or self._recompose_required
            or self._repaint_required
        ):
            return
        for widget in self._compositor.visible_widgets:
            if (
                widget._repaint_required
                and not widget._layout_required
                and not widget._scroll_required
                and not widget._refresh_styles_required
            ):
                # Its idle then finds nothing to post.
                widget._repaint_required = False
                self._dirty_widgets.add(widget)
        if self._dirty_widgets:
            self._compositor.update_widgets(self._dirty_widgets)
            self._compositor_refresh()


class HeldIdle:
    """The idle prompts of the panes a frame refreshes, held until the frame has
    painted. A refresh asks the widget's message pump for an idle turn (a wake-up of
    its task, ~0.1 ms) so that it can tell the screen to paint it; a frame that
    paints its panes itself (``DirtyLinesScreen.paint_now``) has done that, and the
    prompt is passed on only to a widget that still has something for its idle (a
    layout, a scroll, styles, a repaint the frame left, callbacks)."""

    def __init__(self) -> None:
        self._framing = False
        self._held: dict[Widget, None] = {}

    def hold(self, widget: Widget) -> None:
        """Route ``widget``'s idle prompts through here."""
        prompt = widget.check_idle

        def check_idle() -> None:
            if self._framing:
                self._held[widget] = None
            else:
                prompt()

        widget.check_idle = check_idle  # type: ignore[method-assign]

    @contextmanager
    def frame(self) -> Iterator[None]:
        self._framing = True
        try:
            yield
        finally:
            self._framing = False
            held, self._held = self._held, {}
            for widget in held:
                if _idle_work(widget):
                    widget.check_idle()


def _idle_work(widget: Widget) -> bool:
    return bool(
        widget._repaint_required
        or widget._layout_required
        or widget._scroll_required
        or widget._refresh_styles_required
        or widget._recompose_required
        or widget._next_callbacks
    )
