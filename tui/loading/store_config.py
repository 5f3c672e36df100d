"""``langgraph.json``'s ``store`` block: the vector index of the graph's store.

As ``langgraph dev`` reads it: ``"index": {"dims": N, "embed": ..., "fields": [...]}``
where ``embed`` is a path to a Python function (``"./embed.py:embed"``, relative to
the working directory; sync or async, ``texts -> vectors``) or a provider model
(``"openai:text-embedding-3-small"``, built with ``langchain``'s ``init_embeddings``).
What cannot be built here (no ``langchain``, no network) is said once, and the store
runs without an index: every read and write still works, searches are unranked.
``ttl`` is not honoured by the in-memory store (nor by ``langgraph dev``'s).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.loading.errors import GraphLoadError
from tui.loading.modules import import_file


def store_index(
    config: dict[str, Any], config_path: Path
) -> tuple[dict[str, Any] | None, list[str]]:
    """The built index (or ``None``) and what to tell the user about it."""
    store = config.get("store")
    if store is None:
        return None, []
    if not isinstance(store, dict):
        raise GraphLoadError(f'{config_path}: "store" must be an object, got {store!r}'[:300])
    notices = []
    if store.get("ttl"):
        notices.append(f'{config_path}: "store.ttl" is not applied here (items do not expire)')
    index = store.get("index")
    if index is None:
        return None, notices
    if not isinstance(index, dict) or "dims" not in index or "embed" not in index:
        raise GraphLoadError(
            f'{config_path}: "store.index" needs "dims" and "embed", e.g. '
            '{"dims": 1536, "embed": "openai:text-embedding-3-small"}'
        )
    embed = index["embed"]
    try:
        built = _embeddings(embed)
    except GraphLoadError:
        raise
    except Exception as exc:
        notices.append(
            f"the store's index (embed {embed!r}) cannot be built here ({type(exc).__name__}: "
            f"{exc}): the store runs without a vector index, searches are not ranked"
        )
        return None, notices
    return {**index, "embed": built}, notices


def _embeddings(embed: Any) -> Any:
    if not isinstance(embed, str):
        raise GraphLoadError(f'"store.index.embed" must be a string, got {embed!r}')
    if "/" in embed and ".py:" in embed:
        path, attr = embed.rsplit(":", 1)
        module = import_file(Path(path))
        if not hasattr(module, attr):
            raise GraphLoadError(f"{path} has no {attr!r} for the store's embeddings")
        return getattr(module, attr)
    from langchain.embeddings import init_embeddings  # type: ignore[import-not-found]

    return init_embeddings(embed)
