"""A virtual serial device: a pseudo-terminal in raw mode that clients open like /dev/ttyUSB0.

The simulator keeps the master side. It also keeps the slave side open, so the device stays
readable between clients (gammu opens and closes the port on every run); clients set their own
line settings on the slave, as they would on a real tty.
"""
from __future__ import annotations

import errno
import logging
import os
import select
import threading
import tty

log = logging.getLogger(__name__)

# How long a write waits for a slow or absent reader before the bytes are dropped, as a USB
# serial driver drops what nobody reads.
WRITE_STALL_SECONDS = 2.0


class PortClosed(Exception):
    """The device was unplugged (closed) while reading or writing."""


class PtyPort:
    """One pseudo-terminal; `link` (optional) is a stable symlink to the slave path."""

    def __init__(self, link: str | None = None):
        self.link = link
        self.path: str | None = None
        self._master: int | None = None
        self._slave: int | None = None
        self._wake_r, self._wake_w = os.pipe()
        self._write_lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._master is not None

    def open(self) -> str:
        """Create the pty (raw mode, no kernel echo), point the link at it; returns the device path."""
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self.path = os.ttyname(slave)
        if self.link:
            tmp = f"{self.link}.tmp{os.getpid()}"
            if os.path.lexists(tmp):
                os.unlink(tmp)
            os.symlink(self.path, tmp)
            os.replace(tmp, self.link)
        log.info("virtual modem at %s%s", self.path, f" (link {self.link})" if self.link else "")
        return self.path

    def close(self) -> None:
        """Unplug: the device node disappears and the link is removed; readers are woken."""
        master, slave = self._master, self._slave
        self._master = self._slave = None
        if self.link and os.path.islink(self.link):
            os.unlink(self.link)
        for fd in (master, slave):
            if fd is not None:
                os.close(fd)
        os.write(self._wake_w, b"x")

    def read(self, timeout: float | None = None) -> bytes:
        """Bytes the client wrote; b"" on timeout or wake-up. Raises PortClosed when unplugged.

        close() may run on another thread at any moment: a descriptor that vanished (or whose
        number was reused) under select() is detected by comparing it with the current one.
        """
        master = self._master
        if master is None:
            raise PortClosed()
        try:
            ready, _, _ = select.select([master, self._wake_r], [], [], timeout)
        except (OSError, ValueError):
            if self._master != master:
                raise PortClosed() from None
            raise
        if self._wake_r in ready:
            os.read(self._wake_r, 64)
        if master not in ready or self._master != master:
            return b""
        try:
            return os.read(master, 4096)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno == errno.EIO:  # no slave open: cannot happen while we hold it, but be safe
                return b""
            raise PortClosed() from exc

    def wake(self) -> None:
        """Make a blocked read() return early."""
        os.write(self._wake_w, b"x")

    def write(self, data: bytes) -> None:
        """Write everything, waiting for the reader; drops what a stalled reader never takes."""
        with self._write_lock:
            while data:
                master = self._master
                if master is None:
                    return
                try:
                    sent = os.write(master, data)
                    data = data[sent:]
                except BlockingIOError:
                    _, ready, _ = select.select([], [master], [], WRITE_STALL_SECONDS)
                    if not ready:
                        log.warning("nobody reads %s: dropped %d bytes", self.path, len(data))
                        return
                except OSError:
                    return

    def discard_input(self) -> None:
        """Drop what the client wrote but the modem has not read (power loss)."""
        while self._master is not None and self.read(0):
            pass

    def release(self) -> None:
        """Close for good (simulator shutdown)."""
        if self.is_open:
            self.close()
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass
