"""Cassettes: record a run's model calls once, replay them with no model server.

See ``cassette`` for what is recorded and how a replay reports a divergence, and
``interception`` for how calls are seen. Used by ``langgraph-tui run --cassette``
and by the testing kit (``tui.testing.trace(..., cassette=...)``, the
``tui_cassette`` fixture).
"""

from tui.cassettes.cassette import Cassette, Mode
from tui.cassettes.divergence import (
    CassetteDivergence,
    CassetteError,
    Divergence,
    DivergenceKind,
)

__all__ = [
    "Cassette",
    "CassetteDivergence",
    "CassetteError",
    "Divergence",
    "DivergenceKind",
    "Mode",
]
