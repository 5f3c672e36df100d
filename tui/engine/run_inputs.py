"""What a run is given besides its input, the way LangGraph Server (``langgraph dev``)
gives it, so a graph behaves the same under the debugger as under the server:

* a runtime context, always: the user's ``--context``, else ``{}`` (a dataclass or
  pydantic ``context_schema`` then gets its defaults); keys the schema does not know
  are dropped, as the server drops them;
* context and ``configurable`` mirrored both ways (a template that reads
  ``config["configurable"]["model"]`` or ``runtime.context.model`` sees the value
  whichever way it was given);
* the ids a deployed graph may read: ``thread_id``, ``run_id``, ``graph_id``,
  ``assistant_id`` (the server's uuid5 of the graph id), ``user_id`` and the auth keys,
  in ``configurable`` and ``metadata``;
* the user's ``--config``: ``configurable``, ``tags``, ``metadata``, ``run_name``,
  ``max_concurrency``, ``recursion_limit``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.pregel import Pregel

# The namespace LangGraph Server derives assistant ids from (langgraph_api.graph).
_GRAPH_NAMESPACE = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")
_CONFIG_KEYS = (
    "configurable",
    "tags",
    "metadata",
    "run_name",
    "max_concurrency",
    "recursion_limit",
)


class RunInputError(ValueError):
    """A ``--config`` or ``--context`` that cannot be used; ``str()`` says why."""


@dataclass
class RunInputs:
    config: dict[str, Any] = field(default_factory=dict)
    """The user's ``--config`` (a RunnableConfig as JSON)."""
    context: dict[str, Any] = field(default_factory=dict)
    """The user's ``--context``."""

    def __post_init__(self) -> None:
        if not isinstance(self.config, dict):
            raise RunInputError('--config must be a JSON object, e.g. {"configurable": {...}}')
        unknown = sorted(set(self.config) - set(_CONFIG_KEYS))
        if unknown:
            raise RunInputError(
                f"--config has {', '.join(unknown)}: a run's config takes {', '.join(_CONFIG_KEYS)}"
            )
        configurable = self.config.get("configurable", {})
        if not isinstance(configurable, dict):
            raise RunInputError("--config's configurable must be a JSON object")
        if not isinstance(self.context, dict):
            raise RunInputError("--context must be a JSON object")
        if self.context and configurable:
            # The server refuses both at once (HTTP 400): which would win is unclear.
            raise RunInputError(
                "give --context or --config's configurable, not both: they are the same "
                "values (the debugger copies each into the other, as LangGraph Server does)"
            )


def assistant_id(graph_name: str) -> str:
    return str(uuid.uuid5(_GRAPH_NAMESPACE, graph_name))


def build_config(
    inputs: RunInputs,
    *,
    graph: Pregel,
    graph_name: str,
    thread_id: str,
    run_id: str,
    recursion_limit: int | None,
) -> tuple[RunnableConfig, dict[str, Any]]:
    """The run's config and context."""
    user = inputs.config
    context = _known_context(dict(inputs.context or user.get("configurable") or {}), graph)
    ids = {
        "thread_id": thread_id,
        "run_id": run_id,
        "graph_id": graph_name,
        "assistant_id": assistant_id(graph_name),
    }
    configurable = {
        # What an unauthenticated request gets from the server; the user's own
        # values (a user_id a template reads, say) win over these.
        "user_id": "",
        "langgraph_auth_user": None,
        "langgraph_auth_user_id": "",
        "langgraph_auth_permissions": [],
        **(user.get("configurable") or {}),
        **context,
        **ids,
    }
    config: RunnableConfig = {
        "configurable": configurable,
        "metadata": {**(user.get("metadata") or {}), **ids, "run_attempt": 1},
    }
    if user.get("tags"):
        config["tags"] = list(user["tags"])
    for key in ("run_name", "max_concurrency"):
        if key in user:
            config[key] = user[key]
    limit = recursion_limit or user.get("recursion_limit")
    if limit:
        config["recursion_limit"] = limit
    return config, context


def _known_context(context: dict[str, Any], graph: Pregel) -> dict[str, Any]:
    """Drop keys the context schema does not name (the server does, so a template's
    context never fails on an extra key)."""
    if not context or graph.context_schema is None:
        return context
    try:
        schema = graph.get_context_jsonschema() or {}
    except Exception:
        return context  # a schema that cannot be described is not filtered
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not properties:
        return context
    return {key: value for key, value in context.items() if key in properties}
