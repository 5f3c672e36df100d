"""A dialog's keys reach the widget it is for from the moment it opens.

Textual focuses a new screen's first focusable widget as it composes it; a dialog that
focused its own widget in ``on_mount`` got it one message later, and a key typed in
between went to the first one instead (the interrupt dialog's scroll area took the
"a" of "approve"; the confirm dialog's "Yes" button would have taken an Enter). So
the first widget each dialog focuses must be the one its keys are for, and every
dialog is checked, one added later included.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from tests.app_helpers import wait_status, wait_until
from tui.app import screens
from tui.app.app import DebuggerApp
from tui.app.screens.modal import Modal
from tui.engine.ports import ModelChoice

SIZE = (120, 40)


class _OfflineSwitcher:
    """A model switcher that asks no server (the picker's discovery stays pending)."""

    label = "scripted"

    def switch(self, text: str) -> str:
        return text

    def offline_choices(self) -> list[ModelChoice]:
        return [ModelChoice("scripted", "offline")]

    def discovery_source(self) -> str:
        return "nobody"

    def discover_choices(self) -> list[ModelChoice]:
        return []


def _dialogs(app: DebuggerApp) -> dict[str, Callable[[], Modal[Any]]]:
    """Each dialog as the app opens it, on what a finished run of the joke sample left."""
    model = app.model
    row = model.task_rows()[0]
    info = model.latest_checkpoint()
    assert info is not None
    calls = model.llm_calls
    return {
        "ConfirmScreen": lambda: screens.ConfirmScreen("Quit?"),
        "HelpScreen": lambda: screens.HelpScreen([Binding("q", "quit", "Quit")]),
        "InterruptScreen": lambda: screens.InterruptScreen(
            [{"id": "i1", "value": "Approve this draft?", "node": "review"}]
        ),
        "LlmCallScreen": lambda: screens.LlmCallScreen(calls, calls[0]),
        "ModelPickerScreen": lambda: screens.ModelPickerScreen(_OfflineSwitcher()),
        "NodePickerScreen": lambda: screens.NodePickerScreen(["call_model"], set(), "Which?"),
        "RunInputScreen": lambda: screens.RunInputScreen(["topic"], "Input for joke"),
        "SearchScreen": lambda: screens.SearchScreen(lambda text: [], "ice"),
        "StateEditScreen": lambda: screens.StateEditScreen(
            "Edit the state", {"topic": "x"}, ["call_model"], lambda value, node: None
        ),
        "StepDiffScreen": lambda: screens.StepDiffScreen(
            model.steps_of(info), info, app.diff_states
        ),
        "StepPickerScreen": lambda: screens.StepPickerScreen([0, 1], 1),
        "TaskDetailScreen": lambda: screens.TaskDetailScreen(row, calls=calls),
        "ThreadPickerScreen": lambda: screens.ThreadPickerScreen(["t1", "t2"], "t1"),
    }


def _all_dialogs() -> set[type]:
    """Every dialog class in the app's screens package (each module imported)."""
    for module in pkgutil.iter_modules(screens.__path__):
        importlib.import_module(f"{screens.__name__}.{module.name}")
    found: set[type] = set()
    todo: list[type] = [Modal]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("tui.app.screens") and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


async def test_every_dialog_focuses_the_widget_its_keys_are_for_first(open_session, monkeypatch):
    focused: dict[int, list[Widget | None]] = {}
    set_focus = Screen.set_focus

    def recording(screen: Screen, widget: Widget | None, *args: Any, **kwargs: Any) -> None:
        if widget is not screen.focused:
            focused.setdefault(id(screen), []).append(widget)
        set_focus(screen, widget, *args, **kwargs)

    monkeypatch.setattr(Screen, "set_focus", recording)
    session, _ = open_session("joke")
    app = DebuggerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await wait_status(pilot, "done")
        dialogs = _dialogs(app)
        assert set(dialogs) == {d.__name__ for d in _all_dialogs()}, "a dialog is not checked"
        for name, make in dialogs.items():
            dialog = make()
            target = dialog.AUTO_FOCUS
            assert target, f"{name} does not say which widget its keys go to (AUTO_FOCUS)"
            app.push_screen(dialog)
            # Until whatever it does as it opens (on_mount, a first refresh) is done.
            await wait_until(pilot, lambda d=dialog: d.is_current and d.is_mounted)
            await pilot.pause()
            history = focused.get(id(dialog), [])
            assert history == [dialog.query_one(target)], f"{name} focused {history}"
            dialog.dismiss(None)
            await wait_until(pilot, lambda d=dialog: not d.is_current)
