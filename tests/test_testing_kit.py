"""The testing kit, used as a user uses it: the installed package and the pytest
plugin found through its entry point (these tests import no conftest fixture)."""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil
import subprocess
import sys
import textwrap
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual._doc import take_svg_screenshot

from tests.helpers import SAMPLES
from tui.testing import (
    assert_interrupted_at,
    assert_not_visited,
    assert_path,
    assert_state,
    assert_tool_called,
    assert_tool_not_called,
    assert_visited,
    assert_within_budget,
    build_app,
    trace,
    until,
    wait_done,
    wait_interrupted,
    wait_node,
    wait_paused,
    wait_tool,
    wait_until,
)
from tui.testing.placeholders import stabilize

pytest_plugins = ["pytester"]

REACT = str(SAMPLES / "react_agent.py")
REVIEW = str(SAMPLES / "human_review.py")
JOKE = str(SAMPLES / "joke.py")
# An inner pytest run (pytester) without the snapshot plugin, whose session-end hook
# shares a temporary folder with the outer run's.
INNER = ("-p", "no:cacheprovider", "-p", "no:textual-snapshot")


def test_the_plugin_is_registered_through_its_entry_point(request):
    points = importlib.metadata.entry_points(group="pytest11")
    assert any(p.value == "tui.testing.plugin" for p in points)
    assert request.config.pluginmanager.has_plugin("langgraph_tui")


def test_loading_the_plugin_imports_neither_textual_nor_langgraph():
    """pytest loads the plugin in every session where langgraph-tui is installed."""
    probe = (
        "import sys, tui.testing.plugin; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'langgraph', 'tui'}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["['tui']"]


def test_every_name_the_kit_exports_resolves():
    import tui.testing as kit

    for sub in pkgutil.iter_modules(kit.__path__):  # each sets kit.<its name> when imported
        importlib.import_module(f"tui.testing.{sub.name}")
    assert sorted(kit.__all__) == sorted(kit._WHERE)
    # Not a submodule of the same name either (importing tui.testing.X sets kit.X).
    assert not any(isinstance(getattr(kit, name), ModuleType) for name in kit.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = kit.nope


# -- traces -----------------------------------------------------------------------------


def test_two_runs_give_the_same_trace(tui_trace):
    first, second = tui_trace(REACT), tui_trace(REACT)
    assert first.raw[0]["thread_id"] != second.raw[0]["thread_id"]  # a thread each
    assert first.events == second.events
    assert first.text == second.text
    assert "<thread-1>" in str(first.events[0]) and "<checkpoint-1>" in str(first.events)
    assert first.text.splitlines()[1:3] == [
        "step 1 · agent",
        '  ai → get_weather({"city": "Paris"}), local_time({"city": "Paris"})',
    ]


def test_subgraph_tasks_sit_under_their_parent_and_parallel_tasks_in_a_stable_order(tui_trace):
    lines = tui_trace(str(SAMPLES / "research_subgraph.py")).text.splitlines()
    at = lines.index("step 2 · research")
    assert lines[at + 1] == "  step 1 · research › search"
    assert lines[at + 3] == "  step 2 · research › summarize"
    assert lines[at + 5].startswith("  topic = ")  # the parent's own result, after
    fan_out = [tui_trace(str(SAMPLES / "map_reduce.py")).text for _ in range(2)]
    assert fan_out[0] == fan_out[1] and fan_out[0].count("step 2 · write_joke") == 3


_ID = st.uuids().map(str) | st.text("0123456789abcdef", min_size=32, max_size=32)


@given(
    ids=st.lists(_ID, min_size=4, max_size=4, unique=True),
    times=st.lists(st.floats(0, 1e6), min_size=3, max_size=3),
)
def test_placeholders_hide_every_varying_part_and_keep_what_refers_to_what(ids, times):
    thread, checkpoint, task, call = ids

    def events(thread, checkpoint, task, call, times):
        return [
            {"seq": 1, "t": times[0], "kind": "run_started", "thread_id": thread, "ns": []},
            {"kind": "task_started", "t": times[1], "task_id": task, "ns": [f"sub:{task}"]},
            {
                "kind": "update",
                "t": times[2],
                "update": {
                    "messages": [
                        {
                            "type": "ai",
                            "content": "",
                            "tool_calls": [{"name": "f", "args": {}, "id": call}],
                        },
                        {
                            "type": "tool",
                            "content": "ok",
                            "tool_call_id": call,
                            "id": f"lc_run--{checkpoint}",
                        },
                    ]
                },
            },
            {"kind": "checkpoint", "checkpoint_id": checkpoint, "detail": f"thread {thread}"},
        ]

    plain = stabilize(events(thread, checkpoint, task, call, times))
    assert plain == stabilize(events("a" * 8, "b" * 32, "c" * 32, "d" * 9, [0, 0, 0]))
    text = str(plain)
    assert not any(value in text for value in ids)
    update = plain[2]["update"]["messages"]
    assert update[0]["tool_calls"][0]["id"] == update[1]["tool_call_id"] == "<call-1>"
    assert plain[1]["ns"] == ["sub:<task-1>"] and plain[3]["detail"] == "thread <thread-1>"


def test_each_test_gets_a_fresh_thread_even_on_the_graphs_own_checkpointer(tui_trace):
    # The graph keeps one InMemorySaver for the whole process: on a reused thread
    # the second run would continue the first conversation (four messages).
    from tests.graphs import remembering_chat  # one module, one saver, for both runs

    for _ in range(2):
        t = tui_trace(remembering_chat)
        assert len(t.final_state["messages"]) == 2


def test_an_interrupt_is_answered_and_the_trace_shows_both_runs():
    t = trace(REVIEW, answers=["approve"])
    assert t.outcome == "done"
    lines = t.text.splitlines()
    assert lines.index('answered: "approve"') > next(
        i for i, line in enumerate(lines) if line.startswith("interrupted at review:")
    )
    assert_state(t, {"approved": True})
    assert_interrupted_at(trace(REVIEW), "review")


# -- assertions say what happened -----------------------------------------------------


def test_assertions_pass_on_what_happened_and_fail_showing_it(tui_trace):
    t = tui_trace(REACT)
    assert_path(t, "agent", ..., "agent")
    assert_path(t, "agent", "tools", "agent", "tools", "agent")
    assert_visited(t, "tools", times=2)
    assert_not_visited(t, "review")
    assert_tool_called(t, "get_weather", {"city": "Paris"}, times=1)
    assert_tool_not_called(t, "search")
    assert_state(t, {"messages": t.final_state["messages"]})
    assert len(t.state_after("agent", 0)["messages"]) == 2
    assert_state(t, {"messages": t.state_after("agent")["messages"]}, after="agent")
    assert_within_budget(t, steps=5, llm_calls=3)

    with pytest.raises(AssertionError, match="the path was agent → tools → agent → tools → agent"):
        assert_path(t, "agent", "tools")
    with pytest.raises(AssertionError, match="tools ran 2 times, expected 1 time"):
        assert_visited(t, "tools", times=1)
    with pytest.raises(AssertionError) as wrong_args:
        assert_tool_called(t, "get_weather", {"city": "Oslo"})
    assert 'get_weather({"city": "Paris"}) by agent at step 1' in str(wrong_args.value)
    with pytest.raises(AssertionError, match="over budget: 3 model calls"):
        assert_within_budget(t, llm_calls=2)
    with pytest.raises(AssertionError, match="it ended done"):
        assert_interrupted_at(t, "agent")
    with pytest.raises(AssertionError, match='"content"'):
        assert_state(t, {"messages": []})


# -- the app: same screen every run, waits that explain themselves ----------------------


def _svg() -> str:
    app = build_app(JOKE, size=(80, 24), thread_id="same-for-both")
    try:
        return take_svg_screenshot(
            app=app, terminal_size=app.terminal_size, run_before=until("done")
        )
    finally:
        app.close_session()


def test_two_builds_give_the_same_svg():
    first, second = _svg(), _svg()
    assert "joke" in first and "DONE" in first  # the finished run
    assert first == second


async def test_waits_time_out_saying_what_the_run_was_doing():
    app = build_app(REVIEW)
    try:
        async with app.run_test(size=app.terminal_size) as pilot:
            await wait_interrupted(pilot)
            with pytest.raises(AssertionError) as timed_out:
                await wait_done(pilot, timeout=0.2)
    finally:
        app.close_session()
    message = str(timed_out.value)
    assert "waiting for status done; the run is interrupted (waiting for an answer)" in message
    assert "last events:" in message and "task_started review (step 2)" in message


async def test_settle_stills_a_blinking_cursor_so_a_snapshot_does_not_catch_it_off():
    from textual.widgets import Input

    from tui.app.screens.interrupt import InterruptScreen
    from tui.testing import settle

    app = build_app(REVIEW)
    try:
        async with app.run_test(size=app.terminal_size) as pilot:
            await wait_interrupted(pilot)
            await wait_until(pilot, lambda: isinstance(app.screen, InterruptScreen))
            box = app.screen.query_one(Input)
            assert box.has_focus and box.cursor_blink  # it blinks, as a user sees it
            await settle(pilot)
            assert not box.cursor_blink
    finally:
        app.close_session()


# -- golden files -----------------------------------------------------------------------


def test_the_golden_flags_rewrite_the_file_and_a_change_fails_with_its_diff(pytester, monkeypatch):
    pytester.makepyfile(
        test_golden=textwrap.dedent(
            f"""
            import os

            def test_pinned(tui_trace, tui_golden):
                topic = os.environ.get("TOPIC", "ice cream")
                tui_golden(tui_trace({str(SAMPLES / "joke.py")!r}, {{"topic": topic}}))
            """
        )
    )
    golden = pytester.path / "golden" / "test_pinned.txt"
    missing = pytester.runpytest_inprocess(*INNER)
    missing.assert_outcomes(failed=1)
    missing.stdout.fnmatch_lines(["*no golden file*--update-golden*"])

    pytester.runpytest_inprocess(*INNER, "--update-golden").assert_outcomes(passed=1)
    assert 'run joke · input {"topic": "ice cream"}' in golden.read_text()

    monkeypatch.setenv("TOPIC", "penguins")
    changed = pytester.runpytest_inprocess(*INNER)
    changed.assert_outcomes(failed=1)
    changed.stdout.fnmatch_lines(
        ['*-run joke · input {"topic": "ice cream"}*', '*+run joke · input {"topic": "penguins"}*']
    )
    pytester.runpytest_inprocess(*INNER, "--snapshot-update").assert_outcomes(passed=1)
    assert "penguins" in golden.read_text()


def test_a_graph_object_gets_its_context_config_and_a_given_chat_model():
    from dataclasses import dataclass

    from langchain_core.language_models.fake_chat_models import FakeListChatModel
    from langgraph.graph import START, MessagesState, StateGraph
    from langgraph.runtime import Runtime

    from tests.graphs import remembering_chat

    @dataclass
    class Who:
        user: str = "nobody"

    def greet(state: MessagesState, runtime: Runtime[Who], config) -> dict:
        tags = ",".join(config.get("tags") or [])
        return {"messages": [("ai", f"hello {runtime.context.user} [{tags}]")]}

    builder = StateGraph(MessagesState, context_schema=Who)
    builder.add_node("greet", greet)
    builder.add_edge(START, "greet")
    t = trace(builder, {"messages": []}, context={"user": "ann"}, config={"tags": ["trial"]})
    assert t.final_state["messages"][-1]["content"] == "hello ann [trial]"

    # A graph taking its model from chat_model() gets the one the test gives.
    given = FakeListChatModel(responses=["Owls fly at night."])
    t = trace(remembering_chat, model=given)
    assert t.final_state["messages"][-1]["content"] == "Owls fly at night."


async def test_waits_for_a_breakpoint_a_tool_call_a_node_and_the_end():
    app = build_app(REACT, break_before=["tools"])
    try:
        async with app.run_test(size=app.terminal_size) as pilot:
            await wait_paused(pilot)
            assert app.model.status == "breakpoint"
            await wait_tool(pilot, "get_weather")
            app.source.toggle_breakpoint("tools")
            await pilot.press("c")
            await wait_node(pilot, "tools")
            await wait_tool(pilot, "convert_temperature")
            await wait_done(pilot)
    finally:
        app.close_session()
