"""What to run, and turning that into a session: shared by the CLI and the app.

This is where the parts meet: the loader finds the graph, the providers choose
the model and explain their errors, the engine runs it. The app receives a ready
session (and a way to open another one, for "Reload"), so it never loads LangGraph
objects or providers itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from tui.engine.clock import Clock
from tui.engine.run_inputs import RunInputError, RunInputs
from tui.engine.session import NO_INPUT, Session, SessionError, SessionOptions
from tui.loading import GraphLoadError, LoadedGraph, load_graph
from tui.providers import active_model, set_active_model
from tui.providers.error_hints import explain_error
from tui.providers.registry import warm_up
from tui.providers.switcher import ActiveModelSwitcher
from tui.run_spec import RunSpec

__all__ = ["Reopener", "RunSpec", "open_session", "session_for"]


def open_session(
    spec: RunSpec, *, clock: Clock | None = None, fresh: Iterable[str] = ()
) -> tuple[Session, LoadedGraph]:
    """Load the graph and wrap it in a session; raises ``GraphLoadError``. ``fresh``:
    modules to import anew (see ``load_graph``)."""
    set_active_model(spec.model)
    warm_up(spec.model)
    loaded = load_graph(spec.graph, fresh=fresh)
    return session_for(loaded, spec, clock=clock), loaded


def session_for(loaded: LoadedGraph, spec: RunSpec, *, clock: Clock | None = None) -> Session:
    """A session on a graph already loaded (or given as an object, by the testing
    kit), with what ``spec`` says about the run; raises ``GraphLoadError``."""
    notices = list(loaded.notices)
    if spec.model_given and not loaded.follows_model:
        notices.append(
            f"--model {spec.model.label} does not apply: {loaded.name} builds its own model "
            "(the model the graph calls is shown as its calls start)"
        )
    try:
        inputs = RunInputs(config=spec.config, context=spec.context)
    except RunInputError as exc:
        raise GraphLoadError(str(exc)) from exc
    options = SessionOptions(
        thread_id=spec.thread_id,
        checkpointer=spec.checkpointer,
        interrupt_before=list(spec.interrupt_before),
        interrupt_after=list(spec.interrupt_after),
        recursion_limit=spec.recursion_limit,
        # Only a model the debugger chooses is known before the graph calls it.
        model_label=spec.model.label if loaded.follows_model else None,
        explain_error=explain_error,
        model_switcher=ActiveModelSwitcher() if loaded.follows_model else None,
        run_inputs=inputs,
        store_index=loaded.store_index,
        notices=notices,
    )
    if clock is not None:
        options.clock = clock
    graph = loaded.source.graph or loaded.source.opener
    assert graph is not None
    return Session(
        graph,
        name=loaded.name,
        default_input=loaded.default_input if loaded.has_default_input else NO_INPUT,
        options=options,
    )


class Reopener:
    """Sessions on one spec: the first load, then fresh ones for the app's "Reload
    graph from disk": the user's modules the last load imported are imported anew (an
    edited ``prompts.py`` counts), and the model chosen since ("Switch model") carries
    over."""

    def __init__(self, spec: RunSpec, loaded: LoadedGraph | None = None) -> None:
        self.spec = spec
        self._last = loaded

    def __call__(self) -> Session:
        """A graph that does not load raises ``SessionError`` with the loader's one
        line (its cause: the ``GraphLoadError``), and leaves the modules the running
        graph uses as they were."""
        last = self._last
        spec = replace(self.spec, model=active_model()) if last is not None else self.spec
        try:
            session, self._last = open_session(spec, fresh=last.user_modules if last else ())
        except GraphLoadError as exc:
            raise SessionError(str(exc)) from exc
        return session
