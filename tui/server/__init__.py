"""The debugger attached to a LangGraph Server (``langgraph dev``, ``langgraph up``,
LangSmith Deployment) instead of running the graph itself.

``ServerSession`` gives the app and the headless runner what a local ``Session``
gives them, fed by the server's own streaming API (``langgraph-sdk``): the same
events, so panes, JSONL and exit codes do not know where a run happens. Needs the
``[server]`` extra (``pip install "langgraph-tui[server]"``).
"""
