"""User Data Header (3GPP TS 23.040 §9.2.3.24): concatenation and national-language IEs."""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import Concat

IEI_CONCAT_8 = 0x00          # §9.2.3.24.1
IEI_CONCAT_16 = 0x08         # §9.2.3.24.8
IEI_SINGLE_SHIFT = 0x24      # §9.2.3.24.15
IEI_LOCKING_SHIFT = 0x25     # §9.2.3.24.16
_LENGTHS = {IEI_CONCAT_8: 3, IEI_CONCAT_16: 4, IEI_SINGLE_SHIFT: 1, IEI_LOCKING_SHIFT: 1}


@dataclass
class HeaderInfo:
    """What the codec uses from a UDH; other IEs are kept only in the raw header."""

    concat: Concat | None = None
    single_shift: int = 0
    locking_shift: int = 0
    warnings: list[str] = field(default_factory=list)


def concat_header(ref: int, total: int, seq: int) -> bytes:
    """A whole UDH (UDHL included) holding one 8-bit-reference concatenation IE."""
    return bytes((5, IEI_CONCAT_8, 3, ref & 0xFF, total, seq))


def _concat(iei: int, data: bytes, info: HeaderInfo) -> None:
    if iei == IEI_CONCAT_8:
        ref, total, seq, bits = data[0], data[1], data[2], 8
    else:
        ref, total, seq, bits = data[0] << 8 | data[1], data[2], data[3], 16
    # §9.2.3.24.1: a zero total, a zero sequence number or one above the total makes the
    # receiver ignore the whole IE.
    if total == 0 or seq == 0 or seq > total:
        info.warnings.append(f"concatenation IE ignored: part {seq} of {total}")
        return
    info.concat = Concat(ref=ref, total=total, seq=seq, ref_bits=bits)


def _apply(iei: int, data: bytes, info: HeaderInfo) -> None:
    if iei not in _LENGTHS:
        return
    if len(data) != _LENGTHS[iei]:
        info.warnings.append(f"IE {iei:#04x} has length {len(data)}, expected {_LENGTHS[iei]}")
    elif iei in (IEI_CONCAT_8, IEI_CONCAT_16):
        _concat(iei, data, info)
    elif iei == IEI_SINGLE_SHIFT:
        info.single_shift = data[0]
    else:
        info.locking_shift = data[0]


def parse_header(elements: bytes) -> HeaderInfo:
    """Parse the IEs after the UDHL octet. A repeated IE: the last one wins (§9.2.3.24).
    A truncated IE ends parsing with a warning."""
    info = HeaderInfo()
    pos = 0
    while pos < len(elements):
        if pos + 2 > len(elements) or pos + 2 + elements[pos + 1] > len(elements):
            info.warnings.append(f"UDH information element at offset {pos} is truncated")
            break
        iei, length = elements[pos], elements[pos + 1]
        _apply(iei, elements[pos + 2:pos + 2 + length], info)
        pos += 2 + length
    return info
