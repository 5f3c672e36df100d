"""Switch the chat model the sample graphs use: offline choices, then what Ollama has."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.app.literal import one_line

OFFLINE = [
    ("scripted", "offline, paced for reading (20 tok/s)"),
    ("scripted:fast", "offline, as fast as it goes"),
]


class ModelPickerScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, current: str | None, ollama_url: str | None) -> None:
        super().__init__()
        self.current = current
        self.ollama_url = ollama_url

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(
                Text("Switch model (takes effect at the next run: r)", "bold"),
                classes="dialog-title",
            )
            options = [self._option(label, note) for label, note in OFFLINE]
            options.append(
                Option(
                    Text(f"asking Ollama at {self.ollama_url} …", "dim italic"),
                    id="-loading",
                    disabled=True,
                )
            )
            yield OptionList(*options, id="model-options")

    def _option(self, label: str, note: str) -> Option:
        text = Text()
        text.append("● " if label == self.current else "  ", "bold green")
        text.append(one_line(label, 50), "bold")
        text.append(f"  {one_line(note, 60)}", "dim")
        return Option(text, id=label)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.list_ollama()

    @work(thread=True, exclusive=True)
    def list_ollama(self) -> None:
        # A network call, possibly slow or refused: never on the UI thread.
        from tui.ollama_models import OllamaUnavailable, list_ollama_models

        try:
            found = [
                (f"ollama:{m.name}", f"{m.size_label} {m.details}".strip())
                for m in list_ollama_models(self.ollama_url, timeout_s=3.0)
            ]
            problem = None if found else "Ollama has no models yet: run `ollama pull llama3.2`"
        except OllamaUnavailable as exc:
            found, problem = [], str(exc)
        self.app.call_from_thread(self._show_ollama, found, problem)

    def _show_ollama(self, found: list[tuple[str, str]], problem: str | None) -> None:
        options = self.query_one(OptionList)
        options.remove_option("-loading")
        options.add_options([self._option(label, note) for label, note in found])
        if problem:
            options.add_option(
                Option(Text(one_line(problem, 90), "yellow"), id="-problem", disabled=True)
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
