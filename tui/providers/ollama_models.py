"""The models a local Ollama has pulled (its ``/api/tags``)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from tui.net.tls import shared_context
from tui.providers.spec import ollama_base_url


class OllamaUnavailable(RuntimeError):
    """Ollama could not be asked; ``str()`` is the one-line message with the fix."""


@dataclass(frozen=True)
class OllamaModel:
    name: str
    size: int
    family: str = ""
    parameters: str = ""
    quantization: str = ""

    @property
    def size_label(self) -> str:
        size = float(self.size)
        for unit in ("B", "KB", "MB", "GB", "TB"):
            if size < 1024 or unit == "TB":
                return f"{size:.1f} {unit}" if unit != "B" else f"{int(size)} B"
            size /= 1024
        return f"{size:.1f} TB"

    @property
    def details(self) -> str:
        return " ".join(p for p in (self.family, self.parameters, self.quantization) if p)


def list_ollama_models(base_url: str | None = None, *, timeout_s: float = 5.0) -> list[OllamaModel]:
    url = ollama_base_url(base_url)
    try:
        response = httpx.get(f"{url}/api/tags", timeout=timeout_s, verify=shared_context())
    except httpx.ConnectError as exc:
        raise OllamaUnavailable(
            f"Ollama is not running at {url}; start it with `ollama serve`"
        ) from exc
    except httpx.TimeoutException as exc:
        raise OllamaUnavailable(
            f"Ollama at {url} did not answer within {timeout_s:g}s: check it, or raise --timeout"
        ) from exc
    except httpx.HTTPError as exc:
        raise OllamaUnavailable(f"cannot ask Ollama at {url}: {exc}") from exc
    if response.status_code != 200:
        raise OllamaUnavailable(
            f"Ollama at {url} answered {response.status_code} to /api/tags: is it Ollama?"
        )
    try:
        entries = response.json().get("models") or []
    except ValueError as exc:
        raise OllamaUnavailable(f"{url}/api/tags did not return JSON: is it Ollama?") from exc
    models = []
    for entry in entries:
        details = entry.get("details") or {}
        models.append(
            OllamaModel(
                name=str(entry.get("name") or entry.get("model") or "?"),
                size=int(entry.get("size") or 0),
                family=str(details.get("family") or ""),
                parameters=str(details.get("parameter_size") or ""),
                quantization=str(details.get("quantization_level") or ""),
            )
        )
    return sorted(models, key=lambda m: m.name)
