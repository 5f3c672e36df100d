"""One TLS context per process for each HTTP library a client comes from.

An httpx client builds its own ``SSLContext`` unless it is given one, and building
one loads the whole CA bundle: 40-50 ms of CPU, and up to 200 ms of wall time on a
busy machine, even for a client that only ever talks plain HTTP to a local server.
A model is built per run and per event loop (and Ollama's builds two clients), so
that was paid again and again. Each context here is the library's own default,
built once: the same CA files and the same ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``
handling as before. An ``SSLContext`` may be shared by many connections.
"""

from __future__ import annotations

import functools
import importlib
import os
import ssl


def _cert_env(trust_env: bool) -> tuple[str | None, str | None]:
    if not trust_env:
        return None, None
    return os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")


@functools.cache
def _context(
    library: str, trust_env: bool, cert_env: tuple[str | None, str | None]
) -> ssl.SSLContext:
    # cert_env is part of the key: the library reads those variables when it builds.
    return importlib.import_module(library).create_ssl_context(trust_env=trust_env)


def shared_context(library: str = "httpx", *, trust_env: bool = True) -> ssl.SSLContext:
    """``library.create_ssl_context(trust_env=...)``, built once per process."""
    return _context(library, trust_env, _cert_env(trust_env))


def library_of(client_class: type) -> str:
    """The httpx-like package a client class is built on (openai 3 moved to httpx2)."""
    for base in client_class.__mro__:
        package = base.__module__.partition(".")[0]
        if package in ("httpx", "httpx2"):
            return package
    raise TypeError(f"{client_class.__name__} is not an httpx client")
