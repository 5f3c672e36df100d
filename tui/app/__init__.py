"""The Textual debugger. It talks to LangGraph only through an engine session."""
