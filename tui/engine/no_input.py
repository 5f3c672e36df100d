"""The marker for "no input was given" (``None`` is a valid graph input)."""

from typing import Any

NO_INPUT: Any = object()
