"""GSM 7-bit default alphabet, extension table and septet packing (3GPP TS 23.038 §6.1.2, §6.2.1).

National language tables (Annex A) live in gsm7_national.py and are used only for decoding.
"""
from __future__ import annotations

from .errors import PduError

ESC = 0x1B

# TS 23.038 §6.2.1, code point = index. 0x1B is the escape to the extension table.
DEFAULT_ALPHABET = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)

# TS 23.038 §6.2.1.1: reached by ESC followed by the code; each costs two septets.
DEFAULT_EXTENSION = {
    0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
    0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
}

_BASIC = {ch: code for code, ch in enumerate(DEFAULT_ALPHABET) if code != ESC}
_EXTENDED = {ch: code for code, ch in DEFAULT_EXTENSION.items()}
_ANY = frozenset(_BASIC) | frozenset(_EXTENDED)


def septet_cost(ch: str) -> int | None:
    """Septets `ch` takes: 1, 2 (extension table) or None (not in the default alphabet)."""
    if ch in _BASIC:
        return 1
    if ch in _EXTENDED:
        return 2
    return None


def is_gsm7(text: str) -> bool:
    """True when every character of `text` is in the default alphabet or its extension table."""
    return _ANY.issuperset(text)


def has_extension(text: str) -> bool:
    """True when `text` holds a character of the extension table (two septets each)."""
    return not _EXTENDED.keys().isdisjoint(text)


def encode_septets(text: str) -> list[int]:
    """Text to septet values (extension characters become ESC + code). PduError names the
    first character that the default alphabet and extension table cannot represent."""
    septets: list[int] = []
    for index, ch in enumerate(text):
        if ch in _BASIC:
            septets.append(_BASIC[ch])
        elif ch in _EXTENDED:
            septets.extend((ESC, _EXTENDED[ch]))
        else:
            raise PduError(f"character {ch!r} (U+{ord(ch):04X}) at index {index} "
                           "is not in the GSM 7-bit default alphabet")
    return septets


def decode_septets(septets: list[int], alphabet: str = DEFAULT_ALPHABET,
                   extension: dict[int, str] | None = None) -> tuple[str, list[str]]:
    """Septet values to text using a (locking-shift) `alphabet` and (single-shift) `extension`.

    Returns (text, warnings). TS 23.038 §6.2.1.1: an escape followed by a code the extension
    table does not define shows the main-table character; ESC ESC (reserved for a further
    table) shows a space. A lone ESC at the very end is dropped with a warning.
    """
    table = DEFAULT_EXTENSION if extension is None else extension
    out: list[str] = []
    warnings: list[str] = []
    i = 0
    while i < len(septets):
        code = septets[i]
        if code != ESC:
            out.append(alphabet[code])
        elif i + 1 == len(septets):
            warnings.append("GSM 7-bit text ends with a lone escape septet (dropped)")
        else:
            i += 1
            nxt = septets[i]
            out.append(" " if nxt == ESC else table.get(nxt, alphabet[nxt]))
        i += 1
    return "".join(out), warnings


def pack_septets(septets: list[int], fill_bits: int = 0) -> bytes:
    """Pack septets LSB-first into octets (TS 23.038 §6.1.2.1.1), after `fill_bits` zero bits
    (TS 23.040 §9.2.3.24: fill bits align the text to a septet boundary after a UDH)."""
    value = 0
    for index, septet in enumerate(septets):
        value |= (septet & 0x7F) << (fill_bits + 7 * index)
    length = (fill_bits + 7 * len(septets) + 7) // 8
    return value.to_bytes(length, "little")


def unpack_septets(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    """The first `count` septets packed in `data` after `fill_bits` bits. The caller makes
    sure `data` holds them (see available_septets)."""
    value = int.from_bytes(data, "little") >> fill_bits
    return [(value >> (7 * index)) & 0x7F for index in range(count)]


def available_septets(octets: int, fill_bits: int = 0) -> int:
    """How many whole septets `octets` octets hold after `fill_bits` fill bits."""
    return max(0, (octets * 8 - fill_bits) // 7)
