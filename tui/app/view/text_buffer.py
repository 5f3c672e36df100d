"""Text that grows a token at a time, at a cost per token, not per text length."""

from __future__ import annotations


class TextBuffer:
    """``str +=`` on an attribute copies the whole string each time (quadratic over
    a long reply); tokens are folded into chunks of 64 instead (a string per token
    would cost more memory than the text itself), and joined when the text is read."""

    __slots__ = ("_chunks", "_pending")
    FOLD = 64

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._pending: list[str] = []

    def append(self, text: str) -> None:
        if text:
            self._pending.append(text)
            if len(self._pending) >= self.FOLD:
                self._chunks.append("".join(self._pending))
                self._pending.clear()

    @property
    def value(self) -> str:
        if self._pending or len(self._chunks) > 1:
            self._chunks[:] = ["".join(self._chunks + self._pending)]
            self._pending.clear()
        return self._chunks[0] if self._chunks else ""
