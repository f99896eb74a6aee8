"""Decoding SMS PDUs as modems hand them over (+CMGR, +CMGL, +CMT, +CDS): an optional SMSC
part followed by an SMS-DELIVER, SMS-SUBMIT or SMS-STATUS-REPORT TPDU (3GPP TS 23.040 §9.2.2)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable, Union

from .address import read_address, read_smsc
from .errors import PduError
from .model import Deliver, StatusReport, Submit
from .reader import Reader
from .timestamp import (SCTS_LENGTH, decode_enhanced_validity, decode_relative_validity,
                        decode_timestamp)
from .userdata import decode_user_data, parse_dcs

Message = Union[Deliver, Submit, StatusReport]
# Stands in for a timestamp whose octets are not a date; a warning always says so.
INVALID_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)
_UDHI = 0x40


def _to_bytes(pdu: str | bytes) -> bytes:
    """Raw octets from bytes, or from hex text (any case, whitespace and quotes tolerated)."""
    if isinstance(pdu, (bytes, bytearray, memoryview)):
        raw = bytes(pdu)
    elif isinstance(pdu, str):
        text = "".join(pdu.strip().strip("\"'").split())
        if len(text) % 2:
            raise PduError(f"hex PDU has an odd number of digits ({len(text)})")
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raise PduError("PDU text is not hexadecimal") from None
    else:
        raise PduError(f"PDU must be hex text or bytes, not {type(pdu).__name__}")
    if not raw:
        raise PduError("empty PDU")
    return raw


def _timestamp(reader: Reader, what: str, warnings: list[str]) -> datetime:
    """A timestamp field; octets that are no date give INVALID_TIME and a warning."""
    octets = reader.take(SCTS_LENGTH, what)
    try:
        return decode_timestamp(octets)
    except PduError as exc:
        warnings.append(f"{what}: {exc}; replaced by {INVALID_TIME.isoformat()}")
        return INVALID_TIME


def _deliver(reader: Reader, first: int, smsc: str | None, warnings: list[str]) -> Deliver:
    sender, more = read_address(reader, "sender")
    pid, dcs = reader.octet("TP-PID"), reader.octet("TP-DCS")
    coding = parse_dcs(dcs)
    timestamp = _timestamp(reader, "TP-SCTS", warnings)
    udl = reader.octet("TP-UDL")
    ud = decode_user_data(reader.rest(), udl, bool(first & _UDHI), coding.encoding)
    return Deliver(
        smsc=smsc, sender=sender, timestamp=timestamp, text=ud.text, encoding=coding.encoding,
        concat=ud.concat, pid=pid, dcs=dcs, message_class=coding.message_class, data=ud.data,
        udh=ud.udh, status_report_indication=bool(first & 0x20),
        more_messages=not first & 0x04,  # §9.2.3.2 TP-MMS: 0 means more messages are waiting
        warnings=warnings + more + coding.warnings + ud.warnings)


def _validity(reader: Reader, first: int,
              warnings: list[str]) -> timedelta | datetime | None:
    """TP-VP in the format TP-VPF (bits 4-3) names (§9.2.3.3, §9.2.3.12)."""
    vpf = (first >> 3) & 0b11
    if vpf == 0b10:
        return decode_relative_validity(reader.octet("TP-VP"))
    if vpf == 0b11:
        octets = reader.take(SCTS_LENGTH, "TP-VP (absolute)")
        try:
            return decode_timestamp(octets)
        except PduError as exc:
            warnings.append(f"TP-VP (absolute): {exc}; validity ignored")
            return None
    if vpf == 0b01:
        period, more = decode_enhanced_validity(reader.take(7, "TP-VP (enhanced)"))
        warnings.extend(more)
        return period
    return None


def _submit(reader: Reader, first: int, smsc: str | None, warnings: list[str]) -> Submit:
    reference = reader.octet("TP-MR")
    recipient, more = read_address(reader, "recipient")
    pid, dcs = reader.octet("TP-PID"), reader.octet("TP-DCS")
    coding = parse_dcs(dcs)
    validity = _validity(reader, first, warnings)
    udl = reader.octet("TP-UDL")
    ud = decode_user_data(reader.rest(), udl, bool(first & _UDHI), coding.encoding)
    return Submit(
        smsc=smsc, recipient=recipient, text=ud.text, encoding=coding.encoding,
        concat=ud.concat, reference=reference, status_report_request=bool(first & 0x20),
        reject_duplicates=bool(first & 0x04), validity=validity, pid=pid, dcs=dcs,
        message_class=coding.message_class, data=ud.data, udh=ud.udh,
        warnings=warnings + more + coding.warnings + ud.warnings)


def _skip_parameters(reader: Reader, warnings: list[str]) -> None:
    """Optional TP-PI and the fields it announces (§9.2.3.27); the codec does not use them."""
    if not reader.remaining:
        return
    indicator = reader.octet("TP-PI")
    needed = bool(indicator & 1) + bool(indicator & 2) + bool(indicator & 4)
    if needed > reader.remaining:
        warnings.append(f"TP-PI {indicator:#04x} announces fields the PDU does not hold")
    reader.rest()


def _status_report(reader: Reader, first: int, smsc: str | None,
                   warnings: list[str]) -> StatusReport:
    reference = reader.octet("TP-MR")
    recipient, more = read_address(reader, "recipient")
    timestamp = _timestamp(reader, "TP-SCTS", warnings)
    discharge = _timestamp(reader, "TP-DT", warnings)
    status = reader.octet("TP-ST")
    _skip_parameters(reader, warnings)
    return StatusReport(smsc=smsc, recipient=recipient, reference=reference,
                        timestamp=timestamp, discharge_time=discharge, status=status,
                        warnings=warnings + more)


_PARSERS: dict[int, Callable[..., Message]] = {0: _deliver, 1: _submit, 2: _status_report}


def _parse(raw: bytes, smsc_included: bool) -> Message:
    """Decode one interpretation of `raw`; PduError when it does not hold together."""
    reader = Reader(raw)
    smsc, warnings = read_smsc(reader) if smsc_included else (None, [])
    first = reader.octet("first octet")
    parser = _PARSERS.get(first & 0b11)
    if parser is None:
        raise PduError(f"first octet {first:#04x}: message type indicator 3 is reserved")
    return parser(reader, first, smsc, warnings)


def _interpretations(raw: bytes, smsc_included: bool) -> list[tuple[bytes, bool, str]]:
    """(octets, SMSC part present, warning) to try, the caller's reading first.

    Seen in the wild: PDUs without the SMSC octet (+CDS on some modems, TPDU-only dumps) and
    SMSC length octets counting digits like TP-DA does instead of octets (TS 24.011 §8.2.5.1).
    """
    if not smsc_included:
        return [(raw, False, ""), (raw, True, "PDU read with an SMSC part after all")]
    tries = [(raw, True, ""), (raw, False, "PDU read without an SMSC part (none present)")]
    length = raw[0]
    as_digits = 1 + (length + 1) // 2
    if length > 1 and as_digits != length:
        tries.append((bytes((as_digits,)) + raw[1:], True,
                      f"SMSC length octet {length} read as a digit count ({as_digits} octets)"))
    return tries


def decode(pdu: str | bytes, *, smsc_included: bool = True) -> Message:
    """Decode a PDU given as hex text (any case; surrounding quotes and whitespace tolerated)
    or raw bytes. smsc_included=False for PDUs with no SMSC part.

    Malformed input seen in the wild (UDL longer than the data, a missing SMSC octet, a
    wrong SMSC length, bad timestamps) decodes with `.warnings` saying what was wrong when
    the text is recoverable: the caller's reading is used when it decodes cleanly, else the
    first other reading that does, else the first reading that decodes at all. Anything
    else raises PduError, and only PduError.
    """
    raw = _to_bytes(pdu)
    fallback: Message | None = None
    first_error: PduError | None = None
    for octets, included, note in _interpretations(raw, smsc_included):
        try:
            message = _parse(octets, included)
        except PduError as exc:
            first_error = first_error or exc
            continue
        clean = not message.warnings
        if note:
            message.warnings.insert(0, note)
        if clean:
            return message
        fallback = fallback or message
    if fallback is not None:
        return fallback
    raise first_error or PduError("undecodable PDU")
