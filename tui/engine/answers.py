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


def answer_problem(schema: Any, answer: Any) -> str | None:
    """Why ``answer`` does not fit an interrupt's ``response_schema`` (JSON Schema),
    or ``None``. Checked before the answer reaches the graph: LangGraph keeps a
    resume value once given, so a wrong one would stick to the thread."""
    if not isinstance(schema, dict) or not schema:
        return None
    import jsonschema

    try:
        validator = jsonschema.validators.validator_for(schema)(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(answer))
    except jsonschema.exceptions.SchemaError:
        return None  # the graph's schema is broken; let the graph decide
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{where + ': ' if where else ''}{error.message}"
