"""The checkpointer a session gives its graph: in memory, SQLite, or the graph's own.

What the session adds around it (``ObservedSaver``):

* it hears when a checkpoint is really saved, so the ``checkpoint`` event comes
  after the save and never announces a step that a failed write lost;
* a fence: once a blocked loop is abandoned, whatever that loop still tries to
  write is refused, so a cancelled step can never be half applied (a value saved
  without the routing that goes with it).

A SQLite saver holds an aiosqlite connection bound to the event loop that opened
it, so it is opened on the engine loop, and a replacement loop (after a blocked one
is abandoned) opens its own. The database waits only briefly for a lock another
process holds: a locked database fails the step at once, with the reason.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.memory import InMemorySaver

from tui.engine.checkpointer_spec import SQLITE_PREFIX, CheckpointerError
from tui.engine.safe_serde import SafeSerializer

LOCK_WAIT_S = 0.5


class AbandonedRunWrite(RuntimeError):
    """A write from a run the session already gave up on (its loop was blocked)."""


class Checkpointer:
    def __init__(self, spec: str, graph_own: Any) -> None:
        self.spec = spec
        self._graph_own = graph_own
        self._saver: BaseCheckpointSaver | None = None
        self._connection: Any = None

    @property
    def persistent(self) -> bool:
        return self.spec.startswith(SQLITE_PREFIX)

    async def open(self, on_saved: Callable[[RunnableConfig], None]) -> ObservedSaver:
        """The saver for the running loop (a fresh SQLite connection each call),
        observed and fenced for this loop."""
        if self.persistent:
            await self.close()
            import aiosqlite
            from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

            path = self.spec.removeprefix(SQLITE_PREFIX)
            try:
                self._connection = await aiosqlite.connect(path, timeout=LOCK_WAIT_S)
            except Exception as exc:
                raise CheckpointerError(f"cannot open {path}: {exc}") from exc
            self._saver = AsyncSqliteSaver(self._connection, serde=SafeSerializer(keep_live=False))
        elif self._saver is None:
            own = self._graph_own
            self._saver = (
                own
                if isinstance(own, BaseCheckpointSaver)
                else InMemorySaver(serde=SafeSerializer(keep_live=True))
            )
        return ObservedSaver(self._saver, on_saved)

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()

    def abandon(self) -> None:
        """Forget a connection that belongs to an abandoned loop; that loop closes it."""
        if self.persistent:
            self._connection = None


class ObservedSaver(BaseCheckpointSaver):
    """Delegates to a saver; reports saved checkpoints; refuses writes once fenced."""

    def __init__(self, inner: BaseCheckpointSaver, on_saved: Callable[[RunnableConfig], None]):
        super().__init__(serde=inner.serde)
        self.inner = inner
        self._on_saved = on_saved
        self._fenced = threading.Event()

    def fence(self) -> None:
        self._fenced.set()

    def _check_fence(self) -> None:
        if self._fenced.is_set():
            raise AbandonedRunWrite("the run was abandoned: its writes are discarded")

    @property
    def config_specs(self) -> list:
        return self.inner.config_specs

    # -- reads ---------------------------------------------------------------------------

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return self._loaded(self.inner.get_tuple(config))

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return self._loaded(await self.inner.aget_tuple(config))

    def _loaded(self, found: CheckpointTuple | None) -> CheckpointTuple | None:
        # A checkpoint read back was saved (by an earlier run): a run resuming from it
        # streams its checkpoint again, with no save to wait for.
        if found is not None:
            self._on_saved(found.config)
        return found

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        return self.inner.list(config, filter=filter, before=before, limit=limit)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        async for item in self.inner.alist(config, filter=filter, before=before, limit=limit):
            yield item

    def get_next_version(self, current: Any, channel: None) -> Any:
        return self.inner.get_next_version(current, channel)

    def get_delta_channel_history(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.get_delta_channel_history(*args, **kwargs)

    async def aget_delta_channel_history(self, *args: Any, **kwargs: Any) -> Any:
        return await self.inner.aget_delta_channel_history(*args, **kwargs)

    # -- writes ----------------------------------------------------------------------------

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        self._check_fence()
        saved = self.inner.put(config, checkpoint, metadata, new_versions)
        self._on_saved(saved)
        return saved

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        self._check_fence()
        saved = await self.inner.aput(config, checkpoint, metadata, new_versions)
        self._check_fence()
        self._on_saved(saved)
        return saved

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        self._check_fence()
        self.inner.put_writes(config, writes, task_id, task_path)

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        self._check_fence()
        await self.inner.aput_writes(config, writes, task_id, task_path)

    def delete_thread(self, thread_id: str) -> None:
        self._check_fence()
        self.inner.delete_thread(thread_id)

    async def adelete_thread(self, thread_id: str) -> None:
        self._check_fence()
        await self.inner.adelete_thread(thread_id)

    def delete_for_runs(self, *args: Any, **kwargs: Any) -> None:
        self._check_fence()
        self.inner.delete_for_runs(*args, **kwargs)

    async def adelete_for_runs(self, *args: Any, **kwargs: Any) -> None:
        self._check_fence()
        await self.inner.adelete_for_runs(*args, **kwargs)

    def copy_thread(self, *args: Any, **kwargs: Any) -> None:
        self._check_fence()
        self.inner.copy_thread(*args, **kwargs)

    async def acopy_thread(self, *args: Any, **kwargs: Any) -> None:
        self._check_fence()
        await self.inner.acopy_thread(*args, **kwargs)

    def prune(self, *args: Any, **kwargs: Any) -> None:
        self._check_fence()
        self.inner.prune(*args, **kwargs)

    async def aprune(self, *args: Any, **kwargs: Any) -> None:
        self._check_fence()
        await self.inner.aprune(*args, **kwargs)
