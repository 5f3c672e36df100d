"""The checkpointer a session gives its graph: in memory, SQLite, or the graph's own.

A SQLite saver holds an aiosqlite connection bound to the event loop that opened
it, so it is opened on the engine loop, and a replacement loop (after a blocked one
is abandoned) opens its own.
"""

from __future__ import annotations

import contextlib
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver

SQLITE_PREFIX = "sqlite:"


class Checkpointer:
    def __init__(self, spec: str, graph_own: Any) -> None:
        self.spec = spec
        self._graph_own = graph_own
        self._saver: BaseCheckpointSaver | None = None
        self._context: Any = None

    @property
    def persistent(self) -> bool:
        return self.spec.startswith(SQLITE_PREFIX)

    async def open(self) -> BaseCheckpointSaver:
        """The saver for the running loop (a fresh SQLite connection each call)."""
        if self.persistent:
            await self.close()
            from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

            self._context = AsyncSqliteSaver.from_conn_string(self.spec.removeprefix(SQLITE_PREFIX))
            self._saver = await self._context.__aenter__()
            return self._saver
        if self._saver is None:
            own = self._graph_own
            self._saver = own if isinstance(own, BaseCheckpointSaver) else InMemorySaver()
        return self._saver

    async def close(self) -> None:
        context, self._context = self._context, None
        if context is not None:
            with contextlib.suppress(Exception):
                await context.__aexit__(None, None, None)

    def abandon(self) -> None:
        """Forget a connection that belongs to an abandoned loop; that loop closes it."""
        if self.persistent:
            self._context = None
