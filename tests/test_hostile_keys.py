"""Keys never crash the app: bursts around dialogs, and random sequences of every key.

Keys are posted as a burst (no waiting between them), as a person typing fast or a
terminal replaying pasted keys delivers them: a dialog can get its second Enter
while it is closing, and keys can still be queued when the app quits.
"""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st
from textual import events

from tests.helpers import SAMPLES, TEST_GRAPHS, examples
from tui import providers
from tui.app.app import DebuggerApp
from tui.engine.session import Session, SessionOptions
from tui.engine.status import RunStatus
from tui.loading import load_graph

_CHARACTERS = {"question_mark": "?", "enter": "\r", "escape": "\x1b", "tab": "\t", "space": " "}
# Every key the app and its dialogs bind, and the ones people press in dialogs.
KEYS = [
    *"pcnxibrfgelyq",
    "question_mark",
    "enter",
    "escape",
    "tab",
    "up",
    "down",
    "home",
    "end",
    "pageup",
    "space",
    "ctrl+p",
]
GRAPHS = ["react_agent", "human_review", "map_reduce", "slow_steps"]


def _graph(name: str) -> tuple[object, object]:
    path = SAMPLES / f"{name}.py"
    loaded = load_graph(str(path if path.exists() else TEST_GRAPHS / f"{name}.py"))
    return loaded.graph, loaded.default_input


async def _burst(graph_name: str, keys: list[str], *, autostart: bool = True) -> DebuggerApp:
    graph, default_input = _graph(graph_name)
    session = Session(
        graph,  # type: ignore[arg-type]
        name=graph_name,
        default_input=default_input,
        options=SessionOptions(cancel_grace_s=0.3),
    )
    app = DebuggerApp(session, autostart=autostart)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            for key in keys:
                app.post_message(
                    events.Key(key, _CHARACTERS.get(key, key if len(key) == 1 else None))
                )
            await pilot.pause(0.2)
            _assert_consistent(app, session)
    finally:
        session.close()
    return app


def _assert_consistent(app: DebuggerApp, session: Session) -> None:
    if app.closing:
        return
    assert app.is_running
    assert app.screen_stack, "the app lost its screens"
    assert isinstance(app.model.status, RunStatus)
    # What the screen says the run is doing is what the session says, once drained.
    if not session.events.qsize():
        assert app.model.status == session.status or session.status.active


def test_fast_bursts_around_dialogs():
    providers.set_active_model(providers.parse_model_spec("scripted"))
    for keys, autostart in [
        (["b", "enter", "enter"], False),
        (["q", "y", "question_mark"], True),
        (["q", "y", "q", "y", "escape", "enter"], True),
        (["i", "escape", "i", "enter", "enter", "ctrl+p", "pageup", "pagedown"], True),
        (["g", "tab", "pagedown", "question_mark", "q", "q", "escape"], True),
    ]:
        asyncio.run(_burst("react_agent", keys, autostart=autostart))


def test_quitting_is_idempotent():
    app = asyncio.run(_burst("react_agent", ["q", "y", "q", "y", "q"], autostart=False))
    assert app.return_code == 0


@settings(max_examples=examples(6))
@given(
    graph=st.sampled_from(GRAPHS),
    keys=st.lists(st.sampled_from(KEYS), min_size=20, max_size=200),
    rate=st.sampled_from(["scripted:fast", "scripted:200"]),
)
def test_random_key_sequences_never_crash(graph, keys, rate):
    providers.set_active_model(providers.parse_model_spec(rate))
    asyncio.run(_burst(graph, keys))
