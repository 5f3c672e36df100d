"""What a typed answer means: JSON when it parses as JSON, else the text itself.

``--resume approve`` and ``--resume '{"approved": false}'`` (and the same typed in
the TUI's answer box) both do what they look like.
"""

from __future__ import annotations

import json
from typing import Any


class AnswerError(ValueError):
    """An answer that cannot be used as it is; ``str()`` says why."""


def parse_answer(text: str) -> Any:
    try:
        return json.loads(text.strip())
    except json.JSONDecodeError:
        return text
    except RecursionError:
        raise AnswerError("the JSON is nested too deeply to read (simplify it)") from None
