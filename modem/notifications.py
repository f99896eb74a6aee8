"""Turning the engine's notifications into events (pure; runs on the reader thread)."""
from __future__ import annotations

import re

from modem import events, pdu
from modem.at.engine import Notification

# Lines a modem prints when it has just started (simcom, quectel, generic) -- see modem/sim/profiles.
BOOT_LINES = frozenset({"RDY", "SMS DONE", "PB DONE", "+QIND: SMS DONE", "+CPIN: READY", "SMS READY",
                        "Call Ready", "+CFUN: 1"})

_STORED = re.compile(r'^\+(CMTI|CDSI):\s*"?([A-Za-z]*)"?\s*,\s*(\d+)')


def to_event(notification: Notification):
    """The event for one notification; never raises (an undecodable PDU becomes Undecodable)."""
    line = notification.line
    match = _STORED.match(line)
    if match:
        kind, storage, index = match.groups()
        cls = events.SmsStored if kind == "CMTI" else events.StatusReportStored
        return cls(storage.upper() or "SM", int(index))
    if notification.kind in ("+CMT", "+CDS"):
        return _direct(notification)
    if line.strip() in BOOT_LINES:
        return events.Rebooted(line)
    if notification.kind in ("+CREG", "+CGREG", "+CEREG"):
        stat = re.match(r"^\+C\w*REG:\s*(\d+)", line)
        if stat:
            return events.RegistrationChanged(int(stat.group(1)))
    if line == "RING" or line.startswith("+CRING"):
        return events.Ringing(None)
    if notification.kind == "+CLIP":
        number = re.search(r'"([^"]*)"', line)
        return events.Ringing(number.group(1) if number else None)
    return events.Unsolicited(line)


def _direct(notification: Notification):
    body = notification.body
    if body is None:
        return events.Undecodable(notification.line, None, "the PDU line never came")
    try:
        decoded = pdu.decode(body)
    except pdu.PduError as exc:
        return events.Undecodable(notification.line, body, str(exc))
    if notification.kind == "+CMT" and isinstance(decoded, pdu.Deliver):
        return events.SmsReceived(body, decoded)
    if notification.kind == "+CDS" and isinstance(decoded, pdu.StatusReport):
        return events.StatusReportReceived(body, decoded)
    return events.Undecodable(notification.line, body, f"unexpected {decoded.type}")
