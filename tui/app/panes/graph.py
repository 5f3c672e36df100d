"""The graph's structure: nodes in flow order with their edges, live marks on them.

Drawn as a list rather than a picture: it fits 30 columns, reads top to bottom in
the order the run goes, and each line is a node you can select (``b`` toggles a
breakpoint before it, enter expands a subgraph).
"""

from __future__ import annotations

import collections
from typing import Any

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.app.text.literal import one_line
from tui.app.textual_guards import GuardedOptionList

ENDPOINTS = ("__start__", "__end__")


def flow_order(structure: dict[str, Any]) -> list[str]:
    """Node ids breadth-first from __start__ (plain edges before conditional ones)."""
    ids = [n["id"] for n in structure["nodes"]]
    out: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for edge in structure["edges"]:
        out[edge["source"]].append(edge)
    seen, queue, order = set(), collections.deque(["__start__"]), []
    while queue:
        node = queue.popleft()
        if node in seen or node not in ids:
            continue
        seen.add(node)
        order.append(node)
        for edge in sorted(out[node], key=lambda e: (e["conditional"], e["target"] == "__end__")):
            queue.append(edge["target"])
    order += [n for n in ids if n not in seen]
    if "__end__" in order:  # the end reads best last
        order.remove("__end__")
        order.append("__end__")
    return order


class GraphPane(GuardedOptionList):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.structure: dict[str, Any] = {"nodes": [], "edges": []}
        self.inner: dict[str, Any] = {"nodes": [], "edges": []}
        self.expanded: set[str] = set()
        self.marks: dict[str, Any] = {}

    def on_mount(self) -> None:
        self.border_title = Text("Graph  (enter: subgraph)")

    def set_structure(self, structure: dict[str, Any], inner: dict[str, Any]) -> None:
        self.structure, self.inner = structure, inner
        self.redraw()

    def update_marks(
        self,
        *,
        running: set[str],
        visited: set[str],
        next_nodes: list[str],
        breakpoints: set[str],
        inner_running: set[str],
        inner_visited: set[str],
        failed: set[str],
    ) -> None:
        state = {
            "running": running,
            "visited": visited,
            "next": set(next_nodes),
            "breakpoints": breakpoints,
            "inner_running": inner_running,
            "inner_visited": inner_visited,
            "failed": failed,
        }
        if state != self.marks:
            self.marks = state
            self.redraw()

    def subgraphs(self) -> set[str]:
        return {n["id"] for n in self.structure["nodes"] if n.get("subgraph")}

    def redraw(self) -> None:
        highlighted = self.highlighted_option.id if self.highlighted_option is not None else None
        options = []
        edges = collections.defaultdict(list)
        for edge in self.structure["edges"]:
            edges[edge["source"]].append(edge)
        for node in flow_order(self.structure):
            options.append(Option(self._node_line(node, edges[node], 0), id=node))
            if node in self.expanded:
                for inner in self._inner_nodes(node):
                    options.append(
                        Option(
                            self._node_line(inner, [], 1, prefix=f"{node}:"), id=f"{node}:{inner}"
                        )
                    )
        self.clear_options()
        self.add_options(options)
        if highlighted is not None:
            try:
                self.highlighted = self.get_option_index(highlighted)
            except Exception:
                self.highlighted = None

    def _inner_nodes(self, parent: str) -> list[str]:
        prefix = f"{parent}:"
        sub = {
            "nodes": [
                {"id": n["id"].removeprefix(prefix)}
                for n in self.inner["nodes"]
                if n["id"].startswith(prefix)
            ],
            "edges": [
                {
                    **e,
                    "source": e["source"].removeprefix(prefix),
                    "target": e["target"].removeprefix(prefix),
                }
                for e in self.inner["edges"]
                if e["source"].startswith(prefix) and e["target"].startswith(prefix)
            ],
        }
        first = [e["target"] for e in sub["edges"]]
        roots = [n["id"] for n in sub["nodes"] if n["id"] not in first]
        sub["edges"] += [{"source": "__start__", "target": r, "conditional": False} for r in roots]
        sub["nodes"].append({"id": "__start__"})
        return [n for n in flow_order(sub) if n not in ENDPOINTS]

    def _node_line(
        self, node: str, edges: list[dict[str, Any]], depth: int, prefix: str = ""
    ) -> Text:
        marks = self.marks or {}
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("    " * depth)
        if depth:
            if node in marks.get("inner_running", set()):
                mark = ("▶ ", "bold green")
            elif node in marks.get("inner_visited", set()):
                mark = ("✓ ", "green")
            else:
                mark = ("· ", "dim")
        elif node in marks.get("running", set()):
            mark = ("▶ ", "bold green")
        elif node in marks.get("failed", set()):
            mark = ("✗ ", "bold red")
        elif node in marks.get("next", set()):
            mark = ("⏸ ", "bold yellow")
        elif node in marks.get("visited", set()):
            mark = ("✓ ", "green")
        else:
            mark = ("○ ", "dim")
        text.append(*mark)
        if node in marks.get("breakpoints", set()):
            text.append("● ", "bold red")
        style = (
            "dim" if node in ENDPOINTS else ("bold" if node in marks.get("running", set()) else "")
        )
        text.append(one_line(node, 28), style)
        if node in self.subgraphs():
            text.append(" ⊟" if node in self.expanded else " ⊞", "cyan")
        targets = [e for e in edges if e["target"] != node]
        if targets:
            text.append("  ")
            for i, edge in enumerate(targets):
                text.append(", " if i else "", "dim")
                text.append("⇢ " if edge["conditional"] else "→ ", "dim")
                text.append(one_line(edge["target"], 20), "dim")
        return text

    def highlighted_node(self) -> str | None:
        option = self.highlighted_option
        if option is None or option.id is None or ":" in option.id or option.id in ENDPOINTS:
            return None
        return option.id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        node = event.option.id
        if node in self.subgraphs():
            self.expanded ^= {node}
            self.redraw()
