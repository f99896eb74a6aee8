"""Decoded SMS TPDUs (3GPP TS 23.040 §9.2.2) and the TP-Status groups (§9.2.3.15).

Attribute names are the JSON names of `tokusoku pdu decode --json`: type, smsc, sender,
recipient, text, timestamp, encoding, concat, reference, status.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import PduError


@dataclass(frozen=True)
class Concat:
    """Concatenated-SM information element (TS 23.040 §9.2.3.24.1 / .8): IEI 0x00 or 0x08."""

    ref: int
    total: int
    seq: int
    ref_bits: int = 8


@dataclass
class Deliver:
    """SMS-DELIVER (MTI 0). `udh` is the whole User Data Header including its UDHL octet;
    `data` holds the raw user data after the header for 8-bit and UCS-2 (b'' for GSM 7-bit)."""

    smsc: str | None
    sender: str
    timestamp: datetime
    text: str
    encoding: str
    concat: Concat | None
    pid: int
    dcs: int
    message_class: int | None
    data: bytes
    udh: bytes
    status_report_indication: bool
    more_messages: bool
    warnings: list[str]
    type: str = "deliver"


@dataclass
class Submit:
    """SMS-SUBMIT (MTI 1). `validity` is a timedelta (relative), a datetime (absolute) or None."""

    smsc: str | None
    recipient: str
    text: str
    encoding: str
    concat: Concat | None
    reference: int
    status_report_request: bool
    reject_duplicates: bool
    validity: timedelta | datetime | None
    pid: int
    dcs: int
    message_class: int | None
    data: bytes
    udh: bytes
    warnings: list[str]
    type: str = "submit"


@dataclass
class StatusReport:
    """SMS-STATUS-REPORT (MTI 2). `timestamp` is the TP-SCTS, `status` the raw TP-ST octet."""

    smsc: str | None
    recipient: str
    reference: int
    timestamp: datetime
    discharge_time: datetime
    status: int
    warnings: list[str]
    type: str = "status-report"

    @property
    def group(self) -> str:
        """'delivered', 'pending' or 'failed': see status_group()."""
        return status_group(self.status)

    @property
    def delivered(self) -> bool:
        """The short message reached the recipient (TP-ST 0x00-0x1F)."""
        return self.group == "delivered"

    @property
    def temporary(self) -> bool:
        """The SC is still trying to deliver (TP-ST 0x20-0x3F): another report will follow."""
        return self.group == "pending"

    @property
    def permanent(self) -> bool:
        """Final failure: a permanent error, or a temporary one the SC gave up on (0x40-0x7F)."""
        return self.group == "failed"


# TS 23.040 §9.2.3.15: values not defined inside each range are reserved, as is 1xxxxxxx.
_RESERVED = (range(0x03, 0x10), range(0x26, 0x30), range(0x4A, 0x50), range(0x66, 0x70))


def status_group(status: int) -> str:
    """Group a TP-Status value: 'delivered' (0x00-0x1F), 'pending' (0x20-0x3F, the SC is still
    trying) or 'failed' (0x40-0x7F, permanent error or the SC stopped trying).

    TS 23.040 §9.2.3.15: "The MS shall interpret any reserved values as 'Service Rejected'
    (01100011)", so reserved values (0x80-0xFF and the unassigned codes inside each range,
    e.g. 0x03-0x0F) are 'failed'. Values outside 0..255 raise PduError.
    """
    if not 0 <= status <= 0xFF:
        raise PduError(f"TP-Status must be one octet, got {status}")
    if status >= 0x80 or any(status in r for r in _RESERVED):
        return "failed"
    if status < 0x20:
        return "delivered"
    if status < 0x40:
        return "pending"
    return "failed"


@dataclass(frozen=True)
class EncodedPdu:
    """One PDU ready for AT+CMGS: `hex` (uppercase, SMSC part included), `tpdu_length`
    (octets after the SMSC part, the <length> of AT+CMGS) and this part's `text`."""

    hex: str
    tpdu_length: int
    text: str

