"""The engine's one callback handler for a run.

LangChain hands every callback handler every event of every run: each token of
each model call goes through its dispatch once per handler, awaited in turn. The
engine listens for two things, model calls (``LlmStatsHandler``) and the graph's
tasks (``TaskWatcher``); one handler carrying both methods halves what a token
costs in dispatch, without either listener knowing about the other.
"""

from __future__ import annotations

from langchain_core.callbacks import BaseCallbackHandler

from tui.engine.llm_stats import LlmStatsHandler
from tui.engine.task_watcher import TaskWatcher

_MODEL_EVENTS = (
    "on_chat_model_start",
    "on_llm_start",
    "on_llm_new_token",
    "on_llm_end",
    "on_llm_error",
)
_TASK_EVENTS = ("on_chain_start", "on_chain_end", "on_chain_error")


class RunCallbacks(BaseCallbackHandler):
    run_inline = True
    # Read for every event, every token's included: a value, not the base's property.
    ignore_llm = False

    def __init__(self, llm_stats: LlmStatsHandler, watcher: TaskWatcher) -> None:
        # The listeners' own bound methods, found by LangChain's getattr: no hop.
        for name in _MODEL_EVENTS:
            setattr(self, name, getattr(llm_stats, name))
        for name in _TASK_EVENTS:
            setattr(self, name, getattr(watcher, name))

    @property
    def ignore_retriever(self) -> bool:
        return True
