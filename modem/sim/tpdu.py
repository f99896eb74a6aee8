"""Turning what one SIM submitted into what the other SIM receives (TS 23.040 §9.2.2)."""
from __future__ import annotations

from datetime import datetime

from modem import pdu
from modem.pdu.address import encode_address, encode_smsc

_UDHI = 0x40
_MMS = 0x04       # TP-More-Messages-to-Send: set means "no more messages"


def _validity_length(first_octet: int) -> int:
    """Octets of TP-VP by TP-VPF (bits 3-4): none, relative (1), enhanced or absolute (7)."""
    return {0x00: 0, 0x10: 1, 0x08: 7, 0x18: 7}[first_octet & 0x18]


def submit_to_deliver(tpdu: bytes, sender: str, timestamp: datetime, smsc: str) -> tuple[str, int]:
    """The SMS-DELIVER (hex with SMSC, TPDU length) carrying a SMS-SUBMIT's user data unchanged.

    PID, DCS and user data (with its header, so concatenation survives) are copied byte for byte.
    """
    first = tpdu[0]
    da_digits = tpdu[2]
    offset = 2 + 2 + (da_digits + 1) // 2           # TP-MR, then TP-DA (length, type, digits)
    pid, dcs = tpdu[offset], tpdu[offset + 1]
    user_data = tpdu[offset + 2 + _validity_length(first):]
    deliver = (bytes([(first & _UDHI) | _MMS]) + encode_address(sender) + bytes([pid, dcs])
               + pdu.encode_timestamp(timestamp) + user_data)
    return (encode_smsc(smsc) + deliver).hex().upper(), len(deliver)
