"""Every graph spec form, and every way one can be wrong."""

from __future__ import annotations

import json
import os

import pytest
from langgraph.pregel import Pregel

from tests.helpers import SAMPLES, TEST_GRAPHS
from tui.loading import GraphLoadError, load_graph

G = TEST_GRAPHS


def test_file_uses_its_graph_attribute():
    loaded = load_graph(str(SAMPLES / "joke.py"))
    assert isinstance(loaded.graph, Pregel)
    assert loaded.name == "joke"
    assert loaded.default_input == {"topic": "ice cream"} and loaded.has_default_input


def test_file_with_only_one_graph_needs_no_name():
    loaded = load_graph(str(G / "only_one.py"))
    assert isinstance(loaded.graph, Pregel)
    assert not loaded.has_default_input


def test_file_with_attribute():
    assert isinstance(load_graph(f"{G / 'two_graphs.py'}:second").graph, Pregel)


def test_module_with_attribute():
    loaded = load_graph("tests.graphs.two_graphs:first")
    assert isinstance(loaded.graph, Pregel)
    assert loaded.name == "first"


def test_a_graph_goes_by_the_name_it_was_compiled_with_else_its_module(tmp_path):
    (tmp_path / "named.py").write_text(
        (SAMPLES / "joke.py").read_text() + "\ngraph.name = 'Joke Teller'\n"
    )
    assert load_graph(str(tmp_path / "named.py")).name == "Joke Teller"
    assert load_graph("tests.graphs.defaults_only:graph").name == "defaults_only"


@pytest.mark.parametrize("attr", ["uncompiled", "make_graph", "make_graph_with_config"])
def test_uncompiled_graphs_and_factories(attr):
    graph = load_graph(f"{G / 'factories.py'}:{attr}").graph
    assert isinstance(graph, Pregel)
    assert graph.invoke({"n": 1}) == {"n": 2}


@pytest.mark.parametrize(
    "attr", ["make_graph_async", "make_graph_in_context", "make_graph_sync_context"]
)
def test_async_factories_and_context_managers_open_on_the_engine_loop(attr):
    """Opened (and closed) by the session on its own loop, not while loading."""
    import asyncio

    from tests.graphs import factories

    factories.EVENTS.clear()
    loaded = load_graph(f"tests.graphs.factories:{attr}")
    assert loaded.opener is not None and loaded.source.graph is None
    assert factories.EVENTS == []  # nothing entered yet

    async def open_and_close():
        graph, close = await loaded.opener()
        result = await graph.ainvoke({"n": 1})
        await close()
        return result

    assert asyncio.run(open_and_close()) == {"n": 2}
    if attr != "make_graph_async":
        assert factories.EVENTS == ["entered", "exited"]


def test_langgraph_json_by_name_and_folder():
    loaded = load_graph(f"{SAMPLES / 'langgraph.json'}:human_review")
    assert loaded.name == "human_review"
    assert loaded.default_input["request"]
    assert load_graph(f"{SAMPLES}:map_reduce").name == "map_reduce"


def test_langgraph_json_single_graph_env_and_dependencies(tmp_path, monkeypatch):
    package = tmp_path / "src" / "helperpkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("GREETING = 'hi from a dependency'\n")
    (tmp_path / "agent.py").write_text(
        "import os\n"
        "from helperpkg import GREETING\n"
        "from typing import TypedDict\n"
        "from langgraph.graph import StateGraph, START, END\n"
        "class S(TypedDict):\n    text: str\n"
        "b = StateGraph(S)\n"
        "b.add_node('say', lambda s: {'text': GREETING + ' ' + os.environ['AGENT_MOOD']})\n"
        "b.add_edge(START, 'say'); b.add_edge('say', END)\n"
        "graph = b.compile()\n"
    )
    (tmp_path / ".env").write_text("AGENT_MOOD=cheerful\n")
    (tmp_path / "langgraph.json").write_text(
        json.dumps(
            {"dependencies": ["./src"], "graphs": {"agent": "./agent.py:graph"}, "env": ".env"}
        )
    )
    monkeypatch.delenv("AGENT_MOOD", raising=False)
    # As with langgraph dev, paths in langgraph.json are relative to where you run.
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    loaded = load_graph(str(tmp_path))
    assert loaded.name == "agent"
    assert loaded.graph.invoke({"text": ""}) == {"text": "hi from a dependency cheerful"}
    os.environ.pop("AGENT_MOOD", None)


def test_langgraph_json_env_overrides_the_shell_as_langgraph_dev_does(tmp_path, monkeypatch):
    (tmp_path / "g.py").write_text((G / "only_one.py").read_text())
    (tmp_path / "langgraph.json").write_text(
        json.dumps(
            {"graphs": {"g": "./g.py:my_app"}, "env": {"LGTUI_A": "file", "LGTUI_B": "file"}}
        )
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LGTUI_A", "shell")
    monkeypatch.delenv("LGTUI_B", raising=False)
    load_graph("langgraph.json")
    assert os.environ["LGTUI_A"] == "file" and os.environ["LGTUI_B"] == "file"
    os.environ.pop("LGTUI_A", None)
    os.environ.pop("LGTUI_B", None)


def test_langgraph_json_paths_are_relative_to_where_you_run(tmp_path, monkeypatch):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "g.py").write_text((G / "only_one.py").read_text())
    (project / "langgraph.json").write_text(json.dumps({"graphs": {"g": "./g.py:my_app"}}))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        GraphLoadError, match=r"relative to the folder you run in .* run from .*proj"
    ):
        load_graph("proj/langgraph.json")
    monkeypatch.chdir(project)
    assert load_graph("langgraph.json").name == "g"


def test_a_missing_env_file_is_a_notice_not_an_error(tmp_path, monkeypatch):
    (tmp_path / "g.py").write_text((G / "only_one.py").read_text())
    (tmp_path / ".env.example").write_text("API_KEY=\n")
    (tmp_path / "langgraph.json").write_text(
        json.dumps({"graphs": {"g": "./g.py:my_app"}, "env": ".env"})
    )
    monkeypatch.chdir(tmp_path)
    loaded = load_graph("langgraph.json")
    (notice,) = loaded.notices
    assert "env file .env not found" in notice and "copy .env.example to .env" in notice


ERRORS = [
    ("missing.py", "graph file not found: missing.py \\(check the path\\)"),
    (
        str(G / "syntax_error.py"),
        "syntax error in .*syntax_error.py, line 1: .* \\(fix the file and rerun\\)",
    ),
    (
        str(G / "import_error.py"),
        "importing .*import_error.py failed: ModuleNotFoundError: .*this_module_does_not_exist_anywhere.* \\(install the missing module",
    ),
    (
        str(G / "raises_on_import.py"),
        "raises_on_import.py raised RuntimeError while importing at line 2: config missing",
    ),
    (
        f"{G / 'two_graphs.py'}:third",
        "has no attribute 'third' \\(graphs found there: first, second\\)",
    ),
    (
        str(G / "not_a_graph.py"),
        "not_a_graph.py:graph is an int, not a LangGraph graph \\(point at a compiled graph",
    ),
    (str(G / "no_graph.py"), "no_graph.py defines no graph: add `graph = builder.compile\\(\\)`"),
    (
        str(G / "two_graphs.py"),
        "defines several graphs \\(first, second\\): pick one with .*two_graphs.py:first",
    ),
    (f"{G / 'factories.py'}:make_nothing", "make_nothing\\(\\) is a str, not a LangGraph graph"),
    (
        f"{G / 'factories.py'}:make_failing",
        "the graph factory .*make_failing raised ValueError: no database URL",
    ),
    (
        f"{SAMPLES / 'langgraph.json'}:nope",
        "has no graph named 'nope': choose one of custom_progress, flaky",
    ),
    (
        str(SAMPLES / "langgraph.json"),
        "defines several graphs \\(custom_progress, .*\\): pick one with",
    ),
    ("no_such_package.module:graph", "no file or module named 'no_such_package.module'"),
    (str(G), "is a folder without langgraph.json"),
    ("", "no graph given"),
]


@pytest.mark.parametrize(("spec", "pattern"), ERRORS)
def test_every_bad_spec_gets_one_line_naming_problem_and_fix(spec, pattern):
    with pytest.raises(GraphLoadError, match=pattern) as caught:
        load_graph(spec)
    assert "\n" not in str(caught.value)


def test_bad_langgraph_json(tmp_path):
    (tmp_path / "langgraph.json").write_text("{not json")
    with pytest.raises(GraphLoadError, match="is not valid JSON \\(line 1, column 2"):
        load_graph(str(tmp_path))
    (tmp_path / "langgraph.json").write_text("{}")
    with pytest.raises(GraphLoadError, match='has no "graphs" map'):
        load_graph(str(tmp_path))
    (tmp_path / "langgraph.json").write_text('{"graphs": {"a": "./a.py:graph"}, "env": 3}')
    with pytest.raises(GraphLoadError, match=r'"env" must be a path or a map'):
        load_graph(str(tmp_path))
