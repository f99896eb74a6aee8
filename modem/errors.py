"""Errors of the modem layer. Each carries what the caller needs to decide what to do next."""
from __future__ import annotations

# RP-causes (TS 24.011 §8.2.5.4) and +CMS ERROR values (TS 27.005 §3.2.5) after which sending the
# same message again cannot succeed: the number, the subscription or the message itself is wrong.
PERMANENT_CMS = frozenset({1, 8, 10, 21, 29, 30, 50, 69, 81, *range(95, 128), 301, 302, 303, 304, 305})


class ModemError(Exception):
    """Something went wrong talking to a modem."""


class PortGone(ModemError):
    """The serial device disappeared (unplugged, or the modem rebooted its USB interface)."""


class PortBusy(PortGone):
    """Another program has the serial port open (and locked): two writers would interleave."""


class AtTimeout(ModemError):
    """No final result in time. The engine resynchronises before the next command."""


class CommandError(ModemError):
    """The modem answered a command with an error; `line` is its final result as sent."""

    def __init__(self, command: str, line: str):
        super().__init__(f"{command!r} failed: {line}")
        self.command, self.line = command, line


class CommandNotSupported(CommandError):
    """Plain ERROR or COMMAND NOT SUPPORT: the modem does not know or refuses the command."""


class CmeError(CommandError):
    """+CME ERROR (TS 27.007 §9.2): `code` is the number (for a text, the standard's number for
    it, None when the text is not one of the standard's); `text` the text when there was one."""

    def __init__(self, command: str, line: str, code: int | None, text: str | None):
        super().__init__(command, line)
        self.code, self.text = code, text


class CmsError(CommandError):
    """+CMS ERROR (TS 27.005 §3.2.5): `code` as CmeError; `permanent` tells a retry is useless."""

    def __init__(self, command: str, line: str, code: int | None, text: str | None):
        super().__init__(command, line)
        self.code, self.text = code, text

    @property
    def permanent(self) -> bool:
        return self.code in PERMANENT_CMS


class SendFailed(ModemError):
    """Part `failed_part` (1-based) of a message failed; `sent` holds the references of the parts
    that already went out (the customer may have received them)."""

    def __init__(self, cause: ModemError, failed_part: int, total: int, sent: list[int]):
        super().__init__(f"part {failed_part} of {total} failed after {len(sent)} sent: {cause}")
        self.cause, self.failed_part, self.total, self.sent = cause, failed_part, total, sent

    @property
    def permanent(self) -> bool:
        return bool(getattr(self.cause, "permanent", False))
