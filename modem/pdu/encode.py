"""Building SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT PDUs (3GPP TS 23.040 §9.2.2)."""
from __future__ import annotations

from datetime import datetime, timedelta

from .address import encode_address, encode_smsc
from .calculator import ENCODINGS, choose_encoding, split_text
from .errors import PduError
from .model import EncodedPdu
from .timestamp import encode_relative_validity, encode_timestamp
from .udh import concat_header
from .userdata import encode_user_data, make_dcs

# First-octet bits (§9.2.2.1-3): MTI in bits 1-0.
MTI_DELIVER, MTI_SUBMIT, MTI_STATUS_REPORT = 0b00, 0b01, 0b10
_RD, _MMS, _SRR, _SRI, _UDHI = 0x04, 0x04, 0x20, 0x20, 0x40
_VPF_RELATIVE, _VPF_ABSOLUTE = 0b10 << 3, 0b11 << 3


def _octet(value: int, what: str) -> int:
    if not 0 <= value <= 0xFF:
        raise PduError(f"{what} must be 0..255, got {value}")
    return value


def _check_options(encoding: str | None, max_parts: int,
                   message_class: int | None = None) -> None:
    if encoding is not None and encoding not in ENCODINGS:
        raise PduError(f"unknown encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
    if not 1 <= max_parts <= 255:
        raise PduError(f"max_parts must be 1..255, got {max_parts}")
    if message_class is not None and message_class not in (0, 1, 2, 3):
        raise PduError(f"message_class must be 0..3 or None, got {message_class}")


def _parts(text: str, encoding: str | None, max_parts: int,
           concat_ref: int) -> tuple[str, list[tuple[str, bytes]]]:
    """(encoding, [(part text, whole UDH or b'')]); one part carries no UDH."""
    enc = encoding or choose_encoding(text)
    parts = split_text(text, enc, max_parts)
    if len(parts) == 1:
        return enc, [(parts[0], b"")]
    return enc, [(part, concat_header(concat_ref, len(parts), seq))
                 for seq, part in enumerate(parts, start=1)]


def _validity(validity: timedelta | datetime | None) -> tuple[int, bytes]:
    """(TP-VPF bits, TP-VP octets): relative for a timedelta, absolute for a datetime."""
    if validity is None:
        return 0, b""
    if isinstance(validity, datetime):
        return _VPF_ABSOLUTE, encode_timestamp(validity)
    if isinstance(validity, timedelta):
        return _VPF_RELATIVE, bytes((encode_relative_validity(validity),))
    raise PduError(f"validity must be a timedelta, a datetime or None, not {validity!r}")


def _pdu(smsc: bytes, tpdu: bytes, text: str) -> EncodedPdu:
    return EncodedPdu(hex=(smsc + tpdu).hex().upper(), tpdu_length=len(tpdu), text=text)


def encode_submit(recipient: str, text: str, *, smsc: str | None = None, reference: int = 0,
                  status_report: bool = False, validity: timedelta | datetime | None = None,
                  encoding: str | None = None, concat_ref: int = 0, max_parts: int = 10,
                  message_class: int | None = None,
                  reject_duplicates: bool = False) -> list[EncodedPdu]:
    """SMS-SUBMIT PDUs for `text`, one per part (see split_text). Part i (from 0) carries
    TP-MR (reference + i) mod 256, since §9.2.3.6 wants a new reference per SUBMIT; modems
    usually overwrite it. validity: timedelta (relative, rounded up) or aware datetime
    (absolute). PduError for anything that cannot be encoded."""
    _check_options(encoding, max_parts, message_class)
    _octet(reference, "reference")
    smsc_part, address = encode_smsc(smsc), encode_address(recipient, "recipient")
    vpf, vp = _validity(validity)
    enc, parts = _parts(text, encoding, max_parts, concat_ref)
    dcs = make_dcs(enc, message_class)
    pdus = []
    for index, (part, header) in enumerate(parts):
        first = (MTI_SUBMIT | vpf | (_RD if reject_duplicates else 0)
                 | (_SRR if status_report else 0) | (_UDHI if header else 0))
        udl, ud = encode_user_data(part, enc, header)
        tpdu = (bytes((first, (reference + index) & 0xFF)) + address
                + bytes((0x00, dcs)) + vp + bytes((udl,)) + ud)
        pdus.append(_pdu(smsc_part, tpdu, part))
    return pdus


def encode_deliver(sender: str, text: str, timestamp: datetime, *, smsc: str | None = None,
                   encoding: str | None = None, concat_ref: int = 0, max_parts: int = 10,
                   status_report_indication: bool = False) -> list[EncodedPdu]:
    """SMS-DELIVER PDUs for `text` as the network hands them to a phone, one per part.
    `sender` may be alphanumeric ("TOKUSOKU"). TP-MMS is set: no more messages waiting."""
    _check_options(encoding, max_parts)
    smsc_part, address = encode_smsc(smsc), encode_address(sender, "sender")
    scts = encode_timestamp(timestamp)
    enc, parts = _parts(text, encoding, max_parts, concat_ref)
    pdus = []
    for part, header in parts:
        first = (MTI_DELIVER | _MMS | (_SRI if status_report_indication else 0)
                 | (_UDHI if header else 0))
        udl, ud = encode_user_data(part, enc, header)
        tpdu = bytes((first,)) + address + bytes((0x00, make_dcs(enc, None))) + scts
        pdus.append(_pdu(smsc_part, tpdu + bytes((udl,)) + ud, part))
    return pdus


def encode_status_report(recipient: str, reference: int, status: int, timestamp: datetime,
                         discharge_time: datetime, *, smsc: str | None = None) -> EncodedPdu:
    """An SMS-STATUS-REPORT for the SUBMIT with TP-MR `reference`: TP-SCTS `timestamp`,
    TP-DT `discharge_time`, TP-ST `status` (raw value). No TP-PI or user data."""
    tpdu = (bytes((MTI_STATUS_REPORT | _MMS, _octet(reference, "reference")))
            + encode_address(recipient, "recipient") + encode_timestamp(timestamp)
            + encode_timestamp(discharge_time) + bytes((_octet(status, "status"),)))
    return _pdu(encode_smsc(smsc), tpdu, "")
