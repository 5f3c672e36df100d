"""Secrets never leave the engine: one redactor for every value, text and token.

What counts as a secret:

* a value stored under a name that says it is one (``api_key``, ``token``,
  ``session_token``, ``password``, ``pwd``, ``credentials``, ``Authorization``, ...),
  in graph data, headers given as pairs, or the environment;
* any occurrence of a secret value known to the session: the values of
  secret-named environment variables, and of secret-named keys in what the user
  gave the run (input, config, context);
* the password in a URL's ``user:password@``.

Streamed text is redacted across chunk boundaries: ``StreamRedactor`` holds back
the tail of a stream that could still be the start of a secret.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "[redacted]"
MIN_SECRET_LEN = 8

# Words that make a name secret on their own (``token``, ``session_token``), and
# run-together names that do (``apikey``, ``OPENAI_API_KEY``). "key" alone does not:
# a store item's "key" or a dict "key" is not a secret; an environment variable
# named *_KEY is (see ``is_secret_env_name``).
_SECRET_WORDS = frozenset(
    {
        "token",
        "secret",
        "secrets",
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "credential",
        "credentials",
        "authorization",
        "auth",
        "bearer",
        "cookie",
        "apikey",
    }
)
_SECRET_JOINED = (
    "apikey",
    "accesskey",
    "privatekey",
    "secretkey",
    "signingkey",
    "clientsecret",
    "authtoken",
    "accesstoken",
    "refreshtoken",
    "sessiontoken",
    "idtoken",
)
_NOT_SECRET_ENV = frozenset({"PWD", "OLDPWD"})  # the working directory, not a password
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]*:)(?P<pw>[^\s/@]+)(?=@)")


def _words(name: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(name)]


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Whether a key or field named ``name`` holds a secret. Asked for every key of
    every value converted, mostly the same few names: remembered."""
    words = _words(name)
    if any(w in _SECRET_WORDS for w in words):
        return True
    joined = "".join(words)
    return any(part in joined for part in _SECRET_JOINED)


def is_secret_env_name(name: str) -> bool:
    if name.upper() in _NOT_SECRET_ENV:
        return False
    words = _words(name)
    return is_secret_name(name) or "key" in words or "keys" in words


def secret_values_from_env(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """Values of environment variables whose names say they are secrets."""
    env = os.environ if environ is None else environ
    return frozenset(
        value
        for name, value in env.items()
        if is_secret_env_name(name) and len(value) >= MIN_SECRET_LEN
    )


def secret_values_in(value: Any, depth: int = 0) -> set[str]:
    """Strings stored under secret-named keys anywhere in ``value`` (what a user
    passed as input, config or context)."""
    found: set[str] = set()
    if depth > 32:
        return found
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and is_secret_name(key) and isinstance(item, str):
                found.add(item)
            else:
                found |= secret_values_in(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= secret_values_in(item, depth + 1)
    return {s for s in found if len(s) >= MIN_SECRET_LEN}


class Redactor:
    """Knows the session's secret values; scrubs text. Safe from any thread."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self.secrets: tuple[str, ...] = ()
        self.learn(secrets)

    @classmethod
    def from_env(cls) -> Redactor:
        return cls(secret_values_from_env())

    def learn(self, secrets: Iterable[str]) -> None:
        """Add secret values (too-short ones are ignored: they would redact words)."""
        with self._lock:
            known = set(self.secrets) | {s for s in secrets if len(s) >= MIN_SECRET_LEN}
            # Longest first, so a secret containing another is replaced whole.
            self.secrets = tuple(sorted(known, key=lambda s: (-len(s), s)))

    @property
    def longest(self) -> int:
        return len(self.secrets[0]) if self.secrets else 0

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        if "://" in text and "@" in text:
            text = _URL_PASSWORD.sub(lambda m: m.group("head") + REDACTED, text)
        return text

    def scrub_bytes(self, data: bytes) -> bytes:
        for secret in self.secrets:
            encoded = secret.encode("utf-8", "surrogatepass")
            if encoded in data:
                data = data.replace(encoded, REDACTED.encode())
        return data


class StreamRedactor:
    """Redacts one stream of text chunks (a reply's text, its reasoning, a tool
    call's arguments) so that a secret split across chunks is still caught.

    ``feed`` returns what can be shown now; the tail that could still grow into a
    secret is held until the next chunk, or ``flush`` at the stream's end."""

    __slots__ = ("_held", "_redactor")

    def __init__(self, redactor: Redactor) -> None:
        self._redactor = redactor
        self._held = ""

    def feed(self, text: str) -> str:
        redactor = self._redactor
        if not redactor.secrets:
            held, self._held = self._held, ""
            return held + text
        buffer = redactor.scrub(self._held + text)
        keep = _possible_secret_start(buffer, redactor.secrets)
        self._held = buffer[len(buffer) - keep :] if keep else ""
        return buffer[: len(buffer) - keep]

    def flush(self) -> str:
        held, self._held = self._held, ""
        return self._redactor.scrub(held) if held else ""

    @property
    def pending(self) -> bool:
        return bool(self._held)


def _possible_secret_start(text: str, secrets: tuple[str, ...]) -> int:
    """Length of the longest end of ``text`` that is a proper prefix of a secret."""
    best = 0
    for secret in secrets:
        for size in range(min(len(text), len(secret) - 1), best, -1):
            if secret.startswith(text[-size:]):
                best = size
                break
    return best


_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}
# Streamed text is redacted across chunks by the normalizer; scrubbing each token
# again here would cost a search per secret per token for nothing.
_STREAMED = frozenset({"text", "reasoning"})


def redact_event_text(event: Any, redactor: Redactor) -> None:
    """Scrub every text field of an event in place (JSON fields were redacted when
    their values were converted)."""
    if not redactor.secrets:
        return
    cls = type(event)
    fields = _TEXT_FIELDS.get(cls)
    if fields is None:
        fields = _TEXT_FIELDS[cls] = _text_fields(cls)
    for name in fields:
        value = getattr(event, name)
        if isinstance(value, str):
            setattr(event, name, redactor.scrub(value))
        elif isinstance(value, list | tuple) and value and isinstance(value[0], str):
            setattr(event, name, type(value)(redactor.scrub(v) for v in value))


def _text_fields(cls: type) -> tuple[str, ...]:
    import dataclasses
    import typing

    hints = typing.get_type_hints(cls)
    names = []
    for f in dataclasses.fields(cls):
        if f.name == "kind" or (cls.__name__ == "Token" and f.name in _STREAMED):
            continue
        hint = str(hints[f.name])
        if "str" in hint and "dict" not in hint:
            names.append(f.name)
    return tuple(names)
