"""Assertions that read like a reviewer's questions about a run.

Each takes a ``Trace`` and fails with an ``AssertionError`` that shows what did
happen (the path, the tool calls, the state), not only what did not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from tui.testing.traces import Trace

GAP = ...
"""In ``assert_path``: any number of nodes (also none)."""


def assert_path(trace: Trace, *nodes: Any) -> None:
    """The root nodes ran in exactly this order; ``...`` stands for any nodes:
    ``assert_path(t, "agent", ..., "agent")`` is "starts and ends with agent"."""
    if not _matches(list(nodes), trace.path):
        raise AssertionError(f"the path was {_path(trace.path)}; expected {_path(list(nodes))}")


def assert_visited(trace: Trace, node: str, *, times: int | None = None) -> None:
    """``node`` ran (at the root or in a subgraph), ``times`` times if given."""
    count = trace.visit_count(node)
    if count == 0 or (times is not None and count != times):
        wanted = (
            f"{times} time{'s' if times != 1 else ''}" if times is not None else "at least once"
        )
        raise AssertionError(
            f"{node} ran {count} time{'s' if count != 1 else ''}, expected {wanted}; "
            f"the path was {_path(trace.path)}"
        )


def assert_not_visited(trace: Trace, node: str) -> None:
    count = trace.visit_count(node)
    if count:
        raise AssertionError(
            f"{node} ran {count} time{'s' if count != 1 else ''}, expected never; "
            f"the path was {_path(trace.path)}"
        )


def assert_tool_called(
    trace: Trace, name: str, args: Mapping[str, Any] | None = None, *, times: int | None = None
) -> None:
    """The model called tool ``name``; with ``args``, with at least these arguments
    (a subset match: extra arguments are fine); ``times``: that many such calls."""
    calls = [c for c in trace.tool_calls if c.name == name]
    matching = [c for c in calls if args is None or _subset(args, c.args)]
    ok = len(matching) == times if times is not None else bool(matching)
    if not ok:
        wanted = f"{name}({_json(args) if args is not None else '…'})"
        count = f"{times} time{'s' if times != 1 else ''}" if times is not None else "at least once"
        raise AssertionError(
            f"expected {wanted} {count}, matched {len(matching)}; the tool calls were:\n"
            + _calls(trace)
        )


def assert_tool_not_called(trace: Trace, name: str) -> None:
    if any(c.name == name for c in trace.tool_calls):
        raise AssertionError(f"{name} was called; the tool calls were:\n" + _calls(trace))


def assert_state(trace: Trace, expected: Mapping[str, Any], *, after: str | None = None) -> None:
    """The state (at the end, or after ``after`` last ran) holds these keys with
    these values (other keys are not looked at; dicts are matched as subsets)."""
    state = trace.state_after(after) if after is not None else trace.final_state
    if not isinstance(state, Mapping) or not _subset(expected, state):
        where = f"after {after}" if after is not None else "at the end"
        raise AssertionError(
            f"the state {where} does not match {_json(expected)}; it was:\n"
            + json.dumps(state, indent=2, ensure_ascii=False, default=str)
        )


def assert_interrupted_at(trace: Trace, node: str) -> None:
    """The last run stopped at an interrupt asked by ``node``."""
    at = [i.get("node") for i in trace.interrupts]
    if trace.outcome != "interrupted" or not at or node not in at:
        raise AssertionError(
            f"expected the run to wait at an interrupt in {node}; it ended {trace.outcome} "
            f"(interrupts: {', '.join(str(n) for n in at) or 'none'}); "
            f"the path was {_path(trace.path)}"
        )


def assert_within_budget(
    trace: Trace,
    *,
    tokens: int | None = None,
    steps: int | None = None,
    llm_calls: int | None = None,
) -> None:
    """The runs spent at most ``tokens`` (input + output), ``steps`` root supersteps,
    and ``llm_calls`` model calls."""
    over = []
    if tokens is not None and trace.tokens > tokens:
        over.append(f"{trace.tokens} tokens (budget {tokens})")
    if steps is not None and trace.steps > steps:
        over.append(f"{trace.steps} steps (budget {steps})")
    if llm_calls is not None and trace.llm_calls > llm_calls:
        over.append(f"{trace.llm_calls} model calls (budget {llm_calls})")
    if over:
        raise AssertionError(f"over budget: {', '.join(over)}; the path was {_path(trace.path)}")


# -- helpers ----------------------------------------------------------------------------


def _matches(pattern: list[Any], path: list[str]) -> bool:
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head is GAP:
        return any(_matches(rest, path[i:]) for i in range(len(path) + 1))
    return bool(path) and path[0] == head and _matches(rest, path[1:])


def _subset(expected: Any, actual: Any) -> bool:
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and _subset(value, actual[key]) for key, value in expected.items()
        )
    return bool(expected == actual)


def _path(nodes: Sequence[Any]) -> str:
    return " → ".join("…" if n is GAP else str(n) for n in nodes) or "(no nodes)"


def _calls(trace: Trace) -> str:
    return "\n".join(f"  {c}" for c in trace.tool_calls) or "  (none)"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
