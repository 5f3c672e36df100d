"""The one error loading raises: a line that names the problem and the fix."""

from __future__ import annotations


class GraphLoadError(Exception):
    """A graph spec that cannot be loaded; ``str()`` is the one-line message. The
    original exception is chained for ``--verbose``."""
