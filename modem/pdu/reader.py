"""A cursor over PDU octets whose every short read is a PduError."""
from __future__ import annotations

from .errors import PduError


class Reader:
    """Reads a PDU front to back; `what` names the field in error messages."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    @property
    def remaining(self) -> int:
        """Octets not read yet."""
        return len(self.data) - self.pos

    def octet(self, what: str) -> int:
        """The next octet as an int."""
        return self.take(1, what)[0]

    def take(self, count: int, what: str) -> bytes:
        """The next `count` octets; PduError when fewer are left."""
        if count > self.remaining:
            raise PduError(f"PDU ends inside {what}: {count} octet(s) needed at offset "
                           f"{self.pos}, {self.remaining} left")
        chunk = self.data[self.pos:self.pos + count]
        self.pos += count
        return chunk

    def rest(self) -> bytes:
        """Everything not read yet (possibly b'')."""
        chunk = self.data[self.pos:]
        self.pos = len(self.data)
        return chunk
