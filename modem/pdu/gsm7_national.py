"""National language locking-shift and single-shift tables (3GPP TS 23.038 Annex A).

Only the Latin-script tables are carried: Turkish (NLI 1), Spanish (2, single shift only) and
Portuguese (3). A message naming another language decodes with the default tables and a warning.
Tables are given as differences from the default alphabet / extension table.
"""
from __future__ import annotations

from .gsm7 import DEFAULT_ALPHABET

_COMMON_SHIFT = {  # the positions every Annex A.2 Latin single-shift table shares
    0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
    0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€",
}

_SINGLE_SHIFT = {
    1: {0x47: "Ğ", 0x49: "İ", 0x53: "Ş", 0x63: "ç", 0x67: "ğ", 0x69: "ı", 0x73: "ş"},  # A.2.1
    2: {0x09: "ç", 0x41: "Á", 0x49: "Í", 0x4F: "Ó", 0x55: "Ú",  # A.2.2
        0x61: "á", 0x69: "í", 0x6F: "ó", 0x75: "ú"},
    3: {0x05: "ê", 0x09: "ç", 0x0B: "Ô", 0x0C: "ô", 0x0E: "Á", 0x0F: "á",  # A.2.3
        0x12: "Φ", 0x13: "Γ", 0x15: "Ω", 0x16: "Π", 0x17: "Ψ", 0x18: "Σ", 0x19: "Θ",
        0x1F: "Ê", 0x41: "À", 0x49: "Í", 0x4F: "Ó", 0x55: "Ú", 0x5B: "Ã", 0x5C: "Õ",
        0x61: "Â", 0x69: "í", 0x6F: "ó", 0x75: "ú", 0x7B: "ã", 0x7C: "õ", 0x7F: "â"},
}

_LOCKING_SHIFT = {
    1: {0x04: "€", 0x07: "ı", 0x0B: "Ğ", 0x0C: "ğ", 0x1C: "Ş", 0x1D: "ş",  # A.3.1
        0x40: "İ", 0x60: "ç"},
    3: {0x04: "ê", 0x06: "ú", 0x07: "í", 0x08: "ó", 0x09: "ç", 0x0B: "Ô", 0x0C: "ô",  # A.3.3
        0x0E: "Á", 0x0F: "á", 0x12: "ª", 0x13: "Ç", 0x14: "À", 0x15: "∞", 0x16: "^",
        0x17: "\\", 0x18: "€", 0x19: "Ó", 0x1A: "|", 0x1C: "Â", 0x1D: "â", 0x1E: "Ê",
        0x24: "º", 0x40: "Í", 0x5B: "Ã", 0x5C: "Õ", 0x5D: "Ú", 0x60: "~", 0x7B: "ã",
        0x7C: "õ", 0x7D: "`"},
}


def single_shift_table(nli: int) -> dict[int, str] | None:
    """The single-shift (extension) table for National Language Identifier `nli`, or None."""
    extra = _SINGLE_SHIFT.get(nli)
    return None if extra is None else {**_COMMON_SHIFT, **extra}


def locking_shift_alphabet(nli: int) -> str | None:
    """The 128-character locking-shift alphabet for `nli`, or None when not carried."""
    changes = _LOCKING_SHIFT.get(nli)
    if changes is None:
        return None
    return "".join(changes.get(code, ch) for code, ch in enumerate(DEFAULT_ALPHABET))
