"""Fake model servers that speak the real wire protocols, for tests with no network.

Each server is a real HTTP server on 127.0.0.1 with an ephemeral port, so the real
client libraries (ChatOllama, ChatOpenAI, httpx) run unmodified against it.
"""
