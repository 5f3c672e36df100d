"""Real graphs get what ``langgraph dev`` gives them: a template-shaped project runs as
shipped (no ``.env``, a runtime context, a store with an index), from its own folder,
with ``--context`` and ``--config``; factories that are async context managers live on
the engine's loop; a user's own ``tests`` module is not shadowed by ours."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.cli import cli_env, run_cli_here
from tests.helpers import TEST_GRAPHS
from tui.engine.run_inputs import RunInputError, RunInputs, assistant_id, build_config

TEMPLATE = Path(__file__).parent / "projects" / "template_agent"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The template project copied to a folder of its own, and entered (as a user
    runs ``langgraph dev`` or the debugger from the project)."""
    copy = tmp_path / "template_agent"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns("__pycache__", ".env"))
    monkeypatch.chdir(copy)
    monkeypatch.delenv("MEMO_AGENT_GREETING", raising=False)
    for name in [m for m in sys.modules if m == "memo_agent" or m.startswith("memo_agent.")]:
        monkeypatch.delitem(sys.modules, name)
    return copy


def _stores(result) -> list[dict]:
    return result.of("store")


def test_the_template_runs_as_shipped_with_context_defaults_and_a_store(project):
    result = run_cli_here(
        "run", "langgraph.json", "--headless", "--message", "I like tea", cwd=project
    )
    assert result.returncode == 0, result.describe()
    # Only the env notice: on a loaded machine the blocked-loop watchdog may add its own.
    (notice,) = [n for n in result.of("notice") if "env file" in n["text"]]
    assert "env file .env not found" in notice["text"] and ".env.example" in notice["text"]
    assert "env file .env not found" in result.stderr  # said where a shell user looks
    (write,) = _stores(result)
    # The Context dataclass's default user, as the server gives {} -> Context().
    assert write["namespace"] == ["memories", "default-user"]
    assert write["value"] == {"text": "I like tea"} and write["node"] == "remember"
    assert result.events[0]["model"] is None  # the graph brings its own model
    assert {e["model"] for e in result.of("llm_started")} == {"scripted"}


def test_context_and_config_reach_the_graph_like_the_server_gives_them(project):
    by_context = run_cli_here(
        "run",
        ".",
        "--headless",
        "--message",
        "hi",
        "--context",
        '{"user_id": "ada", "extra": 1}',
        cwd=project,
    )
    assert by_context.returncode == 0, by_context.describe()
    assert _stores(by_context)[0]["namespace"] == ["memories", "ada"]  # "extra" dropped
    by_config = run_cli_here(
        "run",
        ".",
        "--headless",
        "--message",
        "hi",
        "--config",
        '{"configurable": {"user_id": "bob"}, "tags": ["t1"]}',
        cwd=project,
    )
    assert by_config.returncode == 0, by_config.describe()
    assert _stores(by_config)[0]["namespace"] == ["memories", "bob"]  # mirrored into context
    both = run_cli_here(
        "run",
        ".",
        "--headless",
        "--message",
        "hi",
        "--context",
        '{"user_id": "a"}',
        "--config",
        '{"configurable": {"user_id": "b"}}',
        cwd=project,
    )
    assert both.returncode == 2 and "not both" in both.stderr


def test_the_store_persists_beside_a_sqlite_checkpointer_and_a_second_turn_continues(project):
    args = ("run", ".", "--headless", "--checkpointer", "sqlite:memo.db", "--thread", "t1")
    first = run_cli_here(*args, "--message", "I like tea", cwd=project)
    second = run_cli_here(*args, "--message", "And green tea?", cwd=project)
    assert first.returncode == second.returncode == 0, second.describe()
    # The second turn continued the thread: its messages follow the first turn's.
    messages = second.events[-1]["values"]["messages"]
    assert [m["content"] for m in messages if m["type"] == "human"] == [
        "I like tea",
        "And green tea?",
    ]
    assert Path("memo.db").exists()
    from tui.engine.session import Session, SessionOptions
    from tui.loading import load_graph

    loaded = load_graph("langgraph.json")
    session = Session(
        loaded.graph,
        options=SessionOptions(checkpointer="sqlite:memo.db", store_index=loaded.store_index),
    )
    try:
        items = session.store_items().result(30)
    finally:
        session.close()
    assert sorted(i["value"]["text"] for i in items) == ["And green tea?", "I like tea"]


def test_langgraph_json_is_read_from_where_you_run(project):
    outside = run_cli_here(
        "run", f"{project.name}/langgraph.json", "--headless", cwd=project.parent
    )
    assert outside.returncode == 2
    assert "relative to the folder you run in" in outside.stderr
    assert str(project) in outside.stderr


def test_a_users_module_named_tests_is_not_ours(tmp_path):
    (tmp_path / "tests.py").write_text("HELPER = 'the user tests module'\n")
    (tmp_path / "agent.py").write_text(
        "from typing import TypedDict\n"
        "from langgraph.graph import StateGraph, START, END\n"
        "import tests\n"
        "class S(TypedDict, total=False):\n    said: str\n"
        "b = StateGraph(S)\n"
        "b.add_node('n', lambda s: {'said': tests.HELPER})\n"
        "b.add_edge(START, 'n'); b.add_edge('n', END)\n"
        "graph = b.compile()\n"
        "default_input = {}\n"
    )
    # Both ways at once: each process spends its second or two importing LangGraph.
    runs = [
        subprocess.Popen(
            [sys.executable, *how, "run", "agent.py:graph", "--headless"],
            cwd=tmp_path,
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for how in (["-m", "tui"], ["-c", "from tui.cli import entry; raise SystemExit(entry())"])
    ]
    for run in runs:
        stdout, stderr = run.communicate(timeout=60)
        assert run.returncode == 0, stderr
        assert json.loads(stdout.splitlines()[-1])["values"] == {"said": "the user tests module"}


def test_a_module_spec_sees_the_working_directory(tmp_path):
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    (tmp_path / "mypkg" / "agent.py").write_text((TEST_GRAPHS / "defaults_only.py").read_text())
    script = Path(sys.executable).parent / "langgraph-tui"
    done = subprocess.run(
        [str(script), "run", "mypkg.agent:graph", "--headless"],
        cwd=tmp_path,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_an_async_context_manager_factory_lives_on_the_engine_loop(open_session):
    from tests.graphs import factories

    factories.EVENTS.clear()
    session, log = open_session("tests.graphs.factories:make_graph_in_context")
    assert factories.EVENTS == ["entered"]
    session.start({"n": 1}).result(30)
    assert log.finish().values == {"n": 2}
    session.close()
    assert factories.EVENTS == ["entered", "exited"]


def test_a_graph_whose_inputs_all_have_defaults_runs_with_an_empty_input():
    result = run_cli_here("run", str(TEST_GRAPHS / "defaults_only.py"), "--headless")
    assert result.returncode == 0, result.describe()
    assert result.events[0]["input"] == {}
    assert result.events[-1]["values"]["report"] == "3 items about what's new?"


def test_inputs_the_graph_cannot_take_are_one_line_before_it_runs():
    joke = str(Path("sample_graphs") / "joke.py")
    wrong = run_cli_here("run", joke, "--headless", "--message", "hi")
    assert (
        wrong.returncode == 2
        and "the graph's input has no messages: it takes topic" in wrong.stderr
    )
    missing = run_cli_here(
        "run", "sample_graphs/react_agent.py", "--headless", "--input", '{"question": "x"}'
    )
    assert missing.returncode == 2 and "the input lacks messages" in missing.stderr


def test_run_inputs_mirror_context_and_configurable_and_add_the_servers_ids():
    from langgraph.graph import START, StateGraph
    from typing_extensions import TypedDict

    class S(TypedDict):
        x: int

    class Ctx(TypedDict):
        user_id: str

    graph = StateGraph(S, context_schema=Ctx)
    graph.add_node("n", lambda s: s)
    graph.add_edge(START, "n")
    compiled = graph.compile()
    config, context = build_config(
        RunInputs(config={"configurable": {"user_id": "u", "zzz": 1}, "tags": ["a"]}),
        graph=compiled,
        graph_name="agent",
        thread_id="t",
        run_id="r",
        recursion_limit=None,
    )
    assert context in ({"user_id": "u"}, {"user_id": "u", "zzz": 1})  # filtered where describable
    configurable = config["configurable"]
    assert configurable["user_id"] == "u" and configurable["thread_id"] == "t"
    assert configurable["graph_id"] == "agent" and configurable["run_id"] == "r"
    assert configurable["assistant_id"] == assistant_id("agent")
    assert config["metadata"]["graph_id"] == "agent" and config["tags"] == ["a"]
    with pytest.raises(RunInputError, match="takes configurable"):
        RunInputs(config={"configurables": {}})


def test_a_model_flag_a_graph_ignores_is_said_and_its_calls_name_their_model():
    graph = str(TEST_GRAPHS / "own_model.py")
    told = run_cli_here("run", graph, "--headless", "--model", "scripted:fast")
    assert told.returncode == 0, told.describe()
    assert "--model scripted:fast does not apply: own_model builds its own model" in told.stderr
    assert {e["model"] for e in told.of("llm_started")} == {"tea-model-7b"}
    quiet = run_cli_here("run", graph, "--headless")
    assert "does not apply" not in quiet.stderr
