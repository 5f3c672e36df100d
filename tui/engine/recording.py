"""Events <-> JSONL: headless output, recordings, and replay.

One event per line, flushed as it is written, so a run that is cut off (Ctrl-C, a
crash, a killed process) leaves a file in which every complete line is valid.
Writing never fails on what an event holds: a value the encoder refuses is written
as its description. A stream that cannot be written (a full disk, a closed pipe)
stops the writer, which says so once (``ListenerFailed``) and lets the run go on.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tui.engine.event_bus import ListenerFailed
from tui.engine.events import Event, event_from_dict


def dumps(event: Event) -> str:
    # ensure_ascii keeps control characters escaped (\u001b), so a recording
    # printed to a terminal cannot drive it.
    data = event.to_dict()
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


class RecordingError(ValueError):
    """A recording that cannot be read or written; ``str()`` is the one line."""


class JsonlWriter:
    """Writes events to a text stream, one line each; safe to call from any thread."""

    def __init__(self, stream: IO[str], *, close: bool = False, name: str = "the output") -> None:
        self._stream = stream
        self._close = close
        self.name = name
        self._lock = threading.Lock()
        self.count = 0
        self.broken: OSError | None = None

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
        line = dumps(event)
        with self._lock:
            if self._stream.closed or self.broken is not None:
                return
            try:
                self._stream.write(line + "\n")
                self._stream.flush()
            except (OSError, ValueError) as exc:
                # The reader went away (`| head`) or the disk is full: stop writing,
                # say so once, and let the run (and its owner) go on.
                self.broken = exc if isinstance(exc, OSError) else OSError(str(exc))
                reason = getattr(exc, "strerror", None) or str(exc)
                raise ListenerFailed(
                    f"writing events to {self.name} failed ({reason}): "
                    f"{self.count} events were written, the rest are not"
                ) from exc
            self.count += 1

    def close(self) -> None:
        with self._lock:
            if self._close and not self._stream.closed:
                try:
                    self._stream.close()
                except OSError as exc:
                    self.broken = self.broken or exc


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
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
            yield event_from_dict(data)
        except (json.JSONDecodeError, ValueError, TypeError, RecursionError) as exc:
            if number == len(lines) and not text.endswith("\n"):
                return
            raise RecordingError(f"{path}, line {number}: not an event ({exc})") from exc
