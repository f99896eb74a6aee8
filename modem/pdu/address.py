"""Address fields: TP-OA/TP-DA/TP-RA (3GPP TS 23.040 §9.1.2.5) and the SMSC address
(TS 24.011 §8.2.5.1), with semi-octet digits (TS 23.040 §9.1.2.3)."""
from __future__ import annotations

import re

from .errors import PduError
from .gsm7 import decode_septets, encode_septets, pack_septets, unpack_septets
from .reader import Reader

TOA_INTERNATIONAL = 0x91   # ext bit, TON 001 international, NPI 0001 ISDN/E.164
TOA_UNKNOWN = 0x81         # ext bit, TON 000 unknown, NPI 0001
TOA_ALPHANUMERIC = 0xD0    # ext bit, TON 101 alphanumeric (GSM 7-bit packed), NPI 0000
_TON_INTERNATIONAL = 0b001
_TON_ALPHANUMERIC = 0b101

# §9.1.2.3: semi-octet values 0-9, then 1010 '*', 1011 '#', 1100-1110 'a'-'c', 1111 filler.
_SEMI_OCTET = "0123456789*#abc"
_NUMERIC = re.compile(r"\+?[0-9*#]+")
MAX_DIGITS = 20            # 10 octets of address value
MAX_ALPHANUMERIC = 11      # 10 octets hold 11 septets


def encode_semi_octets(digits: str) -> bytes:
    """Digits (and * #) as swapped semi-octets, padded with the 1111 filler when odd."""
    nibbles = [_SEMI_OCTET.index(ch) for ch in digits]
    if len(nibbles) % 2:
        nibbles.append(0xF)
    return bytes(lo | hi << 4 for lo, hi in zip(nibbles[::2], nibbles[1::2]))


def decode_semi_octets(data: bytes, count: int) -> tuple[str, list[str]]:
    """The first `count` semi-octets of `data`, low nibble first. A filler nibble ends the
    number when it is last (some encoders count it in the length); elsewhere it is skipped
    with a warning."""
    nibbles = [n for octet in data for n in (octet & 0xF, octet >> 4)][:count]
    warnings: list[str] = []
    if nibbles and nibbles[-1] == 0xF:
        nibbles.pop()
    if 0xF in nibbles:
        warnings.append("filler semi-octet inside an address (skipped)")
    return "".join(_SEMI_OCTET[n] for n in nibbles if n != 0xF), warnings


def _numeric_parts(number: str, what: str) -> tuple[int, bytes, int]:
    """(type of address, semi-octet value, digit count) of a numeric address."""
    digits = number.removeprefix("+")
    if len(digits) > MAX_DIGITS:
        raise PduError(f"{what} {number!r} has {len(digits)} digits, more than {MAX_DIGITS}")
    toa = TOA_INTERNATIONAL if number.startswith("+") else TOA_UNKNOWN
    return toa, encode_semi_octets(digits), len(digits)


def encode_address(number: str, what: str = "address") -> bytes:
    """TP-OA/DA/RA: "+8190..." is international (0x91), other digits unknown (0x81), text with
    a letter alphanumeric (0xD0, packed 7-bit, §9.1.2.5: length counts semi-octets used)."""
    if _NUMERIC.fullmatch(number):
        toa, value, length = _numeric_parts(number, what)
        return bytes((length, toa)) + value
    if not any(ch.isalpha() for ch in number):
        raise PduError(f"{what} {number!r} is neither a phone number nor alphanumeric text")
    septets = encode_septets(number)
    if len(septets) > MAX_ALPHANUMERIC:
        raise PduError(f"alphanumeric {what} {number!r} needs {len(septets)} septets, "
                       f"more than {MAX_ALPHANUMERIC}")
    return bytes(((len(septets) * 7 + 3) // 4, TOA_ALPHANUMERIC)) + pack_septets(septets)


def encode_smsc(smsc: str | None) -> bytes:
    """The SMSC part: a single 00 octet for None/"" (use the SMSC stored in the modem),
    else length (in octets, TOA included), TOA and semi-octets."""
    if not smsc:
        return b"\x00"
    if not _NUMERIC.fullmatch(smsc):
        raise PduError(f"SMSC {smsc!r} is not a phone number")
    toa, value, _ = _numeric_parts(smsc, "SMSC")
    return bytes((len(value) + 1, toa)) + value


def _format(toa: int, value: bytes, length: int) -> tuple[str, list[str]]:
    ton = (toa >> 4) & 0b111
    if ton == _TON_ALPHANUMERIC:
        text, warnings = decode_septets(unpack_septets(value, length * 4 // 7))
        return text, warnings
    digits, warnings = decode_semi_octets(value, length)
    return ("+" + digits if ton == _TON_INTERNATIONAL else digits), warnings


def read_address(reader: Reader, what: str) -> tuple[str, list[str]]:
    """Read a TP-OA/DA/RA field: returns the number ('+' for international TON, digits
    otherwise, text for alphanumeric) and warnings."""
    length = reader.octet(f"{what} length")
    toa = reader.octet(f"{what} type")
    value = reader.take((length + 1) // 2, what)
    text, warnings = _format(toa, value, length)
    if length > MAX_DIGITS:
        warnings.append(f"{what} length {length} exceeds {MAX_DIGITS} semi-octets")
    return text, warnings


def read_smsc(reader: Reader) -> tuple[str | None, list[str]]:
    """Read the SMSC part (length in octets including the TOA). 00 means no SMSC: None."""
    length = reader.octet("SMSC length")
    if length == 0:
        return None, []
    body = reader.take(length, "SMSC address")
    warnings = [] if length <= 11 else [f"SMSC length {length} exceeds 11 octets"]
    if length == 1:
        return None, warnings
    text, more = _format(body[0], body[1:], 2 * (length - 1))
    return text, warnings + more
