"""``langgraph-tui attach`` against a real LangGraph Server (``langgraph dev``, started
once for this module): the same events, state and exit codes as a local ``run``."""

from __future__ import annotations

import pytest

from tests.fakes.cli import CliResult, run_cli_here

INPUTS = {
    "joke": '{"topic": "ice cream"}',
    "react_agent": '{"messages": [{"role": "user", "content": "Weather in Paris, and the time there?"}]}',
    "research_subgraph": '{"topic": "tide pools"}',
    "human_review": '{"request": "the launch"}',
}


def attach(url: str, *args: str) -> CliResult:
    return run_cli_here("attach", url, *args)


def local(sample: str, *args: str) -> CliResult:
    return run_cli_here("run", f"sample_graphs/{sample}.py", "--model", "scripted:fast", *args)


def node_order(result: CliResult) -> list[tuple[int, str]]:
    return [(len(e["ns"]), e["node"]) for e in result.of("task_started")]


def texts(result: CliResult) -> dict[tuple[int, str], list[str]]:
    """Each model reply's text, by (subgraph depth, node)."""
    replies: dict[tuple[int, str], dict[str, str]] = {}
    for e in result.tokens():
        by_message = replies.setdefault((len(e["ns"]), e["node"]), {})
        by_message[e["message_id"]] = by_message.get(e["message_id"], "") + e["text"]
    return {key: [t for t in found.values() if t] for key, found in replies.items()}


def without_ids(value):
    """Values with message ids dropped: each run (and server) makes its own."""
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k != "id"}
    return value


@pytest.mark.parametrize("sample", ["joke", "react_agent", "research_subgraph", "human_review"])
def test_attached_run_streams_what_a_local_run_streams(langgraph_server, sample):
    there = attach(langgraph_server, "--graph", sample, "--headless", "--input", INPUTS[sample])
    here = local(sample, "--headless", "--input", INPUTS[sample])
    assert there.returncode == here.returncode, there.describe()
    assert node_order(there) == node_order(here)
    assert texts(there) == texts(here)
    finished = [r.one("run_finished") for r in (there, here)]
    assert finished[0]["status"] == finished[1]["status"]
    assert without_ids(finished[0]["values"]) == without_ids(finished[1]["values"])
    checkpoints = [[c["step"] for c in r.of("checkpoint") if not c["ns"]] for r in (there, here)]
    assert checkpoints[0] == checkpoints[1]
