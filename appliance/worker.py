"""One worker thread per modem: keeps it connected, receives, applies reports and sends.

Received messages are committed before they are deleted from the modem. A message is claimed
(queued -> sending) just before it is written to the modem, so quiet hours, cancellation and the
cap are judged at that moment, and only the message being written is ever `sending`. A message
being sent when the modem vanishes becomes `uncertain` and is never resent by itself; the rest of
the queue is simply claimed by the other workers.

Between sends the worker also reads the storages (when the modem sends no notifications, and
now and then anyway) and the radio (signal, registration, operator) for the pages.
"""
from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from dataclasses import dataclass

from appliance import radio, timecheck
from appliance.failures import BAD_NUMBER_CODES
from modem import events, pdu
from modem.device import STAT_ALL, Modem, SimLocked, StoredMessage
from modem.errors import AtTimeout, CmsError, CommandError, ModemError, PortGone, SendFailed

log = logging.getLogger(__name__)

RECONNECT_BACKOFF = (0.5, 1, 2, 5, 10, 30)
CUSTOMER_KINDS = ("reminder", "campaign", "reply")     # not sent in quiet hours
STAFF_KINDS = ("forward", "test")                      # claimed before customers' messages
# Carriers block a SIM at about 200 parts a day; the appliance's cap (180 by default) stops
# customers' messages short of that. Staff notices may use the margin, up to STAFF_DAILY_CAP (a
# few below 200, since the carriers' figure is approximate), so a SIM at its cap still tells staff
# of replies. A SIM whose own cap is higher than that keeps its cap for staff too.
STAFF_DAILY_CAP = 195
# +CMS values with which a carrier refuses a SIM that has sent too much (RP-cause 21, 50):
# the message goes back to the queue for another SIM, this SIM rests until tomorrow.
BLOCKED_SIM_CODES = frozenset({21, 50})
# How often the network's time is read (AT+CCLK?): hourly once known, every minute until then.
TIME_READ_EVERY, TIME_RETRY = 3600.0, 60.0
# How often the storages are listed for messages and reports nobody announced: often when the
# modem refused +CNMI (no notifications at all), and as a slow safety net when it did not.
POLL_EVERY, POLL_WITHOUT_NOTIFICATIONS = 60.0, 5.0
STAT_UNREAD = 0                 # "REC UNREAD" in PDU mode (TS 27.005 §3.1)
# How often signal, registration and operator are read (four short AT commands, between sends).
RADIO_READ_EVERY = 300.0


@dataclass(frozen=True)
class ModemSettings:
    device: str
    number: str | None = None
    pin: str | None = None
    flow: str = "none"
    daily_cap: int | None = None        # None: the appliance's default (settings page, [sending])
    timeout: float = 10.0
    pace: float = 0.0                   # at least this many seconds between two sends on this modem


class Wake:
    """Put into a worker's event queue when work is queued, so an idle worker starts at once."""


class ModemWorker:
    def __init__(self, app, settings: ModemSettings):
        self.app, self.settings = app, settings
        self.modem: Modem | None = None
        self.sim_id: int | None = None
        self.blocked_day: str | None = None
        self.heartbeat = time.monotonic()
        self.rounds = 0                 # completed rounds of the loop (tests wait on it)
        self.connects = 0               # attempts to connect that ended, in success or failure (same)
        self._not_before = 0.0          # time.monotonic() before which pacing forbids a send
        self._reports_read: set[str] = set()   # storages holding committed, read status reports
        self.last_error: str | None = None
        self.next_time_read = 0.0
        self.next_poll = self.next_radio_read = 0.0
        self.notifications = False      # the modem announces new messages and reports (+CNMI)
        self.cap = settings.daily_cap
        self.thread = threading.Thread(target=self._run, name=f"worker {settings.device}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def wake(self) -> None:
        modem = self.modem
        if modem is not None:
            modem.events.put(Wake())

    # -- connection -------------------------------------------------------------------------
    def _run(self) -> None:
        attempt = 0
        while not self.app.stopping.is_set():
            self.heartbeat = time.monotonic()      # waiting for a modem is not hanging
            try:
                try:
                    self._connect()
                finally:
                    self.connects += 1
                attempt = 0
                self._serve()
            except SimLocked as error:            # at open or after a reboot: staff must act
                self._offline(self._sim_locked(error))
            except (ModemError, OSError) as error:
                self._offline(error)
            except Exception as error:            # a bug must not end the worker: log, reconnect
                log.exception("%s: unexpected error", self.settings.device)
                self._offline(error)
            pause = RECONNECT_BACKOFF[min(attempt, len(RECONNECT_BACKOFF) - 1)]
            attempt += 1
            if self.app.stopping.wait(pause):
                break
        self._offline(None)

    def _connect(self) -> None:
        number = self._number()
        self.modem = Modem(self.settings.device, pin=self._pin_to_offer(number), flow=self.settings.flow,
                           timeout=self.settings.timeout).open()
        self.cap = self.app.daily_cap(self.settings)
        self.sim_id = self.app.register_sim(number, self.settings.device, self.cap)
        log.info("%s: connected (SIM %s)", self.settings.device, number)
        self._read_network_time()
        self._set_up_reading()
        self._read_radio()

    def _number(self) -> str:
        return self.settings.number or self.settings.device

    def _pin_to_offer(self, number: str) -> str | None:
        """The configured PIN, unless this SIM refused that very PIN before: a SIM allows three
        tries before it wants its PUK, and every reconnect would spend one. Changing the PIN in
        the configuration offers the new one."""
        pin = self.settings.pin
        refused = self.app.refused_pin(number)
        if not pin or refused is None:
            return pin
        if refused == pin_digest(number, pin):
            return None                 # the modem then stops at "SIM PIN" without trying
        self.app.forget_refused_pin(number)
        return pin

    def _sim_locked(self, error: SimLocked) -> ModemError:
        """Remember why the SIM cannot be used, and a refused PIN so it is not offered again.
        Returns the error to show (a withheld PIN is named as such, not as a missing one)."""
        number = self._number()
        refused = error.refused
        withheld = not refused and bool(self.settings.pin) and self.app.refused_pin(number) is not None
        if "PUK" in error.state or "BLOCKED" in error.state:
            lock = "puk"
        elif refused or withheld:
            lock = "pin"
        else:
            lock = "no-pin"
        digest = pin_digest(number, self.settings.pin) if refused and self.settings.pin else None
        if refused:
            log.error("%s: the SIM refused the configured PIN; it will not be offered again until the"
                      " configuration changes", self.settings.device)
        self.sim_id = self.app.sim_locked(number, self.settings.device, self.app.daily_cap(self.settings),
                                          lock, digest)
        if lock == "pin" and withheld:
            return SimLocked(f"{self.settings.device}: the SIM refused the configured PIN before; it is not"
                             " offered again until the configuration holds another", error.state)
        return error

    def _offline(self, error: BaseException | None) -> None:
        self._reports_read.clear()          # read again (harmlessly) after a reconnect
        if error is not None:
            self.last_error = str(error)
            log.warning("%s: %s", self.settings.device, error)
        if self.sim_id is not None:
            self.app.set_sim_online(self.sim_id, False, self.last_error)
        if self.modem:
            self.modem.close()
            self.modem = None

    def _read_network_time(self) -> None:
        moment = timecheck.read_network_time(self.modem)
        self.next_time_read = time.monotonic() + (TIME_READ_EVERY if moment else TIME_RETRY)
        if moment is not None:
            self.app.network_time(self.settings.device, moment)

    def _set_up_reading(self) -> None:
        """Read everything that waits in the modem, and decide how often to look again."""
        self.notifications = self.modem.notifications
        if not self.notifications:
            log.info("%s: no new-message notifications; the storages are read every %g s",
                     self.settings.device, POLL_WITHOUT_NOTIFICATIONS)
        self._drain()
        self._next_poll()

    def _poll(self) -> None:
        """What arrived unannounced since the last look: unread messages and reports. (Read but
        uncommitted ones exist only after a failure, and the reconnect that follows reads all.)"""
        self._drain(STAT_UNREAD)
        self._purge_reports()
        self._next_poll()

    def _next_poll(self) -> None:
        self.next_poll = time.monotonic() + (POLL_EVERY if self.notifications else POLL_WITHOUT_NOTIFICATIONS)

    def _drain(self, stat: int = STAT_ALL) -> None:
        """Every stored message and report with status `stat` (TS 27.005 §3.1 <stat>)."""
        storages = list(self.modem.receive_storages())
        for storage in storages + (["SR"] if "SR" not in storages else []):
            try:
                stored = self.modem.list_stored(storage, stat)
            except CommandError:
                continue
            for message in stored:
                self._take(message)

    def _read_radio(self) -> None:
        """Signal, registration and operator, stored with the SIM for the pages; between sends
        only (the loop runs one thing at a time)."""
        self.next_radio_read = time.monotonic() + RADIO_READ_EVERY
        self.app.radio_read(self.sim_id, *radio.read(self.modem), self.app.clock.now())

    # -- the loop ---------------------------------------------------------------------------
    def _serve(self) -> None:
        busy = True                     # look for work at once (the queue may be full)
        while not self.app.stopping.is_set():
            self.heartbeat = time.monotonic()
            if self.heartbeat >= self.next_time_read:
                self._read_network_time()
            if self.heartbeat >= self.next_poll:
                self._poll()
            if self.heartbeat >= self.next_radio_read:
                self._read_radio()
            self._handle_events(wait=0.0 if busy else self._idle_wait())
            busy = self._send_one()
            self.rounds += 1

    def _idle_wait(self) -> float:
        """How long to wait for an event when there was nothing to send: half a second, or until
        pacing allows the next send."""
        pacing = self._not_before - time.monotonic()
        return min(0.5, pacing) if pacing > 0.001 else 0.5

    def _handle_events(self, wait: float) -> None:
        """Everything the modem reported, waiting up to `wait` seconds for the first."""
        try:
            event = self.modem.events.get(timeout=wait) if wait else self.modem.events.get_nowait()
        except queue.Empty:
            return
        while True:
            self._handle(event)
            try:
                event = self.modem.events.get_nowait()
            except queue.Empty:
                return

    def _handle(self, event) -> None:
        modem, now = self.modem, self.app.clock.now()
        if isinstance(event, events.SmsStored):
            found = modem.read(event.storage, event.index)
            if found:
                self._take(found)
        elif isinstance(event, events.StatusReportStored):
            found = modem.read_status_report(event.storage, event.index)
            if found:
                self._take(found)
        elif isinstance(event, events.SmsReceived):
            self._received(event.pdu, event.message)
        elif isinstance(event, events.StatusReportReceived):
            self._report(event.report)
        elif isinstance(event, events.Ringing) and event.number is not None:   # "": withheld; None: bare RING
            self.app.inbox.record_call(self.sim_id, event.number, now)
        elif isinstance(event, events.Rebooted):
            log.info("%s restarted (%s): setting it up again", self.settings.device, event.line)
            modem.initialise()
            self._set_up_reading()
        elif isinstance(event, events.Unplugged):
            raise PortGone(event.reason)
        elif isinstance(event, Wake):
            pass                         # new work: the loop sends next

    def _take(self, stored: StoredMessage) -> None:
        """Commit one stored message or report, then delete it from the modem."""
        message = stored.message
        if isinstance(message, pdu.Deliver):
            self._received(stored.pdu, message)
        elif isinstance(message, pdu.StatusReport):
            # Reports are deleted together, when idle (one command instead of one per report): a
            # report costs the modem one AT+CMGR while a campaign runs, not three commands.
            self._report(message)
            self._reports_read.add(stored.storage)
            return
        elif message is None:
            log.error("%s: undecodable message left in %s/%d: %s", self.settings.device, stored.storage,
                      stored.index, stored.error)
            return
        self.modem.delete(stored.storage, stored.index)

    def _received(self, pdu_hex: str, message: pdu.Deliver) -> None:
        received = self.app.inbox.store_part(self.sim_id, pdu_hex, message, self.app.clock.now())
        if received is not None:
            self.app.message_received(received)

    def _report(self, report: pdu.StatusReport) -> None:
        self.app.outbox.report(self.sim_id, report.reference, report.recipient, report.status,
                               self.app.clock.now())

    # -- sending ----------------------------------------------------------------------------
    def _send_one(self) -> bool:
        """Send the next message this SIM may send now; False when there was none. The message is
        claimed here, just before it is written: quiet hours, cancellation and the cap are those
        of this moment, whatever time pacing or events took."""
        if time.monotonic() < self._not_before:
            return False                     # pacing: the loop comes back when it allows a send
        now = self.app.clock.now()
        message = self._claim(now)
        if message is None:
            self._purge_reports()
            return False
        try:
            sent = self.modem.send(message.recipient, message.body)
        except SendFailed as failure:
            self._send_failed(message, failure, now, self._day(now))
            return True
        except pdu.PduError as error:
            self.app.outbox.failed(message.id, f"送信できない本文: {error}", permanent=True, now=now)
            return True
        finally:
            self._not_before = time.monotonic() + self.settings.pace
        self.app.outbox.sent(message.id, self.sim_id, sent.references, self.app.clock.now())
        return True

    def _purge_reports(self) -> None:
        for storage in sorted(self._reports_read):
            self.modem.delete_read(storage)
        self._reports_read.clear()

    def _day(self, now) -> str:
        return now.astimezone(self.app.rules.zone).date().isoformat()

    def _claim(self, now):
        """The next message for this SIM within its cap: staff notices first (they may use the
        margin up to STAFF_DAILY_CAP), customers' messages only when sending to them is allowed."""
        if self.blocked_day == self._day(now):
            return None
        cap = self.app.daily_cap(self.settings)
        if cap != self.cap:                 # changed on the settings page: the pages show it too
            self.cap = self.app.register_sim_cap(self.sim_id, cap)
        used = self.app.outbox.parts_today(self.sim_id, now)
        groups = [(STAFF_KINDS, max(cap, STAFF_DAILY_CAP) - used)]
        if self.app.sending_allowed(now):
            groups.append((CUSTOMER_KINDS, cap - used))
        return self.app.outbox.claim(self.sim_id, now, groups)

    def _send_failed(self, message, failure: SendFailed, now, day: str) -> None:
        cause = failure.cause
        if isinstance(cause, (PortGone, AtTimeout)):
            self.app.outbox.uncertain(message.id, f"{cause} (parts confirmed: {len(failure.sent)})", now,
                                      sim_id=self.sim_id, references=failure.sent)
            raise cause
        code = cause.code if isinstance(cause, CmsError) else None
        if failure.sent:
            # Some parts reached the customer: resending all would duplicate them. Staff decide.
            self.app.outbox.failed(message.id, f"{cause} after {len(failure.sent)} of {failure.total} parts",
                                   permanent=True, now=now, references=failure.sent, sim_id=self.sim_id)
            self.app.send_failed_permanently(message, str(cause))
            if code in BLOCKED_SIM_CODES:
                self.blocked_day = day
            return
        if code in BLOCKED_SIM_CODES:
            self.blocked_day = day
            self.app.outbox.failed(message.id, str(cause), permanent=False, now=now, retry_now=True)
            self.app.sim_blocked(self.sim_id, str(cause))
            return
        status = self.app.outbox.failed(message.id, str(cause), permanent=failure.permanent, now=now)
        if status == "failed":
            self.app.send_failed_permanently(message, str(cause), bad_number=code in BAD_NUMBER_CODES)


def pin_digest(number: str, pin: str) -> str:
    """What is kept of a refused PIN: enough to know the configuration still holds it. (The PIN
    itself is in the configuration file in clear; the digest only keeps it out of backups.)"""
    return hashlib.sha256(f"{number}\0{pin}".encode()).hexdigest()
