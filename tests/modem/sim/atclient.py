"""A deliberately plain AT client for simulator tests, on the real pyserial code.

It is not the product's engine (modem/at); it only sends a line and collects what comes back
until a final result, so tests can look at the modem's exact bytes.
"""
from __future__ import annotations

import re
import time

import serial

FINAL = re.compile(r"^(OK|ERROR|NO CARRIER|COMMAND NOT SUPPORT|\+CM[ES] ERROR:.*)$")


class AtClient:
    def __init__(self, path: str, timeout: float = 5.0):
        self.port = serial.Serial(path, 115200, timeout=0.05)
        self.timeout = timeout
        self.buffer = b""

    def close(self) -> None:
        self.port.close()

    def write(self, data: bytes | str) -> None:
        self.port.write(data.encode("latin-1") if isinstance(data, str) else data)

    def read_until(self, predicate, timeout: float | None = None) -> bytes:
        """Read until predicate(buffer) is true; returns and consumes the buffer. Fails on timeout."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while not predicate(self.buffer):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited for a condition; got {self.buffer!r}")
            self.buffer += self.port.read(max(1, self.port.in_waiting))   # returns on the first byte
        data, self.buffer = self.buffer, b""
        return data

    def read_for(self, seconds: float) -> bytes:
        """Everything that arrives within `seconds` (for asserting that nothing comes)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.buffer += self.port.read(4096)
        data, self.buffer = self.buffer, b""
        return data

    def raw(self, command: str, timeout: float | None = None) -> bytes:
        """Send `command` + CR; the exact bytes up to and including the final result line.
        What follows the final result (unsolicited lines) stays in the buffer."""
        self.write(command + "\r")
        return self.read_final(timeout)

    def read_final(self, timeout: float | None = None) -> bytes:
        """Bytes up to and including the next final result line; the rest stays buffered."""
        data = self.read_until(_has_final, timeout)
        end = _final_end(data)
        data, self.buffer = data[:end], data[end:] + self.buffer
        return data

    def send_pdu(self, encoded_hex: str, length: int) -> list[str]:
        """AT+CMGS=<length>, wait for the prompt, send the PDU; the answer lines."""
        self.write(f"AT+CMGS={length}\r")
        self.read_until(lambda b: b.endswith(b"> ") or b.endswith(b">\r\n"))
        self.write(encoded_hex + "\x1a")
        return [l for l in self.read_final().decode().split("\r\n") if l]

    def lines(self, command: str, timeout: float | None = None) -> list[str]:
        """The non-empty response lines (echo and final included)."""
        return [l for l in self.raw(command, timeout).decode("utf-8", "replace").split("\r\n") if l]

    def ok(self, command: str) -> list[str]:
        """Information lines of a command that must end in OK (echo stripped)."""
        lines = self.lines(command)
        assert lines[-1] == "OK", (command, lines)
        return [l for l in lines[:-1] if l != command and not l.startswith(command)]


def _has_final(buffer: bytes) -> bool:
    return _final_end(buffer) is not None


def _final_end(buffer: bytes) -> int | None:
    """Offset just after the first final result line (with its CRLF), or None."""
    position = 0
    for line in buffer.split(b"\r\n")[:-1]:
        position += len(line) + 2
        if FINAL.match(line.decode("utf-8", "replace").lstrip("\r")):
            return position
    return None
