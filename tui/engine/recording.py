"""Events <-> JSONL: headless output, recordings, and replay.

One event per line, flushed as it is written, so a run that is cut off (Ctrl-C, a
crash, a killed process) leaves a file in which every complete line is valid. Only
streamed tokens wait: those that follow a flush by less than ``TOKEN_FLUSH_S`` are
flushed together that much later (by the next event, or a timer), since a write
per token cost a fast model's stream a quarter of its speed; their lines are made
and written together then, too. Every other event
flushes at once, with the tokens before it; a kill loses at most the tokens of the
last ``TOKEN_FLUSH_S``, and a torn last line is skipped when read.

The timer runs where the tokens come from: on the event loop of the thread that
writes them (the engine's), as a ``call_later``; a flusher thread would take the GIL
from the streaming thread fifty times a second, which cost a fast stream ~7% of its
time. Tokens written from a thread with no running loop are flushed by a thread of
the writer's own. A loop that blocks right after streaming (a ``time.sleep`` in
``async def``) flushes its last tokens when it runs again, or with the session's
blocked-loop notice, whichever comes first.
Writing never fails on what an event holds: a value the encoder refuses is written
as its description. A stream that cannot be written (a full disk, a closed pipe)
stops the writer, which says so once (``ListenerFailed``) and lets the run go on.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tui.engine.event_bus import ListenerFailed
from tui.engine.events import Event, Token, event_from_dict
from tui.engine.shared_json import TextCache, encode_fields
from tui.engine.state_once import StatesRead, StatesWritten
from tui.engine.token_line import TokenLines, token_line


def dumps(
    event: Event, shared: TextCache | None = None, states: StatesWritten | None = None
) -> str:
    """The event as one line of JSON. ``shared``: the text of the messages already
    written, which a growing state carries again in every step's events (see
    ``shared_json``); the line is the same with or without it. ``states``: the
    writer's memory of the states it wrote, each written once (see ``state_once``)."""
    # ensure_ascii keeps control characters escaped (\u001b), so a recording
    # printed to a terminal cannot drive it.
    if isinstance(event, Token):
        line = token_line(event)
        if line is not None:
            return line
    data = event.to_dict()
    if states is not None:
        data = states.line_data(event, data)
    try:
        return encode_fields(data, shared if shared is not None else TextCache())
    except (ValueError, TypeError, RecursionError):
        pass  # json.dumps says what is wrong
    try:
        return json.dumps(data, ensure_ascii=True, default=repr)
    except (ValueError, TypeError, RecursionError) as exc:
        return json.dumps(_describable(data, exc), ensure_ascii=True, default=repr)


def _describable(data: dict[str, Any], exc: BaseException) -> dict[str, Any]:
    """The event with each field the encoder refuses replaced by a description."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        try:
            json.dumps(value, ensure_ascii=True, default=repr)
            out[key] = value
        except (ValueError, TypeError, RecursionError):
            out[key] = f"<not writable as JSON: {type(exc).__name__}>"
    return out


TOKEN_FLUSH_S = 0.02


class RecordingError(ValueError):
    """A recording that cannot be read or written; ``str()`` is the one line."""


class JsonlWriter:
    """Writes events to a text stream, one line each; safe to call from any thread."""

    def __init__(self, stream: IO[str], *, close: bool = False, name: str = "the output") -> None:
        self._stream = stream
        self._close = close
        self.name = name
        self._mutex = threading.Lock()
        self._lock = threading.Condition(self._mutex)
        self.count = 0
        self.broken: OSError | None = None
        self._told = False
        self._shared = TextCache()
        self._states = StatesWritten()
        self._token_lines = TokenLines()
        self._tokens: list[Token] = []
        """Tokens that fit the token lines' pieces, waiting for the next flush."""
        self._flushed_at = 0.0
        self._unflushed = False
        self._flusher: threading.Thread | None = None
        self._closed = False

    @classmethod
    def to_path(cls, path: str | Path) -> JsonlWriter:
        """A writer on a new file; ``RecordingError`` names why it cannot be."""
        try:
            stream = open(path, "w", encoding="utf-8")  # noqa: SIM115 (closed by close())
        except OSError as exc:
            raise RecordingError(
                f"cannot write {path}: {exc.strerror or exc} (check the folder exists and is writable)"
            ) from exc
        return cls(stream, close=True, name=str(path))

    def __call__(self, event: Event) -> None:
        if type(event) is Token:
            with self._mutex:
                if self._unflushed and self._token_lines.fits(event):
                    # Nearly every token: a flush is on its way (and will find a
                    # stream that broke or was closed meanwhile); the token's line is
                    # made with the others it writes.
                    self._tokens.append(event)
                    self.count += 1
                    return
        self._take(event)

    def _take(self, event: Event) -> None:
        token = type(event) is Token
        with self._mutex:  # the condition's own lock, entered without its wrapper
            if self.broken is None and not self._stream.closed:
                try:
                    if token and self._token_lines.fits(event):  # type: ignore[arg-type]
                        # Nearly every token: its line is made with the others that
                        # wait for the same flush, and written with them.
                        self._tokens.append(event)  # type: ignore[arg-type]
                    else:
                        self._write(event, token)
                    if token and self._may_wait():
                        self._flush_later()
                    else:
                        self._flush()
                    self.count += 1
                except (OSError, ValueError) as exc:
                    self._break(exc)
            if self.broken is not None and not self._told:
                # Said once, by the event that found it (the flusher cannot raise).
                self._told = True
                reason = getattr(self.broken, "strerror", None) or str(self.broken)
                raise ListenerFailed(
                    f"writing events to {self.name} failed ({reason}): "
                    f"{self.count} events were written, the rest are not"
                ) from self.broken

    def _write(self, event: Event, token: bool) -> None:
        """The event's line, after the tokens waiting (their line pieces may change)."""
        self._write_tokens()
        line = self._token_lines.line(event) if token else None  # type: ignore[arg-type]
        if line is None:
            line = dumps(event, self._shared, self._states)
            self._shared.end_turn()
        self._stream.write(line)  # a state's line is large: not copied for "\n"
        self._stream.write("\n")

    def _write_tokens(self) -> None:
        if self._tokens:
            tokens, self._tokens = self._tokens, []
            self._stream.write(self._token_lines.lines(tokens))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._unflushed and self.broken is None and not self._stream.closed:
                try:
                    self._flush()
                except (OSError, ValueError) as exc:
                    self._break(exc)
            self._lock.notify_all()
            if self._close and not self._stream.closed:
                try:
                    self._stream.close()
                except OSError as exc:
                    self.broken = self.broken or exc

    # -- flushing (under the lock) ----------------------------------------------------

    def _may_wait(self) -> bool:
        """A token may wait for the next flush: the last one was less than
        TOKEN_FLUSH_S ago (and the writer is not closed)."""
        return not self._closed and time.monotonic() - self._flushed_at < TOKEN_FLUSH_S

    def _flush(self) -> None:
        self._write_tokens()
        self._stream.flush()
        self._unflushed = False
        self._flushed_at = time.monotonic()

    def _flush_later(self) -> None:
        if self._unflushed:
            return  # a flush is already waiting for this batch's time
        self._unflushed = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            loop.call_later(self._flushed_at + TOKEN_FLUSH_S - time.monotonic(), self._flush_due)
            return
        if self._flusher is None:
            self._flusher = threading.Thread(
                target=self._flush_pending, name="jsonl-flusher", daemon=True
            )
            self._flusher.start()
        self._lock.notify_all()

    def _flush_due(self) -> None:
        """A batch's time has come (on the loop that wrote it)."""
        with self._lock:
            # A stream closed under the waiting tokens is found by writing them: the
            # writer breaks, and says so at the next event.
            if self._unflushed and not self._closed and self.broken is None:
                try:
                    self._flush()
                except (OSError, ValueError) as exc:
                    self._break(exc)

    def _flush_pending(self) -> None:
        with self._lock:
            while not (self._closed or self.broken is not None):
                if not self._unflushed:
                    self._lock.wait()
                    continue
                wait = self._flushed_at + TOKEN_FLUSH_S - time.monotonic()
                if wait > 0:
                    self._lock.wait(wait)
                    continue
                try:
                    self._flush()
                except (OSError, ValueError) as exc:
                    self._break(exc)

    def _break(self, exc: OSError | ValueError) -> None:
        # The reader went away (`| head`) or the disk is full: stop writing, say so
        # once, and let the run (and its owner) go on.
        self.broken = exc if isinstance(exc, OSError) else OSError(str(exc))
        self._unflushed = False
        self._tokens = []
        self._lock.notify_all()


def read_events(path: str | Path) -> Iterator[Event]:
    """Events of a recording, in order. A torn last line (the writer was killed
    mid-write) is skipped; a bad line elsewhere is an error naming its number."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordingError(
            f"{path} is not a recording: byte {exc.start} is not UTF-8 text"
        ) from exc
    except OSError as exc:
        raise RecordingError(f"cannot read {path}: {exc.strerror or exc}") from exc
    lines = text.splitlines()
    states = StatesRead()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
            yield event_from_dict(states.resolve(data) if isinstance(data, dict) else data)
        except (json.JSONDecodeError, ValueError, TypeError, RecursionError) as exc:
            if number == len(lines) and not text.endswith("\n"):
                return
            raise RecordingError(f"{path}, line {number}: not an event ({exc})") from exc
