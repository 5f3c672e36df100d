"""What each sample graph that calls a model is expected to do, for the provider tests."""

from __future__ import annotations

# sample -> (headless exit code, final status, nodes that call the model)
LLM_SAMPLES: dict[str, tuple[int, str, set[str]]] = {
    "joke": (0, "done", {"call_model"}),
    "streaming_node": (0, "done", {"llm"}),
    "ollama_generate": (0, "done", {"generate"}),
    "react_agent": (0, "done", {"agent"}),
    "custom_progress": (0, "done", {"agent"}),
    "research_subgraph": (0, "done", {"summarize", "write"}),
    "map_reduce": (0, "done", {"write_joke"}),
    "human_review": (3, "interrupted", {"draft"}),
}
THOUGHT = "The user wants a concise answer, so I will keep it short."
JOKE = "Why did the ice cream truck break down? It had a rocky road."
