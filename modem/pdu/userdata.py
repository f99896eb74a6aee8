"""TP-DCS (3GPP TS 23.038 §4) and TP-UDL/TP-UD (TS 23.040 §9.2.3.16, §9.2.3.24)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import PduError
from .gsm7 import (DEFAULT_ALPHABET, available_septets, decode_septets, encode_septets,
                   pack_septets, unpack_septets)
from .gsm7_national import locking_shift_alphabet, single_shift_table
from .model import Concat
from .udh import parse_header

_ALPHABET_BITS = {"gsm7": 0x00, "8bit": 0x04, "ucs2": 0x08}
MAX_OCTETS = 140
MAX_SEPTETS = 160


@dataclass
class Coding:
    """What a TP-DCS octet says about the user data."""

    encoding: str
    message_class: int | None
    warnings: list[str] = field(default_factory=list)


def make_dcs(encoding: str, message_class: int | None) -> int:
    """TP-DCS in the general data coding group (00xx): alphabet bits, plus class bits with
    bit 4 set when a message class is given (class 0 = flash)."""
    if message_class is None:
        return _ALPHABET_BITS[encoding]
    return 0x10 | _ALPHABET_BITS[encoding] | message_class


def _general(dcs: int) -> Coding:
    coding = Coding("gsm7", dcs & 0b11 if dcs & 0x10 else None)
    alphabet = (dcs >> 2) & 0b11
    if alphabet == 0b11:
        coding.warnings.append(f"DCS {dcs:#04x}: reserved alphabet, read as GSM 7-bit")
    else:
        coding.encoding = ("gsm7", "8bit", "ucs2")[alphabet]
    if dcs & 0x20:  # TS 23.038 §4 bit 5: compressed (TS 23.042), which nobody sends
        coding.warnings.append(f"DCS {dcs:#04x}: compressed text is not supported, "
                               "user data given as 8-bit")
        coding.encoding = "8bit"
    return coding


def parse_dcs(dcs: int) -> Coding:
    """Interpret TP-DCS (TS 23.038 §4). Groups 00xx (general) and 01xx (automatic deletion)
    share one layout; 1100/1101 (message waiting, discard/store) are GSM 7-bit, 1110 UCS-2;
    1111 carries alphabet bit 2 and a class. Reserved codings are read as GSM 7-bit, as §4
    requires of a receiving entity."""
    group = dcs >> 4
    if group <= 0b0111:
        return _general(dcs)
    if group in (0b1100, 0b1101):
        return Coding("gsm7", None)
    if group == 0b1110:
        return Coding("ucs2", None)
    if group == 0b1111:
        return Coding("8bit" if dcs & 0x04 else "gsm7", dcs & 0b11)
    return Coding("gsm7", None, [f"DCS {dcs:#04x}: reserved coding group, read as GSM 7-bit"])


def encode_user_data(text: str, encoding: str, header: bytes = b"") -> tuple[int, bytes]:
    """(TP-UDL, TP-UD) for `text` after an optional whole UDH (UDHL octet included).
    For GSM 7-bit the UDL counts septets, header and fill bits included (§9.2.3.16)."""
    if encoding == "gsm7":
        septets = encode_septets(text)
        fill = -len(header) * 8 % 7
        udl = (len(header) * 8 + fill) // 7 + len(septets)
        return udl, header + pack_septets(septets, fill)
    try:
        body = text.encode("utf-16-be" if encoding == "ucs2" else "latin-1")
    except UnicodeEncodeError as exc:
        raise PduError(f"text cannot be encoded as {encoding}: {exc.reason} at index "
                       f"{exc.start}") from None
    return len(header) + len(body), header + body


@dataclass
class UserData:
    """Decoded TP-UD."""

    text: str
    concat: Concat | None
    udh: bytes
    data: bytes
    warnings: list[str]


def _gsm7_text(body: bytes, wanted: int, fill: int, single: int, locking: int,
               warnings: list[str]) -> str:
    alphabet = locking_shift_alphabet(locking) if locking else DEFAULT_ALPHABET
    extension = single_shift_table(single) if single else None
    for nli, found in ((locking, alphabet), (single, extension)):
        if nli and found is None:
            warnings.append(f"national language table {nli} not supported, default used")
    count = min(wanted, available_septets(len(body), fill))
    septets = unpack_septets(body, count, fill)
    text, more = decode_septets(septets, alphabet or DEFAULT_ALPHABET, extension)
    warnings.extend(more)
    return text


def _ucs2_text(body: bytes, warnings: list[str]) -> str:
    if len(body) % 2:
        warnings.append("UCS-2 user data has an odd number of octets (last one dropped)")
        body = body[:-1]
    text = body.decode("utf-16-be", "surrogatepass")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        warnings.append("UCS-2 text holds an unpaired surrogate (replaced by U+FFFD)")
        text = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    return text


def _expected_octets(udl: int, encoding: str) -> int:
    return (udl * 7 + 7) // 8 if encoding == "gsm7" else udl


def _check_length(ud: bytes, udl: int, encoding: str, warnings: list[str]) -> bytes:
    needed = _expected_octets(udl, encoding)
    limit = MAX_SEPTETS if encoding == "gsm7" else MAX_OCTETS
    if udl > limit:
        warnings.append(f"TP-UDL {udl} exceeds the maximum {limit}")
    if len(ud) < needed:
        warnings.append(f"TP-UDL {udl} needs {needed} octets, only {len(ud)} present")
    elif len(ud) > needed:
        warnings.append(f"{len(ud) - needed} octet(s) after the user data ignored")
        ud = ud[:needed]
    return ud


def decode_user_data(ud: bytes, udl: int, udhi: bool, encoding: str) -> UserData:
    """Decode TP-UD. A UDL longer than the data present decodes what is there, with a
    warning; a UDH longer than the user data is a PduError (the text cannot be located)."""
    warnings: list[str] = []
    ud = _check_length(ud, udl, encoding, warnings)
    header = b""
    if udhi and ud:
        header = ud[:1 + ud[0]]
        if len(header) < 1 + ud[0]:
            raise PduError(f"UDH length {ud[0]} overruns the {len(ud)} octets of user data")
    elif udhi:
        warnings.append("TP-UDHI set but the user data is empty")
    info = parse_header(header[1:])
    warnings.extend(info.warnings)
    body = ud[len(header):]
    if encoding == "gsm7":
        fill = -len(header) * 8 % 7
        wanted = max(0, udl - (len(header) * 8 + fill) // 7)
        text = _gsm7_text(body, wanted, fill, info.single_shift, info.locking_shift, warnings)
        return UserData(text, info.concat, header, b"", warnings)
    text = _ucs2_text(body, warnings) if encoding == "ucs2" else body.decode("latin-1")
    return UserData(text, info.concat, header, body, warnings)
