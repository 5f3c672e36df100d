"""Showing a big state in the state inspector: a 10 MB string and a 10,000-item list.

A headless app (``run_test``, 120x40) holds one ``ValueTree``, the inspector's tree.
The state is ``{"document": <10 MB of text, 80-char lines>, "items": <10,000 small
dicts>, "step": 3}`` (1 MB and 2,000 items with --quick). Timed, each as the median
of several runs (CPU time of the app's thread):

  show            ``ValueTree.show(state)`` (what the app does at every checkpoint)
  show + paint    the same plus the screen update that draws it
  expand items    ``_populate`` + ``expand`` of the list node (the first page of 100)
  more items      selecting "… more" (the next page)
  expand document the 10 MB string node (its lines, paged)
  show again      ``show(state)`` with both nodes expanded (they are restored)
  changed keys    ``changed_keys`` against an equal copy (the inspector's diff)

Baseline: ``json.dumps(state)`` of the same value (what a naive inspector, or the
copy-as-JSON action, pays), and also ``len(json.dumps(state["items"]))``.

Targets: show at most 0.1x json.dumps(state) (it must not walk the value), show +
paint under 50 ms; each expansion (a key press) under 50 ms; show with nodes expanded,
which the app does at every checkpoint while the user keeps them open, within a 33 ms
frame.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import json
import time
from collections.abc import Callable
from typing import Any

from _bench import Checks, header, median, parse_args, table
from textual.app import App, ComposeResult
from textual.screen import Screen

from tui.app.panes.state import changed_keys
from tui.app.panes.value_tree import ValueTree

SHOW_TARGET_S = 0.050
SHOW_RATIO_TARGET = 0.1
EXPAND_TARGET_S = 0.050
FRAME_TARGET_S = 1 / 30
SIZE = (120, 40)


def make_state(text_bytes: int, items: int) -> dict[str, Any]:
    line = "The quick brown fox jumps over the lazy dog; 0123456789 [bold]not markup[/] ok.\n"
    document = (line * (text_bytes // len(line) + 1))[:text_bytes]
    return {
        "document": document,
        "items": [
            {"id": i, "name": f"item {i}", "score": i * 0.5, "tags": ["a", "b"], "ok": i % 2 == 0}
            for i in range(items)
        ],
        "step": 3,
    }


class TreeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ValueTree(id="tree")


class PaintTimer:
    """Times Screen._on_timer_update (the paint); installed before the app starts."""

    def __init__(self) -> None:
        self.paints: list[float] = []
        original = Screen._on_timer_update
        timer = self

        def on_timer_update(screen: Screen) -> None:
            t0 = time.thread_time()
            try:
                original(screen)
            finally:
                timer.paints.append(time.thread_time() - t0)

        Screen._on_timer_update = on_timer_update  # type: ignore[method-assign]


def cpu(fn: Callable[[], object]) -> float:
    t0 = time.thread_time()
    fn()
    return time.thread_time() - t0


async def measure(state: dict[str, Any], reps: int, paint: PaintTimer) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        results.setdefault(name, []).append(seconds)

    other = copy.deepcopy(state)
    app = TreeApp()
    async with app.run_test(size=SIZE) as pilot:
        tree = app.query_one(ValueTree)
        for _ in range(reps):
            tree.show({})
            await pilot.pause()
            gc.collect()
            add("show", cpu(lambda: tree.show(state)))
            paint.paints.clear()
            await pilot.pause()
            add("show + paint", results["show"][-1] + max(paint.paints, default=0.0))

            items = next(n for n in tree.root.children if n.data.path == ("items",))
            document = next(n for n in tree.root.children if n.data.path == ("document",))

            def expand(node: Any) -> None:
                tree._populate(node)
                node.expand()

            add("expand items (100 of N)", cpu(lambda node=items: expand(node)))
            await pilot.pause()
            more = items.children[-1]
            assert more.data.more_from is not None

            def select_more(node: Any = more) -> None:
                tree.on_tree_node_selected(ValueTree.NodeSelected(node))

            add("more items (next 100)", cpu(select_more))
            await pilot.pause()
            add("expand document", cpu(lambda node=document: expand(node)))
            await pilot.pause()
            gc.collect()
            add("show again, both expanded", cpu(lambda: tree.show(state)))
            await pilot.pause()
            assert any(n.is_expanded for n in tree.root.children), "expansion restored"
            add("changed keys (equal copy)", cpu(lambda: changed_keys(state, other)))
            add("baseline json.dumps(state)", cpu(lambda: json.dumps(state)))
            add("json.dumps(items)", cpu(lambda: json.dumps(state["items"])))
    return results


async def run(quick: bool) -> None:
    text_bytes, items, reps = (1_000_000, 2_000, 3) if quick else (10_000_000, 10_000, 5)
    header(
        f"big state: a {text_bytes / 1e6:.0f} MB string and a {items:,}-item list, {reps} runs",
        quick,
    )
    state = make_state(text_bytes, items)
    paint = PaintTimer()
    await measure(make_state(10_000, 200), 1, paint)  # warm-up
    results = await measure(state, reps, paint)
    base = median(results["baseline json.dumps(state)"])
    rows = [("operation", "median", "runs (ms)", "vs json.dumps(state)")]
    for name, values in results.items():
        rows.append(
            (
                name,
                f"{median(values) * 1e3:.2f} ms",
                " ".join(f"{v * 1e3:.1f}" for v in values),
                f"{median(values) / base:.3f}x",
            )
        )
    table(rows)

    checks = Checks()
    show = median(results["show"])
    checks.at_most(
        "show / json.dumps(state)", show / base, SHOW_RATIO_TARGET, lambda x: f"{x:.3f}x"
    )
    checks.at_most("show + paint", median(results["show + paint"]), SHOW_TARGET_S, _ms)
    for name in ("expand items (100 of N)", "more items (next 100)", "expand document"):
        checks.at_most(name, median(results[name]), EXPAND_TARGET_S, _ms)
    again = median(results["show again, both expanded"])
    checks.at_most("show again, both expanded (per checkpoint)", again, FRAME_TARGET_S, _ms)
    checks.finish()


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def main() -> None:
    args = parse_args(__doc__)
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
