"""Loop signals: the same tool call or the same reply again, the recursion limit
nearing, per-node run counts and input tokens per call."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.app_helpers import settle, wait_status
from tests.fakes.cli import run_cli_here
from tui.app.app import DebuggerApp
from tui.app.text.sparkline import BLOCKS, sparkline
from tui.engine.events import LlmFinished, Notice, Resumed, RunStarted, TaskStarted
from tui.engine.loop_watch import LoopWatch, default_recursion_limit, warn_at

LOOP = "tests/graphs/loop_agent.py"


def _notices(log) -> list[str]:
    return [e.text for e in log.of("notice")]


def test_the_same_tool_call_again_is_a_warning_once_per_repeat(open_session):
    session, log = open_session("loop_agent")
    session.start().result(timeout=30)
    log.finish()
    repeats = [t for t in _notices(log) if "called search(" in t]
    assert len(repeats) == 3  # the 2nd, 3rd and 4th identical calls
    assert repeats[0] == (
        'agent called search({"query": "the bug"}) again at step 3: the same tool call as '
        "step 1 before; the agent may be looping"
    )
    assert log.of("run_finished")[0].status == "done"


def test_the_same_reply_again_is_a_warning(open_session):
    session, log = open_session("loop_agent")
    session.start({"messages": [{"role": "user", "content": "Write."}], "mode": "reply"}).result(30)
    log.finish()
    same = [t for t in _notices(log) if "same reply" in t]
    assert same == [
        "the model gave agent the same reply at step 2 as step 1 before; the agent may be looping",
        "the model gave agent the same reply at step 3 as step 1 before; the agent may be looping",
    ]


def test_the_recursion_limit_is_warned_before_it_is_hit(open_session):
    session, log = open_session("loop_agent", recursion_limit=5)
    session.start().result(timeout=30)
    log.finish()
    kinds = [e.kind for e in log.events]
    warned = next(
        i for i, e in enumerate(log.events) if isinstance(e, Notice) and "recursion limit" in e.text
    )
    assert "step 4 of the 5 this run may take" in log.events[warned].text
    assert kinds.index("run_failed") > warned
    started = [e for e in log.events[:warned] if isinstance(e, TaskStarted)]
    assert started[-1].step == 4  # said as the 4th step started, before the 5th
    assert log.of("run_started")[0].recursion_limit == 5


def test_headless_says_the_warnings_on_stderr_and_in_the_jsonl():
    result = run_cli_here("run", LOOP, "--headless", "--recursion-limit", "5")
    assert result.returncode == 1
    notices = [e["text"] for e in result.of("notice")]
    assert any("recursion limit" in n for n in notices)
    assert any("called search(" in n for n in notices)
    assert "step 4 of the 5 this run may take" in result.stderr


def test_warn_at_leaves_a_fifth_of_the_budget():
    assert [warn_at(n) for n in (1, 2, 5, 10, 25, 100)] == [1, 1, 4, 8, 20, 80]
    assert default_recursion_limit() >= 25


def test_each_invocation_gets_its_budget_again():
    watch = LoopWatch()
    assert not watch.observe(
        RunStarted(graph="g", thread_id="t", input=None, stream_modes=[], recursion_limit=5)
    )
    said = [
        n
        for step in range(1, 5)
        for n in watch.observe(TaskStarted(step=step, node="a", task_id=str(step)))
    ]
    assert len(said) == 1
    reply = {"content": "", "tool_calls": [{"name": "t", "args": {"a": 1}, "id": "x"}]}
    first = LlmFinished(node="a", task_id="1", run_id="r1", reply=reply)
    assert not watch.observe(first)
    again = LlmFinished(
        node="a",
        task_id="3",
        run_id="r2",
        reply={**reply, "tool_calls": [{"name": "t", "args": {"a": 1}, "id": "y"}]},
    )
    (repeat,) = watch.observe(again)
    assert "again at step 3: the same tool call as step 1 before" in repeat.text
    other = LlmFinished(
        node="a",
        task_id="5",
        run_id="r3",
        reply={**reply, "tool_calls": [{"name": "t", "args": {"a": 2}, "id": "z"}]},
    )
    assert not watch.observe(other)
    # A resumed invocation counts its own steps from where it starts.
    watch.observe(Resumed(step=4, next=["a"]))
    warned = [
        step
        for step in range(5, 9)
        if watch.observe(TaskStarted(step=step, node="a", task_id=f"r{step}"))
    ]
    assert warned == [8]


@given(st.lists(st.integers(min_value=0, max_value=10**6), max_size=30))
def test_a_sparkline_is_one_block_per_call_and_keeps_their_order(values):
    line = sparkline(values, width=12)
    shown = values[-12:]
    assert len(line) == len(shown) and set(line) <= set(BLOCKS)
    levels = [BLOCKS.index(c) for c in line]
    for i, a in enumerate(shown):
        for j, b in enumerate(shown):
            if a <= b:
                assert levels[i] <= levels[j]  # a bigger prompt is never drawn lower
    if shown and max(shown) > 0:
        assert levels[shown.index(max(shown))] == len(BLOCKS) - 1


async def test_the_screen_shows_runs_per_node_the_budget_and_the_prompt_growing(open_session):
    session, _ = open_session("loop_agent", recursion_limit=5)
    app = DebuggerApp(session)
    async with app.run_test(size=(130, 36)) as pilot:
        await wait_status(pilot, "failed")
        await settle(pilot)
        assert [r.run_number for r in app.timeline.rows] == [1, 1, 2, 2, 3]
        rows = app.timeline.render_lines_for_test()
        assert "✓ agent #2 " in rows[3] and "✓ tools #2 " in rows[4]
        assert "✓ agent  " in rows[1] and "#" not in rows[1]
        bar = app.status_bar.render().plain
        assert "steps 5/5" in bar
        messages = [log.title for log in app.model.log]
        assert any("called search(" in title for title in messages)
    session2, _ = open_session("react_agent")
    app = DebuggerApp(session2)
    async with app.run_test(size=(160, 36)) as pilot:
        await wait_status(pilot, "done")
        await settle(pilot)
        tokens = app.model.input_tokens_per_call()
        assert len(tokens) == 3 and tokens[0] < tokens[1] < tokens[2]
        assert f"in {sparkline(tokens)} {tokens[-1]:,}" in app.status_bar.render().plain
