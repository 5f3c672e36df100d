"""langgraph-tui: a terminal debugger for LangGraph."""

__version__ = "0.1.0"
