"""Framing: bytes in, complete lines out (DESIGN.md, engine rule 1). Pure; no I/O, no timing.

Lines end at CR, LF or any run of them (modems send "\r\n", some "\r\r\n", echo ends in "\r").
Undecodable bytes become U+FFFD. A line that grows past MAX_LINE without an end is cut and
reported, so line noise cannot eat memory.
"""
from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

MAX_LINE = 4096
_END = re.compile(rb"[\r\n]+")


class LineFramer:
    """Accumulates bytes; `feed` returns the lines completed by them (empty lines skipped)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[str]:
        self._buffer += data
        lines: list[str] = []
        while True:
            match = _END.search(self._buffer)
            if not match:
                break
            raw = bytes(self._buffer[:match.start()])
            del self._buffer[:match.end()]
            if raw:
                lines.append(raw.decode("utf-8", "replace"))
        if len(self._buffer) > MAX_LINE:
            log.warning("line noise: dropped %d bytes without a line end", len(self._buffer))
            lines.append(bytes(self._buffer).decode("utf-8", "replace"))
            self._buffer.clear()
        return lines

    @property
    def partial(self) -> str:
        """What has arrived after the last line end (a "> " prompt has no line end)."""
        return self._buffer.decode("utf-8", "replace")

    def take_partial(self) -> str:
        text = self.partial
        self._buffer.clear()
        return text

    def reset(self) -> None:
        self._buffer.clear()
