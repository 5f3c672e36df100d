"""The app's dialogs, imported when first opened.

None of them shows in the first frame, and together they import a good part of
Textual (``TextArea`` and its document model, option lists, trees): the app reaches
them as ``screens.HelpScreen`` and so on, and each module is imported on first use
(PEP 562), so the first frame does not wait for them (``bench_first_frame.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from tui.app.screens.confirm import ConfirmScreen
    from tui.app.screens.help import HelpScreen
    from tui.app.screens.interrupt import InterruptScreen
    from tui.app.screens.llm_call import LlmCallScreen
    from tui.app.screens.model_picker import ModelPickerScreen
    from tui.app.screens.node_picker import NodePickerScreen
    from tui.app.screens.run_input import RunInputScreen
    from tui.app.screens.search import SearchScreen
    from tui.app.screens.state_edit import StateEditScreen
    from tui.app.screens.step_diff import StepDiffScreen
    from tui.app.screens.step_picker import StepPickerScreen
    from tui.app.screens.task_detail import TaskDetailScreen
    from tui.app.screens.thread_picker import ThreadPickerScreen

_MODULES = {
    "ConfirmScreen": "confirm",
    "HelpScreen": "help",
    "InterruptScreen": "interrupt",
    "LlmCallScreen": "llm_call",
    "ModelPickerScreen": "model_picker",
    "NodePickerScreen": "node_picker",
    "RunInputScreen": "run_input",
    "SearchScreen": "search",
    "StateEditScreen": "state_edit",
    "StepDiffScreen": "step_diff",
    "StepPickerScreen": "step_picker",
    "TaskDetailScreen": "task_detail",
    "ThreadPickerScreen": "thread_picker",
}
__all__ = [
    "ConfirmScreen",
    "HelpScreen",
    "InterruptScreen",
    "LlmCallScreen",
    "ModelPickerScreen",
    "NodePickerScreen",
    "RunInputScreen",
    "SearchScreen",
    "StateEditScreen",
    "StepDiffScreen",
    "StepPickerScreen",
    "TaskDetailScreen",
    "ThreadPickerScreen",
]


__getattr__ = lazy_exports(__name__, _MODULES)
