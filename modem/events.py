"""What a modem reports on its own, as the device layer hands it upward (through a queue)."""
from __future__ import annotations

from dataclasses import dataclass

from modem import pdu


@dataclass(frozen=True)
class SmsStored:
    """+CMTI: a message is in `storage` at `index`; read it, commit it, then delete it."""
    storage: str
    index: int


@dataclass(frozen=True)
class SmsReceived:
    """+CMT: a message handed over directly (not stored in the modem)."""
    pdu: str
    message: pdu.Deliver


@dataclass(frozen=True)
class StatusReportStored:
    """+CDSI: a status report is stored; `storage` is what the modem named (may be wrong)."""
    storage: str
    index: int


@dataclass(frozen=True)
class StatusReportReceived:
    """+CDS: a status report handed over directly."""
    pdu: str
    report: pdu.StatusReport


@dataclass(frozen=True)
class Rebooted:
    """The modem restarted by itself (boot lines, or echo back on): it must be set up again."""
    line: str


@dataclass(frozen=True)
class Unplugged:
    """The serial device went away."""
    reason: str


@dataclass(frozen=True)
class RegistrationChanged:
    stat: int


@dataclass(frozen=True)
class Ringing:
    """An incoming voice call (+CLIP gives the number when enabled)."""
    number: str | None


@dataclass(frozen=True)
class Unsolicited:
    """Any other line the modem sent on its own (kept for logs; nothing to do)."""
    line: str


@dataclass(frozen=True)
class Undecodable:
    """A +CMT/+CDS whose PDU could not be decoded: kept raw so nothing is lost."""
    line: str
    pdu: str | None
    error: str
