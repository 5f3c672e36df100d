"""The run engine: loads nothing, draws nothing, imports no Textual.

It runs a graph on its own thread and event loop and turns what LangGraph streams
into the normalized events of ``events``. The TUI, headless mode and the tests are
all consumers of the same events.
"""
