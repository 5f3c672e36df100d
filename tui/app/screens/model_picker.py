"""Switch the chat model of the next run: offline choices, then what a server offers."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.app.screens.modal import Modal
from tui.app.text.literal import one_line
from tui.app.textual_guards import GuardedOptionList
from tui.engine.ports import ModelChoice, ModelSwitcher, ModelSwitchError


class ModelPickerScreen(Modal[str | None]):
    AUTO_FOCUS = "#model-options"
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, switcher: ModelSwitcher) -> None:
        super().__init__()
        self.switcher = switcher
        self.current = switcher.label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(
                Text("Switch model (takes effect at the next run: r)", "bold"),
                classes="dialog-title",
            )
            options = [self._option(choice) for choice in self.switcher.offline_choices()]
            options.append(
                Option(
                    Text(
                        f"asking {one_line(self.switcher.discovery_source(), 60)} …", "dim italic"
                    ),
                    id="-loading",
                    disabled=True,
                )
            )
            yield GuardedOptionList(*options, id="model-options")

    def _option(self, choice: ModelChoice) -> Option:
        text = Text()
        text.append("● " if choice.label == self.current else "  ", "bold green")
        text.append(one_line(choice.label, 50), "bold")
        text.append(f"  {one_line(choice.note, 60)}", "dim")
        return Option(text, id=choice.label)

    def on_mount(self) -> None:
        self.discover()

    @work(thread=True, exclusive=True)
    def discover(self) -> None:
        # A network call, possibly slow or refused: never on the UI thread.
        try:
            found, problem = self.switcher.discover_choices(), None
        except ModelSwitchError as exc:
            found, problem = [], str(exc)
        self.app.call_from_thread(self._show_discovered, found, problem)

    def _show_discovered(self, found: list[ModelChoice], problem: str | None) -> None:
        options = self.query_one(OptionList)
        options.remove_option("-loading")
        options.add_options([self._option(choice) for choice in found])
        if problem:
            options.add_option(
                Option(Text(one_line(problem, 90), "yellow"), id="-problem", disabled=True)
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.finish(event.option.id)

    def action_dismiss_none(self) -> None:
        self.finish(None)
