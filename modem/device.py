"""One modem: set-up, identity, status, sending and its events (the storages: modem.storage).

Receiving is split into separate steps -- list or read, then delete -- so that the caller can
commit a message to its database before it is deleted from the modem (DESIGN.md).
Events (modem.events) arrive on `events`, a queue filled by the reader thread; act on them from
another thread, since commands cannot be sent from the reader thread.
"""
from __future__ import annotations

import itertools
import logging
import os
import queue
import random
import re
import threading
import time
from dataclasses import dataclass

from modem import answers, events, pdu
from modem.at.engine import Notification
from modem.at.transport import Connection
from modem.errors import AtTimeout, CmeError, CmsError, CommandError, ModemError, PortGone, SendFailed
from modem.notifications import to_event
from modem.storage import STAT_ALL, StoredMessage, Storages  # noqa: F401 (STAT_ALL, StoredMessage: for callers)

log = logging.getLogger(__name__)

SIM_BUSY_WAIT = 30.0      # how long a SIM may still be starting after power-on, in all during set-up
SIM_BUSY_POLL = 0.2       # pause before asking a starting SIM again
SEND_TIMEOUT = 60.0       # a part can take this long on a congested network
# A recipient: digits, optionally after one "+"; an address holds at most 20 (TS 23.040 §9.1.2.5).
_PHONE_NUMBER = re.compile(r"\+?[0-9]{1,20}")


class SimLocked(ModemError):
    """The SIM wants a PIN (none configured, or it was refused) or its PUK: staff must act.
    `state` is what +CPIN? said ("SIM PIN", "SIM PUK", ...); `refused` is True when the PIN was
    offered and refused."""

    def __init__(self, message: str, state: str, refused: bool = False):
        super().__init__(message)
        self.state, self.refused = state, refused


class SimNotReady(ModemError):
    """The SIM was still starting (busy, not ready) when sim_busy_wait had passed."""


@dataclass(frozen=True)
class Identity:
    manufacturer: str
    model: str
    revision: str
    imei: str


@dataclass(frozen=True)
class SentMessage:
    """A message that went out: one TP-MR reference per part, in order."""
    recipient: str
    references: list[int]


class Modem(Storages):
    """A modem on a serial device. `open()` connects and sets it up; `close()` lets go."""

    def __init__(self, path: str, *, pin: str | None = None, flow: str = "none",
                 baudrate: int = 115200, timeout: float = 10.0, max_parts: int = 10,
                 sim_busy_wait: float = SIM_BUSY_WAIT):
        self.path, self.pin, self.flow, self.baudrate = path, pin, flow, baudrate
        self.timeout, self.max_parts, self.sim_busy_wait = timeout, max_parts, sim_busy_wait
        self.events: queue.Queue = queue.Queue()
        self.connection: Connection | None = None
        self.storages: tuple[str, str, str] | None = None
        self.smsc: str | None = None
        self._current_storage: str | None = None
        self._ready = False
        self._sim_deadline: float | None = None    # set during set-up: until when to wait for the SIM
        self.notifications = False      # set-up made the modem announce new messages and reports
        self._concat = itertools.count(random.randrange(256))

    # -- connection ---------------------------------------------------------------------------
    def open(self) -> "Modem":
        """Connect and set the modem up. Raises PortGone, SimLocked, AtTimeout, CommandError."""
        self.connection = Connection(self.path, baudrate=self.baudrate, flow=self.flow,
                                     timeout=self.timeout, on_notification=self._notification)
        engine = self.connection.engine
        engine.on_lost = lambda exc: self.events.put(events.Unplugged(str(exc)))
        engine.on_echo = lambda: self._ready and self.events.put(events.Rebooted("echo is back on"))
        try:
            self.initialise()
        except Exception:
            self.close()
            raise
        return self

    def reconnect(self, stop: threading.Event | None = None,
                  backoff: tuple[float, ...] = (0.2, 0.5, 1, 2, 5, 10, 30)) -> None:
        """After an unplug or a failed open: wait for the device to come back, with growing pauses
        (the last one repeats), and open it again. Returns when open; `stop` ends the wait."""
        self.close()
        stop = stop or threading.Event()
        for attempt in itertools.count():
            if os.path.exists(self.path):
                try:
                    self.open()
                    log.info("%s: back after %d attempt(s)", self.path, attempt + 1)
                    return
                except (PortGone, AtTimeout, SimNotReady) as error:
                    log.info("%s: not ready yet: %s", self.path, error)
            if stop.wait(backoff[min(attempt, len(backoff) - 1)]):
                raise PortGone(f"{self.path}: stopped waiting for the device")

    def close(self) -> None:
        if self.connection:
            self.connection.close()
            self.connection = None

    def __enter__(self) -> "Modem":
        return self.open() if self.connection is None else self

    def __exit__(self, *exc) -> None:
        self.close()

    def at(self, command: str, timeout: float | None = None, **options) -> list[str]:
        """One AT command (for the odd one this class has no method for)."""
        if self.connection is None:
            raise ModemError(f"{self.path} is not open")
        while True:
            try:
                return self.connection.engine.command(command, timeout, **options)
            except CommandError as error:
                if not _sim_busy(error):
                    raise
                self._wait_for_sim(error.line, error)

    def _wait_for_sim(self, said: str, cause: Exception | None = None) -> None:
        """During set-up, pause before asking a starting SIM again; SimNotReady once
        sim_busy_wait has passed. Outside set-up a busy SIM is not waited for: `cause` is raised."""
        if self._sim_deadline is None:
            if cause is not None:
                raise cause
            raise SimNotReady(f"{self.path}: the SIM says {said}")
        if time.monotonic() >= self._sim_deadline:
            raise SimNotReady(f"{self.path}: the SIM still says {said} after {self.sim_busy_wait:g} s") from cause
        time.sleep(SIM_BUSY_POLL)

    def _notification(self, notification: Notification) -> None:
        self.events.put(to_event(notification))

    # -- set-up -------------------------------------------------------------------------------
    def initialise(self) -> None:
        """Echo off, numeric errors, SIM unlocked, PDU mode, storages and indications chosen from
        what the modem offers, the SMSC known. Safe to repeat after a reboot."""
        self._current_storage = None
        self._ready = False
        # Right after power-on the SIM may be busy at any of these commands, also after +CPIN?
        # said READY: each is repeated until sim_busy_wait has passed (see at()).
        self._sim_deadline = time.monotonic() + self.sim_busy_wait
        try:
            self.at("AT")
            self.at("ATE0")
            self.at("AT+CMEE=1")
            self._unlock_sim()
            self.at("AT+CMGF=0")
            self._choose_storages()
            self._choose_indications()
            self._optional("AT+CLIP=1")             # caller id with RING, for missed calls
            # The network's time in +CCLK? (TS 27.007 §8.41): SIMCom leaves NITZ updates off, and its
            # +CCLK? then tells its own clock, counted from power-on. Saved by the modem; harmless.
            self._optional("AT+CTZU=1")
            self.smsc = self._read_smsc()
        finally:
            self._sim_deadline = None
        self._ready = True

    def _unlock_sim(self) -> None:
        while True:
            state = answers.cpin_state(self.at("AT+CPIN?", final_optional=True))
            if state == "READY":
                return
            if state == "NOT READY":
                self._wait_for_sim("+CPIN: NOT READY")
                continue
            if state == "SIM PIN" and self.pin:
                self._enter_pin()
                continue
            raise SimLocked(f"{self.path}: the SIM says {state}"
                            + ("" if self.pin else "; no PIN is configured"), state)

    def _enter_pin(self) -> None:
        pin, self.pin = self.pin, None        # never try a refused PIN twice: tries are few
        try:
            self.at(f'AT+CPIN="{pin}"')
        except CmeError as error:
            raise SimLocked(f"{self.path}: the SIM refused the PIN ({error.line})", "SIM PIN", refused=True) from error
        self.pin = pin

    def _choose_storages(self) -> None:
        """Storages from +CPMS=? (mem1 == mem3 whenever offered); when none can be chosen or set,
        the ones the modem already uses (+CPMS?), so received messages are still found."""
        try:
            chosen = answers.choose_storages(answers.storage_choices(self.at("AT+CPMS=?")))
        except (CommandError, answers.AnswerError) as error:
            log.warning("%s: no storage list (%s); using the modem's own", self.path, error)
            chosen = None
        if chosen:
            try:
                self.at("AT+CPMS=" + ",".join(f'"{name}"' for name in chosen))
            except CommandError as error:
                log.warning("%s: storages %s refused (%s); using the modem's own", self.path, chosen, error)
                chosen = None
        self.storages = chosen or self._storages_in_use()
        self._current_storage = self.storages[0] if self.storages else None

    def _storages_in_use(self) -> tuple[str, str, str] | None:
        try:
            return answers.current_storages(self.at("AT+CPMS?"))
        except (CommandError, answers.AnswerError) as error:
            log.warning("%s: storages unknown (%s)", self.path, error)
            return None

    def _choose_indications(self) -> None:
        try:
            setting = answers.choose_cnmi(self.at("AT+CNMI=?"))
        except (CommandError, answers.AnswerError):
            setting = "2,1,0,2,0"
        self.notifications = False
        try:
            self.at(f"AT+CNMI={setting}")
        except CommandError:
            log.warning("%s: +CNMI=%s refused; new messages are found by polling", self.path, setting)
            return
        # TS 27.005 §3.4.1: mode 0 keeps indications in the modem; mt 0 / ds 0 announce nothing.
        mode, mt, _bm, ds = (int(value or 0) for value in (setting.split(",") + ["0"] * 4)[:4])
        self.notifications = mode != 0 and mt != 0 and ds != 0

    def _optional(self, command: str) -> bool:
        """A command some modems refuse without harm."""
        try:
            self.at(command)
            return True
        except CommandError:
            return False

    def _read_smsc(self) -> str | None:
        self._optional('AT+CSCS="GSM"')
        try:
            return answers.smsc(self.at("AT+CSCA?"))
        except (CommandError, answers.AnswerError) as error:
            log.warning("%s: SMSC unknown (%s)", self.path, error)
            return None

    # -- identity and status ------------------------------------------------------------------
    def identity(self) -> Identity:
        def value(command: str) -> str:
            try:
                return answers.identity_line(self.at(command))
            except CommandError:
                return ""
        return Identity(value("AT+CGMI"), value("AT+CGMM"), value("AT+CGMR"), value("AT+CGSN"))

    def signal(self) -> int | None:
        """Signal strength in dBm, None when unknown."""
        return answers.signal(self.at("AT+CSQ"))

    def registered(self) -> bool:
        """Able to send SMS: LTE (+CEREG) first, then +CGREG and +CREG (DESIGN.md)."""
        for command, prefix in (("AT+CEREG?", "+CEREG"), ("AT+CGREG?", "+CGREG"), ("AT+CREG?", "+CREG")):
            try:
                stat = answers.registration(self.at(command), prefix)
            except (CommandError, answers.AnswerError):
                continue
            if stat in answers.REGISTERED_STATES:
                return True
        return False

    def operator(self) -> str | None:
        self._optional("AT+COPS=3,0")
        return answers.operator(self.at("AT+COPS?"))

    def identify(self) -> dict:
        """Everything `tokusoku modem identify` shows."""
        identity = self.identity()
        return {"manufacturer": identity.manufacturer, "model": identity.model,
                "revision": identity.revision, "imei": identity.imei, "signal": self.signal(),
                "registered": self.registered(), "operator": self.operator()}

    # -- sending ------------------------------------------------------------------------------
    def send(self, recipient: str, text: str, *, status_report: bool = True) -> SentMessage:
        """Send `text` in as many parts as it needs (at most max_parts). Raises PduError for text
        that cannot be sent or a recipient that is not a phone number, SendFailed (saying which
        parts went out) when a part fails."""
        phone_number(recipient)
        parts = pdu.encode_submit(recipient, text, status_report=status_report,
                                  concat_ref=next(self._concat) & 0xFF, max_parts=self.max_parts)
        references: list[int] = []
        for number, part in enumerate(parts, start=1):
            try:
                answer = self.connection.engine.command_with_prompt(
                    f"AT+CMGS={part.tpdu_length}", part.hex, SEND_TIMEOUT)
                references.append(_reference(answer))
            except ModemError as error:
                raise SendFailed(error, number, len(parts), references) from error
        return SentMessage(recipient, references)


def phone_number(recipient: str) -> str:
    """`recipient` when it is a phone number (digits, optionally after a leading +); otherwise
    PduError saying what is wrong (an SMS can go to a number only, never to a name)."""
    if not _PHONE_NUMBER.fullmatch(recipient):
        raise pdu.PduError(f"recipient {recipient!r} is not a phone number: "
                           "give 1 to 20 digits, optionally after a leading +")
    return recipient


def _sim_busy(error: CommandError) -> bool:
    """"SIM busy": +CME ERROR: 14 (TS 27.007 §9.2.1) or +CMS ERROR: 314 (TS 27.005 §3.2.5)."""
    return (isinstance(error, CmeError) and error.code == 14) or (isinstance(error, CmsError) and error.code == 314)


def _reference(answer: list[str]) -> int:
    for line in answer:
        if line.startswith("+CMGS:"):
            return int(line.split(":")[1].split(",")[0])
    raise ModemError(f"no +CMGS reference in {answer!r}")
