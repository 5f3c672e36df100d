"""What the app may know about a graph, as plain data: its nodes, edges and input keys."""

from __future__ import annotations

from typing import Any

from langgraph.pregel import Pregel


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


def input_keys(graph: Pregel) -> list[str]:
    """Top-level keys of the graph's input schema (to offer a message box, say)."""
    try:
        schema = graph.get_input_jsonschema()
    except Exception:
        return []
    return list((schema.get("properties") or {}).keys())


def node_names(graph: Pregel) -> list[str]:
    return [n for n in graph.nodes if not n.startswith("__")]
