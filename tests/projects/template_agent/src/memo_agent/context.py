"""What a run is configured with: the template's ``Context`` dataclass."""

from dataclasses import dataclass


@dataclass(kw_only=True)
class Context:
    user_id: str = "default-user"
    model: str = "scripted:fast"
    system_prompt: str = "You remember what the user tells you."
