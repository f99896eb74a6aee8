"""TP-SCTS / TP-DT timestamps (3GPP TS 23.040 §9.2.3.11) and TP-VP validity (§9.2.3.12)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .errors import PduError

SCTS_LENGTH = 7
_MAX_QUARTERS = 79  # tens digit has 3 bits (the 4th is the sign): 7 * 10 + 9


def _bcd(octet: int, what: str) -> int:
    """A swapped semi-octet pair (low nibble is the tens digit) as an int."""
    tens, units = octet & 0xF, octet >> 4
    if tens > 9 or units > 9:
        raise PduError(f"{what} octet {octet:02X} is not two decimal semi-octets")
    return tens * 10 + units


def _swap(value: int) -> int:
    return (value % 10) << 4 | value // 10


def decode_timestamp(data: bytes) -> datetime:
    """Seven SCTS octets to an aware datetime in the sender's local time.

    Years are 2000-2099. The time zone octet counts quarter hours; bit 3 of its first
    (low) semi-octet is the sign (§9.2.3.11: 0 positive, 1 negative), e.g. 0x48 = -4 quarters.
    """
    if len(data) != SCTS_LENGTH:
        raise PduError(f"timestamp needs {SCTS_LENGTH} octets, got {len(data)}")
    year, month, day, hour, minute, second = (
        _bcd(octet, name) for octet, name in zip(data, ("year", "month", "day", "hour",
                                                        "minute", "second")))
    tz_octet = data[6]
    quarters = _bcd(tz_octet & 0xF7, "time zone")
    if tz_octet & 0x08:
        quarters = -quarters
    try:
        zone = timezone(timedelta(minutes=15 * quarters))
        return datetime(2000 + year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError as exc:
        raise PduError(f"invalid timestamp {data.hex().upper()}: {exc}") from None


def encode_timestamp(moment: datetime) -> bytes:
    """An aware datetime (2000-2099, offset a multiple of 15 minutes, at most ±19:45) as
    seven SCTS octets in its own local time; microseconds are dropped."""
    offset = moment.utcoffset()
    if offset is None:
        raise PduError("timestamp must be timezone-aware")
    quarters, rest = divmod(offset, timedelta(minutes=15))
    if rest or abs(quarters) > _MAX_QUARTERS:
        raise PduError(f"time zone offset {offset} is not a multiple of 15 minutes "
                       "within ±19:45")
    if not 2000 <= moment.year <= 2099:
        raise PduError(f"timestamp year {moment.year} is outside 2000-2099")
    fields = (moment.year - 2000, moment.month, moment.day, moment.hour, moment.minute,
              moment.second)
    tz_octet = _swap(abs(quarters)) | (0x08 if quarters < 0 else 0)
    return bytes(_swap(value) for value in fields) + bytes((tz_octet,))


def decode_relative_validity(octet: int) -> timedelta:
    """TP-VP relative format (§9.2.3.12.1) to a duration (5 minutes to 63 weeks)."""
    if octet <= 143:
        return timedelta(minutes=5 * (octet + 1))
    if octet <= 167:
        return timedelta(hours=12, minutes=30 * (octet - 143))
    if octet <= 196:
        return timedelta(days=octet - 166)
    return timedelta(weeks=octet - 192)


def encode_relative_validity(period: timedelta) -> int:
    """The smallest TP-VP octet whose duration is at least `period` (so a message never
    expires earlier than asked). PduError for negative periods or more than 63 weeks."""
    if period < timedelta(0):
        raise PduError(f"validity period {period} is negative")
    for octet in range(256):
        if decode_relative_validity(octet) >= period:
            return octet
    raise PduError(f"validity period {period} is longer than 63 weeks")


def decode_enhanced_validity(data: bytes) -> tuple[timedelta | None, list[str]]:
    """TP-VP enhanced format (§9.2.3.12.3), seven octets: returns (period or None, warnings)."""
    fmt = data[0] & 0b111
    if fmt == 0b000:
        return None, []
    if fmt == 0b001:
        return decode_relative_validity(data[1]), []
    if fmt == 0b010:
        return timedelta(seconds=data[1]), []
    if fmt == 0b011:
        try:
            hours, minutes, seconds = (_bcd(octet, "validity") for octet in data[1:4])
        except PduError as exc:
            return None, [str(exc)]
        return timedelta(hours=hours, minutes=minutes, seconds=seconds), []
    return None, [f"reserved enhanced validity format {fmt}"]
