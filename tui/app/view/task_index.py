"""Figures over all of a run's tasks, kept up to date as tasks start and finish.

A fan-out (``Send`` to 2,000 workers) makes thousands of tasks; a frame must not
walk them all to learn what is running, which nodes ran, or how long the run's
time bar is. ``RunView`` tells the index of each task event; the timeline and the
graph pane read its figures in time proportional to the graph's nodes (or to the
rows on screen), not to the tasks.
"""

from __future__ import annotations

import collections

from tui.app.view.records import TaskRow
from tui.engine.status import TaskStatus


class TaskIndex:
    def __init__(self) -> None:
        self._running: dict[str, TaskRow] = {}
        # (inside a subgraph, node) -> tasks of it running now.
        self._running_nodes: collections.Counter[tuple[bool, str]] = collections.Counter()
        self.visited: set[str] = set()
        """Root-graph nodes that have run (or run now) in this run."""
        self.inner_visited: set[str] = set()
        """Subgraph nodes that have run."""
        self.latest: dict[str, TaskRow] = {}
        """Each root-graph node's latest task."""
        self.last_step: int | None = None
        """The highest step of a root-graph task."""
        self.first_start: float | None = None
        self.last_finish: float | None = None
        self.changed: set[str] = set()
        """Task ids started or finished since the timeline last looked (``take_changed``)."""

    def added(self, row: TaskRow) -> None:
        """A task the run had not shown before."""
        if row.ns:
            self.inner_visited.add(row.node)
        else:
            self.visited.add(row.node)
            self.latest[row.node] = row
            self.last_step = row.step if self.last_step is None else max(self.last_step, row.step)

    def status_set(self, row: TaskRow) -> None:
        """``row`` started, started again, or finished: call after its fields are set."""
        self.changed.add(row.task_id)
        if self.first_start is None or row.started_t < self.first_start:
            self.first_start = row.started_t
        if row.finished_t is not None and (
            self.last_finish is None or row.finished_t > self.last_finish
        ):
            self.last_finish = row.finished_t
        key = (bool(row.ns), row.node)
        was_running = row.task_id in self._running
        if row.status == TaskStatus.RUNNING and not was_running:
            self._running[row.task_id] = row
            self._running_nodes[key] += 1
        elif row.status != TaskStatus.RUNNING and was_running:
            del self._running[row.task_id]
            self._running_nodes[key] -= 1
            if not self._running_nodes[key]:
                del self._running_nodes[key]

    @property
    def any_running(self) -> bool:
        return bool(self._running)

    def running_nodes(self, *, inner: bool = False) -> set[str]:
        """Nodes of the root graph (or, ``inner``, of subgraphs) with a task running."""
        return {node for (is_inner, node) in self._running_nodes if is_inner == inner}

    def span(self, now: float) -> tuple[float, float]:
        """From the first task's start to the last one's end (``now`` while any runs)."""
        if self.first_start is None:
            return (0.0, 0.0)
        ends = [t for t in (self.last_finish, now if self._running else None) if t is not None]
        end = max(ends, default=self.first_start)
        return self.first_start, max(end, self.first_start)

    def take_changed(self) -> set[str]:
        changed, self.changed = self.changed, set()
        return changed
