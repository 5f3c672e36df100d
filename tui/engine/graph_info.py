"""What the app may know about a graph, as plain data: its nodes, edges and input keys."""

from __future__ import annotations

import weakref
from typing import Any

from langgraph.pregel import Pregel
from pydantic import TypeAdapter
from typing_extensions import is_typeddict

# A compiled graph's input schema never changes (a reloaded graph is a new object), and
# pydantic takes tens of milliseconds to describe a message state: described once.
_INPUT_SCHEMAS: weakref.WeakKeyDictionary[Pregel, dict[str, Any]] = weakref.WeakKeyDictionary()


def graph_structure(graph: Pregel, xray: bool = False) -> dict[str, Any]:
    """Nodes and edges as plain data, for drawing the graph."""
    drawable = graph.get_graph(xray=xray)
    nodes = [
        {"id": node.id, "name": node.name, "subgraph": isinstance(node.data, Pregel)}
        for node in drawable.nodes.values()
    ]
    edges = [
        {
            "source": edge.source,
            "target": edge.target,
            "conditional": bool(edge.conditional),
            "label": str(edge.data) if edge.data is not None else None,
        }
        for edge in drawable.edges
    ]
    return {"nodes": nodes, "edges": edges}


def _input_schema(graph: Pregel) -> dict[str, Any]:
    """The input's JSON Schema, as far as we read it: its properties' names and which
    are required."""
    schema = _INPUT_SCHEMAS.get(graph)
    if schema is None:
        try:
            described = _typed_dict_keys(graph) or graph.get_input_jsonschema()
        except Exception:
            described = {}  # a schema that cannot be described is not checked
        schema = _INPUT_SCHEMAS[graph] = described if isinstance(described, dict) else {}
    return schema


def _typed_dict_keys(graph: Pregel) -> dict[str, Any] | None:
    """For a TypedDict input (most states: MessagesState is one), the properties and
    required keys its JSON Schema would give, read from the schema pydantic builds on
    the way (a few ms), not written out as JSON Schema (25-50 ms for a message state,
    paid at every load of a graph). Anything else: ``None``, and the JSON Schema is
    asked for."""
    typ = getattr(getattr(graph, "builder", None), "input_schema", None)
    if typ is None or not is_typeddict(typ):
        return None
    core = TypeAdapter(typ).core_schema  # raises where LangGraph's JSON Schema would
    definitions = {}
    if core["type"] == "definitions":
        definitions = {d.get("ref"): d for d in core["definitions"]}
        core = core["schema"]
    if core["type"] == "definition-ref":
        core = definitions.get(core["schema_ref"], core)
    if core["type"] != "typed-dict":
        return None
    fields = core["fields"]
    if any("validation_alias" in field for field in fields.values()):
        return None  # the schema would name these by their aliases
    return {
        "properties": {name: {} for name in fields},
        "required": [name for name, field in fields.items() if field.get("required", True)],
    }


def input_keys(graph: Pregel) -> list[str]:
    """Top-level keys of the graph's input schema (to offer a message box, say)."""
    return list((_input_schema(graph).get("properties") or {}).keys())


def takes_empty_input(graph: Pregel) -> bool:
    """Every field of the input has a default, so ``{}`` is an input."""
    schema = _input_schema(graph)
    return bool(schema.get("properties")) and not schema.get("required")


def input_problem(graph: Pregel, value: Any) -> str | None:
    """What is wrong with an input, in words, before the graph sees it: required keys
    it lacks, or only keys the graph does not take (``--message`` for a graph whose
    input has no ``messages``). LangGraph would fail deep inside with less to say."""
    return schema_input_problem(_input_schema(graph), value)


def schema_input_problem(schema: dict[str, Any], value: Any) -> str | None:
    """``input_problem`` for a graph known only by its input JSON Schema (one on a
    LangGraph Server)."""
    if not isinstance(value, dict):
        return None
    properties = schema.get("properties") or {}
    if not properties:
        return None
    takes = ", ".join(properties)
    missing = [key for key in schema.get("required") or [] if key not in value]
    if missing:
        return f"the input lacks {', '.join(missing)}: the graph's input takes {takes}"
    unknown = [key for key in value if key not in properties]
    if value and len(unknown) == len(value):
        return f"the graph's input has no {', '.join(unknown)}: it takes {takes}"
    return None


def node_names(graph: Pregel) -> list[str]:
    return [n for n in graph.nodes if not n.startswith("__")]
