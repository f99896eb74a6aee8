"""Who is on the simulated network: SIM cards in the modems, and handsets (customers, staff)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime

PIN_TRIES, PUK_TRIES = 3, 10


class SimLocked(Exception):
    """The SIM refuses: `code` is the +CME ERROR number (TS 27.007 §9.2)."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


@dataclass
class SimCard:
    """A SIM: its number, PIN/PUK state with tries counted, and its carrier's daily SMS cap."""

    number: str
    imsi: str = "440101234567890"
    iccid: str = "8981100000000000000"
    pin: str | None = None
    puk: str = "12345678"
    daily_cap: int = 200
    pin_tries: int = PIN_TRIES
    puk_tries: int = PUK_TRIES
    usage: dict[date, int] = field(default_factory=dict)
    unlocked: bool = False

    @property
    def state(self) -> str:
        """The +CPIN: answer: READY, SIM PIN, SIM PUK (or SIM BLOCKED after ten wrong PUKs)."""
        if self.puk_tries <= 0:
            return "SIM BLOCKED"
        if self.pin_tries <= 0:
            return "SIM PUK"
        if self.pin is None or self.unlocked:
            return "READY"
        return "SIM PIN"

    def power_on(self) -> None:
        self.unlocked = False

    def enter(self, code: str, new_pin: str | None = None) -> None:
        """AT+CPIN=<pin>[,<newpin>]: unlock with the PIN, or with the PUK and a new PIN."""
        state = self.state
        if state == "READY":
            raise SimLocked(3)      # operation not allowed
        if state == "SIM BLOCKED":
            raise SimLocked(13)     # SIM failure
        if state == "SIM PIN":
            if code != self.pin:
                self.pin_tries -= 1
                raise SimLocked(16)  # incorrect password
            self.pin_tries, self.unlocked = PIN_TRIES, True
            return
        if code != self.puk or not new_pin:
            self.puk_tries -= 1
            raise SimLocked(16)
        self.pin, self.pin_tries, self.puk_tries, self.unlocked = new_pin, PIN_TRIES, PUK_TRIES, True

    def parts_sent(self, day: date) -> int:
        return self.usage.get(day, 0)

    def count_part(self, day: date) -> None:
        self.usage[day] = self.usage.get(day, 0) + 1


@dataclass
class ReceivedSms:
    """A whole message as a handset shows it, after joining its parts."""

    sender: str
    text: str
    timestamp: datetime
    parts: int

    def as_dict(self) -> dict:
        return {"sender": self.sender, "text": self.text, "timestamp": self.timestamp.isoformat(),
                "parts": self.parts}


@dataclass
class Handset:
    """A customer's or staff member's phone and how it behaves.

    reply: text sent back after `reply_after` seconds to each message received (None: silent).
    off_until: time.monotonic() before which the phone is switched off (messages wait at the
    carrier). unknown: the number does not exist (sends to it fail permanently). slow: extra
    network delay for this phone, in seconds.
    """

    number: str
    name: str = ""
    reply: str | None = None
    reply_after: float = 0.0
    off_until: float = 0.0
    unknown: bool = False
    slow: float = 0.0
    received: list[ReceivedSms] = field(default_factory=list)
    _parts: dict[tuple, dict[int, str]] = field(default_factory=dict)

    @property
    def is_on(self) -> bool:
        return time.monotonic() >= self.off_until

    def switch_off(self, seconds: float) -> None:
        self.off_until = time.monotonic() + seconds

    def take_part(self, sender: str, text: str, concat, timestamp: datetime) -> ReceivedSms | None:
        """Add one received part; returns the whole message once its last part is in."""
        if concat is None or concat.total <= 1:
            message = ReceivedSms(sender, text, timestamp, 1)
        else:
            key = (sender, concat.ref, concat.total)
            parts = self._parts.setdefault(key, {})
            parts[concat.seq] = text
            if len(parts) < concat.total:
                return None
            del self._parts[key]
            message = ReceivedSms(sender, "".join(parts[i] for i in sorted(parts)), timestamp, concat.total)
        self.received.append(message)
        return message

    def as_dict(self) -> dict:
        return {"number": self.number, "name": self.name, "reply": self.reply,
                "reply_after": self.reply_after, "on": self.is_on, "unknown": self.unknown,
                "slow": self.slow, "received": [m.as_dict() for m in self.received]}
