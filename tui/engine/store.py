"""The long-term store a session gives its graph, and what the run writes to it.

LangGraph Server always gives a graph a store (``runtime.store``, ``get_store()``),
configured by ``langgraph.json``'s ``store`` block; a graph that reads memories from it
fails without one. The session gives: the graph's own store if it was compiled with
one, else SQLite next to a SQLite checkpointer (the same file), else memory; with the
vector index the launcher could build. ``ObservedStore`` reports every write (the
node that made it included) so the run's store changes are events like the rest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from langgraph.store.base import BaseStore, Op, PutOp, Result
from langgraph.store.memory import InMemoryStore

from tui.engine.checkpointer_spec import sqlite_path
from tui.engine.normalize import task_id_from_checkpoint_ns


@dataclass(frozen=True)
class StoreWrite:
    namespace: tuple[str, ...]
    key: str
    value: dict[str, Any] | None  # None: the item was deleted
    node: str | None
    task_id: str | None


class StoreOpener:
    """Opens the store for the running loop (SQLite connections belong to a loop)."""

    def __init__(self, checkpointer: str, graph_own: Any, index: dict[str, Any] | None) -> None:
        self._checkpointer = checkpointer
        self._graph_own = graph_own
        self._index = index
        self._store: BaseStore | None = None
        self._connection: Any = None
        self._batching: Any = None
        self.notices: list[str] = []
        """What the user should hear about the store (an index it had to leave out)."""

    async def open(self, on_write: Callable[[StoreWrite], None]) -> ObservedStore:
        if isinstance(self._graph_own, BaseStore):
            inner: BaseStore = self._graph_own
        elif (path := sqlite_path(self._checkpointer)) is not None:
            await self.close()
            import aiosqlite
            from langgraph.store.sqlite.aio import AsyncSqliteStore

            # Autocommit, as AsyncSqliteStore.from_conn_string opens it: otherwise its
            # set-up leaves a transaction open and the checkpointer finds the file locked.
            self._connection = await aiosqlite.connect(str(path), timeout=0.5, isolation_level=None)
            inner = self._batching = await self._sqlite_store(AsyncSqliteStore)
        else:
            if self._store is None:
                self._store = InMemoryStore(index=self._index)  # type: ignore[arg-type]
            inner = self._store
        return ObservedStore(inner, on_write)

    async def _sqlite_store(self, store_class: Any) -> BaseStore:
        index = self._index
        if index is not None and not hasattr(self._connection._conn, "enable_load_extension"):
            # The index needs the sqlite-vec extension, which this Python's sqlite3
            # cannot load (built without extension loading): keep the store, not the index.
            self.notices.append(
                "the store's vector index needs SQLite extensions this Python cannot load: "
                "the SQLite store runs without it, searches are not ranked"
            )
            index = None
        store = store_class(self._connection, index=index)
        await store.setup()
        return store

    async def close(self) -> None:
        batching, self._batching = self._batching, None
        task = getattr(batching, "_task", None)  # the batched store's worker on this loop
        if task is not None:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()

    def abandon(self) -> None:
        """Forget a connection that belongs to an abandoned loop; that loop closes it."""
        self._connection = None
        self._batching = None


class ObservedStore(BaseStore):
    """Delegates every operation; reports each put and delete once it succeeded."""

    def __init__(self, inner: BaseStore, on_write: Callable[[StoreWrite], None]) -> None:
        self.inner = inner
        self._on_write = on_write

    @property
    def supports_ttl(self) -> bool:  # type: ignore[override]
        return self.inner.supports_ttl

    @property
    def ttl_config(self) -> Any:  # type: ignore[override]
        return self.inner.ttl_config

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        ops = list(ops)
        results = self.inner.batch(ops)
        self._report(ops)
        return results

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        ops = list(ops)
        results = await self.inner.abatch(ops)
        self._report(ops)
        return results

    def _report(self, ops: list[Op]) -> None:
        puts = [op for op in ops if isinstance(op, PutOp)]
        if not puts:
            return
        node, task_id = _writer()
        for op in puts:
            self._on_write(
                StoreWrite(
                    namespace=tuple(op.namespace),
                    key=op.key,
                    value=None if op.value is None else dict(op.value),
                    node=node,
                    task_id=task_id,
                )
            )


def _writer() -> tuple[str | None, str | None]:
    """The node (and its task) whose code is writing, when called from inside one."""
    try:
        from langgraph.config import get_config

        metadata = get_config().get("metadata") or {}
    except Exception:
        return None, None
    checkpoint_ns = metadata.get("langgraph_checkpoint_ns")
    return metadata.get("langgraph_node"), task_id_from_checkpoint_ns(checkpoint_ns)


async def store_items(store: BaseStore, limit: int = 1000) -> list[dict[str, Any]]:
    """Every item in the store (up to ``limit``), as plain data."""
    items: list[dict[str, Any]] = []
    for namespace in await store.alist_namespaces(limit=limit):
        for item in await store.asearch(namespace, limit=limit):
            items.append(
                {
                    "namespace": list(item.namespace),
                    "key": item.key,
                    "value": item.value,
                    "updated_at": item.updated_at.isoformat() if item.updated_at else None,
                }
            )
            if len(items) >= limit:
                return items
    return items
