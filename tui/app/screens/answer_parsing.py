"""What a typed answer means: JSON when it parses as JSON, else the text itself."""

from __future__ import annotations

import json
from typing import Any


def parse_answer(text: str) -> Any:
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        return text
