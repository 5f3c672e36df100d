# ruff: noqa: E402 (the bytecode setting must come before the imports it speeds up)
from __future__ import annotations

import sys

# Bytecode caches even where PYTHONDONTWRITEBYTECODE is set (as on our CI machines):
# without them each xdist worker rewrites and compiles every test module again, and
# each CLI subprocess compiles the package from source, ~3 s of CPU per process.
# The caches are git-ignored.
sys.dont_write_bytecode = False

import gc
import os
from types import ModuleType
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.helpers import SAMPLES, TEST_GRAPHS, EventLog
from tui import providers
from tui.engine.clock import FrozenClock
from tui.providers.error_hints import explain_error

# Fewer collections, in larger batches: a worker builds hundreds of apps, sessions and
# runs, and with the default thresholds (700, 10, 10) its collector walked the same
# survivors again and again, ~8% of the suite's CPU (timed per generation with
# gc.callbacks); these cut that to ~3%, and cyclic garbage is still freed as it goes.
gc.set_threshold(10_000, 20, 20)

# The engine and the loader (LangGraph, LangChain: ~1.5 s of CPU) are imported by the
# fixture that needs them, not here: the xdist controller loads this file too, and
# spawns its workers only once it has, so whatever it imports delays every test.
if TYPE_CHECKING:
    from tui.engine.session import Session


@pytest.fixture(autouse=True)
def fast_scripted_model(monkeypatch):
    """Every test starts on the offline model at full speed, with no model env leaking in."""
    for name in list(os.environ):
        if name.startswith("LANGGRAPH_TUI_"):
            monkeypatch.delenv(name, raising=False)
    providers.set_active_model(providers.parse_model_spec("scripted:fast"))
    yield
    providers.set_active_model(None)
    for name in list(os.environ):
        if name.startswith("LANGGRAPH_TUI_"):
            os.environ.pop(name, None)


@pytest.fixture
def open_session():
    """Open a session on a sample (by name) or test graph (path); closed at teardown."""
    from tui.engine.session import NO_INPUT, Session, SessionOptions
    from tui.loading import LoadedGraph, load_graph
    from tui.loading.graph_object import GraphSource

    opened: list[Session] = []

    def factory(
        spec: str | ModuleType, *, frozen: bool = False, **options
    ) -> tuple[Session, EventLog]:
        if isinstance(spec, ModuleType):
            # A module the test imported itself, so it shares the module's objects
            # (events a graph waits on, counters) with the session.
            loaded = LoadedGraph(
                spec.__name__,
                GraphSource(graph=spec.graph),
                getattr(spec, "default_input", None),
                True,
            )
        else:
            path = SAMPLES / f"{spec}.py"
            if not path.exists():
                path = TEST_GRAPHS / f"{spec}.py"
            loaded = load_graph(str(path) if path.exists() else spec)
        opts = SessionOptions(**{"explain_error": explain_error, **options})
        if frozen:
            opts.clock = FrozenClock()
        session = Session(
            loaded.source.graph or loaded.source.opener,
            name=loaded.name,
            default_input=loaded.default_input if loaded.has_default_input else NO_INPUT,
            options=opts,
        )
        opened.append(session)
        return session, EventLog(session)

    yield factory
    for session in opened:
        session.close()


@pytest.fixture
def blocking():
    """The graph whose node blocks its event loop until released; released (so the
    abandoned loop ends) when the test is over."""
    import threading

    from tests.graphs import blocking as module

    # Fresh events per test (see the node): a late wake-up from an earlier test's
    # abandoned loop cannot set this test's.
    module.RELEASE = threading.Event()
    module.LEFT = threading.Event()
    yield module
    module.RELEASE.set()


# Property tests run a modest number of examples in the default (CI) run, which has
# a time budget; `HYPOTHESIS_PROFILE=thorough pytest` runs many more locally.
settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
    # A failure is reported as found: shrinking an app-driving example can take
    # minutes, which the suite's budget does not have (the thorough profile shrinks).
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    database=None,
)
settings.register_profile(
    "thorough",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="module")
def langgraph_server(tmp_path_factory):
    """The URL of a real ``langgraph dev`` for the module that asks for it: one for the
    whole test run, shared by the xdist workers (``tests/fakes/langgraph_server.py``)."""
    from tests.fakes.langgraph_server import shared_server

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # The workers' temporary folders share a parent, and the workers a parent
        # process: the server lives as long as it does.
        return shared_server(base.parent / "langgraph_dev", os.getppid())
    return shared_server(base / "langgraph_dev", os.getpid())
