"""The server's drawing of a graph (``GET /assistants/{id}/graph``) in the form the
graph pane takes from a local graph (``engine.graph_info.graph_structure``)."""

from __future__ import annotations

from typing import Any


def graph_structure(drawn: Any, xray_ids: set[str] | None = None) -> dict[str, Any]:
    """``xray_ids``: the node ids of the xray drawing, which tell the subgraphs
    apart (the plain drawing does not say which nodes are graphs)."""
    drawn = drawn if isinstance(drawn, dict) else {}
    ids = [str(n.get("id")) for n in drawn.get("nodes") or [] if isinstance(n, dict)]
    inner = xray_ids if xray_ids is not None else set(ids)
    nodes = [
        {
            "id": node_id,
            "name": node_id,
            "subgraph": any(other.startswith(f"{node_id}:") for other in inner),
        }
        for node_id in ids
    ]
    edges = [
        {
            "source": str(edge.get("source")),
            "target": str(edge.get("target")),
            "conditional": bool(edge.get("conditional")),
            "label": str(edge["data"]) if edge.get("data") is not None else None,
        }
        for edge in drawn.get("edges") or []
        if isinstance(edge, dict)
    ]
    return {"nodes": nodes, "edges": edges}


def node_names(structure: dict[str, Any]) -> list[str]:
    return [n["id"] for n in structure["nodes"] if not n["id"].startswith("__")]
