"""The simulated mobile network: an SMSC between the modems' SIMs and the handsets.

What a modem submits reaches a handset (or another simulated SIM, as a real SMS-DELIVER) after
`delivery_delay`; a status report with a real TP-Status (TS 23.040 §9.2.3.15) comes back when one
was requested. A message for a phone that is off waits, like at a real SMSC, until the phone is on
again or its validity period ends. What cannot be handed to a modem (unplugged, storage full) waits
too and is retried when the modem says it is ready: the network never loses a message.
"""
from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from modem import pdu
from modem.sim.scheduler import Scheduler
from modem.sim.subscribers import Handset, SimCard
from modem.sim.tpdu import submit_to_deliver

log = logging.getLogger(__name__)

TOKYO = ZoneInfo("Asia/Tokyo")

# TP-Status values (TS 23.040 §9.2.3.15).
DELIVERED = 0x00
VALIDITY_EXPIRED = 0x46
# RP-cause (TS 24.011 §8.2.5.4) returned as +CMS ERROR when a submission is refused.
UNASSIGNED_NUMBER = 1
SM_TRANSFER_REJECTED = 21
NETWORK_OUT_OF_ORDER = 38


class SubmitRejected(Exception):
    """The network refused a submission; `code` is the RP-cause the modem shows as +CMS ERROR."""

    def __init__(self, code: int, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code, self.reason = code, reason


class Receiver(Protocol):
    """What the network needs from a simulated modem."""

    def receive_sms(self, pdu_hex: str, tpdu_length: int) -> bool: ...
    def receive_status_report(self, pdu_hex: str, tpdu_length: int) -> bool: ...


@dataclass
class NetworkSettings:
    """Timings and rules. Defaults are like a real LTE network; tests set the delays to 0."""

    part_time: float | tuple[float, float] = (1.0, 3.0)   # seconds a modem takes per part sent
    delivery_delay: float = 2.0                             # SMSC to phone
    report_delay: float = 0.5                               # delivery to status report
    daily_cap: int = 200                                    # parts per SIM per day (Japan)
    cap_error: int = SM_TRANSFER_REJECTED                   # how a blocked SIM's send fails
    max_validity: float = 72 * 3600                         # carriers keep SMS up to 72 h
    country_code: str = "81"
    smsc: str = "+81903101652"
    auto_handsets: bool = True      # a number nobody declared is a silent, switched-on phone
    clock_offset: float = 0.0       # network time = real time + this (seconds)

    def time_per_part(self) -> float:
        if isinstance(self.part_time, tuple):
            return random.uniform(*self.part_time)
        return self.part_time


@dataclass
class _InFlight:
    """One part on its way from a SIM to a phone or another SIM."""

    sender: str
    recipient: str
    submit: pdu.Submit
    tpdu: bytes
    reference: int
    submitted_at: datetime
    expires: float
    delivered: bool = False
    settled: bool = False


@dataclass
class _Mailbox:
    modem: Receiver | None = None
    waiting: deque = field(default_factory=deque)   # (kind, pdu_hex, tpdu_length)


class Network:
    """The SMSC, the subscribers and their phones."""

    def __init__(self, settings: NetworkSettings | None = None):
        self.settings = settings or NetworkSettings()
        self.scheduler = Scheduler()
        self.sims: dict[str, SimCard] = {}
        self.handsets: dict[str, Handset] = {}
        self._mailboxes: dict[str, _Mailbox] = {}
        self._held: dict[str, list[_InFlight]] = {}   # for phones that are off
        self._lock = threading.RLock()
        self._refs = itertools.count(random.randrange(256))

    # -- subscribers ------------------------------------------------------------------------
    def now(self) -> datetime:
        """Network time (what +CCLK and SCTS say), in Japan time."""
        return datetime.now(TOKYO) + timedelta(seconds=self.settings.clock_offset)

    def normalise(self, number: str) -> str:
        """E.164 for national numbers ("090..." -> "+8190..."); other addresses as they are."""
        number = number.strip()
        if number.startswith("+") or not number.isdigit():
            return number
        if number.startswith("00"):
            return "+" + number[2:]
        if number.startswith("0"):
            return f"+{self.settings.country_code}{number[1:]}"
        if number.startswith(self.settings.country_code) and len(number) > 10:
            return "+" + number
        return number

    def add_sim(self, sim: SimCard) -> SimCard:
        sim.number = self.normalise(sim.number)
        with self._lock:
            self.sims[sim.number] = sim
            self._mailboxes.setdefault(sim.number, _Mailbox())
        return sim

    def add_handset(self, handset: Handset) -> Handset:
        handset.number = self.normalise(handset.number)
        with self._lock:
            self.handsets[handset.number] = handset
        return handset

    def handset(self, number: str) -> Handset:
        """The phone with this number (created, switched on and silent, if nobody declared it)."""
        number = self.normalise(number)
        with self._lock:
            if number not in self.handsets:
                self.handsets[number] = Handset(number, unknown=not self.settings.auto_handsets)
            return self.handsets[number]

    def attach(self, number: str, modem: Receiver | None) -> None:
        """The modem holding SIM `number` is ready to take messages (None: it has gone)."""
        with self._lock:
            self._mailboxes.setdefault(number, _Mailbox()).modem = modem
        if modem is not None:
            self.scheduler.call_later(0, self._flush, number)

    # -- from a SIM -------------------------------------------------------------------------
    def submit(self, sim: SimCard, tpdu: bytes, reference: int) -> None:
        """Accept one SMS-SUBMIT part from a modem's SIM, or raise SubmitRejected."""
        try:
            submit = pdu.decode(tpdu, smsc_included=False)
        except pdu.PduError as exc:
            raise SubmitRejected(304, f"bad PDU: {exc}") from exc
        if not isinstance(submit, pdu.Submit):
            raise SubmitRejected(304, "not an SMS-SUBMIT")
        recipient = self.normalise(submit.recipient)
        with self._lock:
            day = self.now().date()
            if sim.parts_sent(day) >= sim.daily_cap:
                raise SubmitRejected(self.settings.cap_error, f"daily cap of {sim.daily_cap} reached")
            if recipient not in self.sims and self.handset(recipient).unknown:
                raise SubmitRejected(UNASSIGNED_NUMBER, f"no subscriber {recipient}")
            sim.count_part(day)
        validity = self._validity_seconds(submit)
        message = _InFlight(sim.number, recipient, submit, tpdu, reference, self.now(),
                            time.monotonic() + validity)
        delay = self.settings.delivery_delay
        if recipient in self.handsets:
            delay += self.handsets[recipient].slow
        self.scheduler.call_later(delay, self._deliver, message)
        self.scheduler.call_later(validity, self._expire, message)

    def _validity_seconds(self, submit: pdu.Submit) -> float:
        validity = submit.validity
        if isinstance(validity, timedelta):
            seconds = validity.total_seconds()
        elif isinstance(validity, datetime):
            seconds = (validity - self.now()).total_seconds()
        else:
            seconds = self.settings.max_validity
        return max(0.0, min(seconds, self.settings.max_validity))

    def _deliver(self, message: _InFlight) -> None:
        if message.settled:
            return
        if message.recipient in self.sims:
            deliver_hex, length = submit_to_deliver(message.tpdu, message.sender, self.now(),
                                                    self.settings.smsc)
            self._post(message.recipient, "sms", deliver_hex, length)
            return self._settle(message, DELIVERED)
        phone = self.handset(message.recipient)
        if not phone.is_on:
            with self._lock:
                self._held.setdefault(phone.number, []).append(message)
            self.scheduler.call_later(phone.off_until - time.monotonic(), self.phone_on, phone.number)
            return
        self._settle(message, DELIVERED)
        whole = phone.take_part(message.sender, message.submit.text, message.submit.concat, self.now())
        if whole is not None and phone.reply is not None:
            self.scheduler.call_later(phone.reply_after + phone.slow, self.send_from_handset,
                                      phone.number, message.sender, phone.reply)

    def phone_on(self, number: str) -> None:
        """A phone is switched on: what waited for it is delivered now."""
        phone = self.handset(number)
        if not phone.is_on:
            return
        with self._lock:
            waiting = self._held.pop(phone.number, [])
        for message in waiting:
            self._deliver(message)

    def _expire(self, message: _InFlight) -> None:
        if not message.settled:
            with self._lock:
                held = self._held.get(message.recipient, [])
                if message in held:
                    held.remove(message)
            self._settle(message, VALIDITY_EXPIRED)

    def _settle(self, message: _InFlight, status: int) -> None:
        if message.settled:
            return
        message.settled = True
        if message.submit.status_report_request:
            self.scheduler.call_later(self.settings.report_delay, self._report, message, status)

    def _report(self, message: _InFlight, status: int) -> None:
        report = pdu.encode_status_report(message.recipient, message.reference, status,
                                          message.submitted_at, self.now(), smsc=self.settings.smsc)
        self._post(message.sender, "report", report.hex, report.tpdu_length)

    # -- to a SIM ---------------------------------------------------------------------------
    def send_from_handset(self, number: str, to: str, text: str) -> int:
        """A phone sends `text` to SIM `to`; returns the number of parts. Parts arrive in order."""
        sender = self.handset(number).number if not number.isalpha() else number
        to = self.normalise(to)
        if to not in self.sims:
            raise ValueError(f"no simulated SIM has the number {to}")
        parts = pdu.encode_deliver(sender, text, self.now(), smsc=self.settings.smsc,
                                   concat_ref=next(self._refs) & 0xFF)
        for part in parts:
            self.scheduler.call_later(self.settings.delivery_delay, self._post, to, "sms",
                                      part.hex, part.tpdu_length)
        return len(parts)

    def _post(self, number: str, kind: str, pdu_hex: str, length: int) -> None:
        with self._lock:
            self._mailboxes.setdefault(number, _Mailbox()).waiting.append((kind, pdu_hex, length))
        self._flush(number)

    def _flush(self, number: str) -> None:
        """Hand what waits for SIM `number` to its modem, in order, while the modem takes it.

        Runs on the scheduler thread only, so no two flushes race and the modem is called
        without the network lock held.
        """
        while True:
            with self._lock:
                box = self._mailboxes.get(number)
                if not (box and box.modem and box.waiting):
                    return
                modem, (kind, pdu_hex, length) = box.modem, box.waiting[0]
            take = modem.receive_sms if kind == "sms" else modem.receive_status_report
            if not take(pdu_hex, length):
                return
            with self._lock:
                box.waiting.popleft()

    def waiting_for(self, number: str) -> int:
        """How many messages and reports wait at the SMSC for SIM `number`."""
        with self._lock:
            box = self._mailboxes.get(self.normalise(number))
            return len(box.waiting) if box else 0

    def stop(self) -> None:
        self.scheduler.stop()
