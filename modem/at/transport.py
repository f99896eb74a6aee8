"""Opening a modem's serial port and running the engine on pyserial's reader thread."""
from __future__ import annotations

import logging

import serial
from serial.threaded import ReaderThread

from modem.at.engine import AtEngine
from modem.errors import PortBusy, PortGone

log = logging.getLogger(__name__)

# Flow control per modem: USB modems usually need none; UART-attached ones RTS/CTS.
FLOW_CONTROL = {
    "none": {},
    "rtscts": {"rtscts": True},
    "dsrdtr": {"dsrdtr": True},
    "xonxoff": {"xonxoff": True},
}


class Connection:
    """An open serial port with an AtEngine reading it. Use as a context manager or close()."""

    def __init__(self, path: str, *, baudrate: int = 115200, flow: str = "none",
                 timeout: float = 10.0, on_notification=None):
        if flow not in FLOW_CONTROL:
            raise ValueError(f"unknown flow control {flow!r}; use one of {', '.join(FLOW_CONTROL)}")
        try:
            # exclusive: an advisory lock (flock) while open, so a second program cannot write
            # AT commands between ours; it is told so at once instead of waiting for answers.
            self.serial = serial.Serial(path, baudrate, timeout=None, exclusive=True, **FLOW_CONTROL[flow])
        except (serial.SerialException, OSError) as exc:
            if "exclusively lock" in str(exc):
                raise PortBusy(f"cannot open {path}: it is in use by another program"
                               " (another tokusoku, or a terminal program such as picocom?)") from exc
            raise PortGone(f"cannot open {path}: {exc}") from exc
        self.path = path
        self.engine = AtEngine(self._write, on_notification=on_notification, timeout=timeout,
                               name=path)
        self._reader = ReaderThread(self.serial, lambda: self.engine)
        self._reader.daemon = True
        self._reader.start()
        self._reader.connect()

    def _write(self, data: bytes) -> None:
        self.serial.write(data)
        self.serial.flush()

    def close(self) -> None:
        """Stop the reader and close the port (also after the device vanished)."""
        try:
            self._reader.close()
        except Exception as exc:   # an unplugged device fails in many ways while closing
            log.debug("%s: closing: %s", self.path, exc)

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
