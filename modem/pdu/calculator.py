"""Choosing the encoding and splitting text into parts (3GPP TS 23.040 §9.2.3.24.1,
TS 23.038 §6.1.2). A part with a concatenation UDH loses 6 octets: 153 septets instead of
160, 67 UTF-16 code units instead of 70, 134 octets instead of 140."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import PduError
from .gsm7 import has_extension, is_gsm7, septet_cost

ENCODINGS = ("gsm7", "ucs2", "8bit")
# (units in a single message, units in each part of a concatenated one)
LIMITS = {"gsm7": (160, 153), "ucs2": (70, 67), "8bit": (140, 134)}
_UNIT_NAMES = {"gsm7": "septets", "ucs2": "UTF-16 code units", "8bit": "octets"}


@dataclass(frozen=True)
class TextInfo:
    """What the UI shows while typing. `parts` may exceed the max_parts given to text_info;
    `fits` then is False (an addition to the original field list)."""

    encoding: str
    characters: int
    units: int
    parts: int
    per_part: int
    remaining: int
    fits: bool = True


def choose_encoding(text: str) -> str:
    """'gsm7' when every character is in the default alphabet or extension table, else 'ucs2'."""
    return "gsm7" if is_gsm7(text) else "ucs2"


def char_units(ch: str, encoding: str) -> int:
    """Units one character takes: septets (2 for the extension table), UTF-16 code units
    (2 outside the BMP) or octets. PduError when the encoding cannot carry it."""
    if encoding == "gsm7":
        cost = septet_cost(ch)
        if cost is None:
            raise PduError(f"character {ch!r} (U+{ord(ch):04X}) is not in the GSM 7-bit "
                           "default alphabet")
        return cost
    if 0xD800 <= ord(ch) <= 0xDFFF:
        raise PduError(f"text holds a lone surrogate U+{ord(ch):04X}")
    if encoding == "ucs2":
        return 2 if ord(ch) > 0xFFFF else 1
    if ord(ch) > 0xFF:
        raise PduError(f"character {ch!r} (U+{ord(ch):04X}) does not fit in one octet")
    return 1


def _resolve(text: str, encoding: str | None) -> str:
    if encoding is None:
        return choose_encoding(text)
    if encoding not in ENCODINGS:
        raise PduError(f"unknown encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
    return encoding


def _one_unit_each(text: str, encoding: str) -> bool:
    """True when every character of `text` takes exactly one unit in `encoding` (the common
    case, split by slicing); False when some take two or cannot be carried at all."""
    if encoding == "gsm7":
        return is_gsm7(text) and not has_extension(text)
    if encoding == "ucs2":
        try:
            return len(text.encode("utf-16-le")) == 2 * len(text)      # nothing outside the BMP
        except UnicodeEncodeError:
            return False                                             # a lone surrogate
    return not text or max(text) <= "\xff"


def _chunks(text: str, encoding: str) -> list[tuple[str, int]]:
    """Greedy split into (part, units) pairs. Characters are never cut, so neither an escape
    sequence (TS 23.038 §6.2.1.1) nor a surrogate pair is split across parts."""
    single, per_part = LIMITS[encoding]
    if not _one_unit_each(text, encoding):
        return _greedy_chunks(text, encoding)
    if len(text) <= single:
        return [(text, len(text))]
    return [(text[i:i + per_part], len(text[i:i + per_part])) for i in range(0, len(text), per_part)]


def _greedy_chunks(text: str, encoding: str) -> list[tuple[str, int]]:
    """_chunks for any text, a character at a time (what slicing gives when each takes one unit)."""
    single, per_part = LIMITS[encoding]
    costs = [char_units(ch, encoding) for ch in text]
    if sum(costs) <= single:
        return [(text, sum(costs))]
    chunks: list[tuple[str, int]] = []
    start, used = 0, 0
    for index, cost in enumerate(costs):
        if used + cost > per_part:
            chunks.append((text[start:index], used))
            start, used = index, 0
        used += cost
    chunks.append((text[start:], used))
    return chunks


def split_text(text: str, encoding: str | None = None, max_parts: int = 10) -> list[str]:
    """Split `text` into the parts encode_submit/encode_deliver send (one part when it fits
    a single message). PduError when it needs more than `max_parts` parts, naming both."""
    enc = _resolve(text, encoding)
    chunks = _chunks(text, enc)
    if len(chunks) > max_parts:
        units = sum(units for _, units in chunks)
        raise PduError(f"text of {len(text)} characters ({units} {_UNIT_NAMES[enc]}) needs "
                       f"{len(chunks)} parts, more than max_parts={max_parts}")
    return [part for part, _ in chunks]


def text_info(text: str, max_parts: int = 10) -> TextInfo:
    """Encoding, lengths and part count of `text` as encode_submit would send it. Never
    raises for length: a text needing more than `max_parts` parts gives fits=False."""
    enc = choose_encoding(text)
    chunks = _chunks(text, enc)
    single, multi = LIMITS[enc]
    per_part = single if len(chunks) == 1 else multi
    return TextInfo(encoding=enc, characters=len(text), units=sum(u for _, u in chunks),
                    parts=len(chunks), per_part=per_part, remaining=per_part - chunks[-1][1],
                    fits=len(chunks) <= max_parts)
