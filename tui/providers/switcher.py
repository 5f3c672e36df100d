"""The engine's ``ModelSwitcher`` for graphs that take their model from ``chat_model()``."""

from __future__ import annotations

from tui.engine.ports import ModelChoice, ModelSwitchError
from tui.providers.active import active_model, set_active_model
from tui.providers.spec import ModelSpecError, ollama_base_url, parse_model_spec

OFFLINE_CHOICES = [
    ModelChoice("scripted", "offline, paced for reading (20 tok/s)"),
    ModelChoice("scripted:fast", "offline, as fast as it goes"),
]


class ActiveModelSwitcher:
    @property
    def label(self) -> str:
        return active_model().label

    def switch(self, text: str) -> str:
        # The base URL carries over only within one provider: an OpenAI-compatible
        # server's URL means nothing to Ollama.
        current = active_model()
        provider = text.partition(":")[0].lower()
        try:
            spec = parse_model_spec(
                text,
                base_url=current.base_url if provider == current.provider else None,
                timeout_s=current.timeout_s,
                max_tokens=current.max_tokens,
                stream_tools=current.stream_tools,
            )
        except ModelSpecError as exc:
            raise ModelSwitchError(str(exc)) from exc
        set_active_model(spec)
        return spec.label

    def offline_choices(self) -> list[ModelChoice]:
        return list(OFFLINE_CHOICES)

    def _ollama_url(self) -> str:
        current = active_model()
        return ollama_base_url(current.base_url if current.provider == "ollama" else None)

    def discovery_source(self) -> str:
        return f"Ollama at {self._ollama_url()}"

    def discover_choices(self) -> list[ModelChoice]:
        from tui.providers.ollama_models import OllamaUnavailable, list_ollama_models

        try:
            found = list_ollama_models(self._ollama_url(), timeout_s=3.0)
        except OllamaUnavailable as exc:
            raise ModelSwitchError(str(exc)) from exc
        if not found:
            raise ModelSwitchError("Ollama has no models yet: run `ollama pull llama3.2`")
        return [
            ModelChoice(f"ollama:{m.name}", f"{m.size_label} {m.details}".strip()) for m in found
        ]
