"""The figures a frame reads about a run's tasks (running nodes, the time span, the
step, the timeline's row order) are kept as tasks start and finish; they must equal
the same figures worked out from every task, whatever the events."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.app.view.records import TaskRow
from tui.app.view.run_view import RunView
from tui.engine.events import Event, TaskFinished, TaskStarted
from tui.engine.status import TaskStatus

NODES = ("agent", "tools", "worker")
STATUSES = (TaskStatus.OK, TaskStatus.ERROR, TaskStatus.CANCELLED, TaskStatus.INTERRUPTED)

# (start?, task number, node, step, inside task number's subgraph, status)
_OP = st.tuples(
    st.booleans(),
    st.integers(0, 7),
    st.sampled_from(NODES),
    st.integers(0, 4),
    st.one_of(st.none(), st.integers(0, 7)),
    st.sampled_from(STATUSES),
)


def _events(ops: list[tuple]) -> list[Event]:
    events: list[Event] = []
    for t, (start, n, node, step, parent, status) in enumerate(ops):
        task_id = f"task-{n}"
        # A subgraph task's namespace names the parent task it runs inside.
        ns = () if parent is None or parent == n else (f"{NODES[parent % 3]}:task-{parent}",)
        if start:
            events.append(TaskStarted(step=step, node=node, task_id=task_id, t=float(t), ns=ns))
        else:
            events.append(
                TaskFinished(
                    step=step,
                    node=node,
                    task_id=task_id,
                    status=status,
                    duration_s=1.0,
                    t=float(t),
                    ns=ns,
                )
            )
    return events


def _by_walking(view: RunView, now: float, starts: list[float]) -> dict:
    """The figures from every task, as the app computed them before the index."""
    rows: list[TaskRow] = list(view.tasks.values())
    latest = {row.node: row.status for row in view._ordered_tasks() if not row.ns}
    root_steps = [row.step for row in rows if not row.ns]
    ends = [row.finished_t if row.finished_t is not None else now for row in rows]
    return {
        "order": [row.task_id for row in view._ordered_tasks()],
        "running": {r.node for r in rows if r.status == TaskStatus.RUNNING and not r.ns},
        "inner_running": {r.node for r in rows if r.status == TaskStatus.RUNNING and r.ns},
        "visited": {r.node for r in rows if not r.ns},
        "inner_visited": {r.node for r in rows if r.ns},
        "failed": {node for node, status in latest.items() if status == TaskStatus.ERROR},
        "step": max(root_steps) if root_steps else view.step,
        "any_running": any(r.status == TaskStatus.RUNNING for r in rows),
        # The bar starts when the first task started (a task started again keeps the
        # run's start where it was).
        "span": (min(starts), max(max(ends), min(starts))) if rows else (0.0, 0.0),
    }


def _kept(view: RunView, now: float) -> dict:
    index = view.task_index
    return {
        "order": [row.task_id for row in view.task_rows()],
        "running": view.running_nodes(),
        "inner_running": index.running_nodes(inner=True),
        "visited": index.visited,
        "inner_visited": index.inner_visited,
        "failed": {node for node, row in index.latest.items() if row.status == TaskStatus.ERROR},
        "step": view.current_step(),
        "any_running": index.any_running,
        "span": view.run_span(now),
    }


@given(st.lists(_OP, max_size=40), st.integers(1, 5))
def test_kept_figures_equal_the_figures_from_every_task(ops, frames):
    view = RunView()
    events = _events(ops)
    created: dict[str, float] = {}  # when each task's row was made
    size = max(1, len(events) // frames)
    for first in range(0, len(events), size):
        batch = events[first : first + size]
        view.apply(batch)
        for event in batch:
            created.setdefault(event.task_id, event.t)  # type: ignore[attr-defined]
        now = float(len(events) + 10)
        assert _kept(view, now) == _by_walking(view, now, list(created.values()))
