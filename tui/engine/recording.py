"""Events <-> JSONL: headless output, recordings, and replay.

One event per line, flushed as it is written, so a run that is cut off (Ctrl-C, a
crash, a killed process) leaves a file in which every complete line is valid.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tui.engine.events import Event, event_from_dict


def dumps(event: Event) -> str:
    # ensure_ascii keeps control characters escaped (\u001b), so a recording
    # printed to a terminal cannot drive it.
    return json.dumps(event.to_dict(), ensure_ascii=True, default=repr)


class JsonlWriter:
    """Writes events to a text stream, one line each; safe to call from any thread."""

    def __init__(self, stream: IO[str], *, close: bool = False) -> None:
        self._stream = stream
        self._close = close
        self._lock = threading.Lock()
        self.count = 0
        self.broken: OSError | None = None

    @classmethod
    def to_path(cls, path: str | Path) -> JsonlWriter:
        return cls(open(path, "w", encoding="utf-8"), close=True)

    def __call__(self, event: Event) -> None:
        line = dumps(event)
        with self._lock:
            if self._stream.closed or self.broken is not None:
                return
            try:
                self._stream.write(line + "\n")
                self._stream.flush()
            except OSError as exc:
                # The reader went away (`| head`) or the disk is full: stop writing,
                # and let the owner decide what that means for the run.
                self.broken = exc
                return
            self.count += 1

    def close(self) -> None:
        with self._lock:
            if self._close and not self._stream.closed:
                self._stream.close()


class RecordingError(ValueError):
    pass


def read_events(path: str | Path) -> Iterator[Event]:
    """Events of a recording, in order. A torn last line (the writer was killed
    mid-write) is skipped; a bad line elsewhere is an error naming its number."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
            yield event_from_dict(data)
        except (json.JSONDecodeError, ValueError, TypeError) as exc:
            if number == len(lines):
                return
            raise RecordingError(f"{path}, line {number}: not an event ({exc})") from exc
