"""One worker thread per modem: keeps it connected, receives, applies reports and sends.

Received messages are committed before they are deleted from the modem. A message being sent
when the modem vanishes becomes `uncertain` and is never resent by itself; the rest of the
queue is simply claimed by the other workers.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

from appliance import timecheck
from modem import events, pdu
from modem.device import Modem, StoredMessage
from modem.errors import AtTimeout, CmsError, CommandError, ModemError, PortGone, SendFailed

log = logging.getLogger(__name__)

RECONNECT_BACKOFF = (0.5, 1, 2, 5, 10, 30)
CUSTOMER_KINDS = ("reminder", "campaign", "reply")     # not sent in quiet hours
STAFF_KINDS = ("forward", "test")
# +CMS values with which a carrier refuses a SIM that has sent too much (RP-cause 21, 50):
# the message goes back to the queue for another SIM, this SIM rests until tomorrow.
BLOCKED_SIM_CODES = frozenset({21, 50})
# RP-causes saying the number itself cannot get SMS: unassigned, unidentified or unknown subscriber.
BAD_NUMBER_CODES = frozenset({1, 28, 30})
# How often the network's time is read (AT+CCLK?): hourly once known, every minute until then.
TIME_READ_EVERY, TIME_RETRY = 3600.0, 60.0


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
        self._next = None               # claimed together with the previous message's "sent"
        self._not_before = 0.0          # time.monotonic() before which pacing forbids a send
        self._reports_read: set[str] = set()   # storages holding committed, read status reports
        self.last_error: str | None = None
        self.next_time_read = 0.0
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
                self._connect()
                attempt = 0
                self._serve()
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
        self.modem = Modem(self.settings.device, pin=self.settings.pin, flow=self.settings.flow,
                           timeout=self.settings.timeout).open()
        number = self.settings.number or self.settings.device
        self.cap = self.app.daily_cap(self.settings)
        self.sim_id = self.app.register_sim(number, self.settings.device, self.cap)
        log.info("%s: connected (SIM %s)", self.settings.device, number)
        self._read_network_time()
        self._drain()

    def _offline(self, error: BaseException | None) -> None:
        self._reports_read.clear()          # read again (harmlessly) after a reconnect
        if self._next is not None:          # claimed but never written to the modem: back to the queue
            self.app.outbox.release(self._next.id, self.app.clock.now())
            self._next = None
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

    def _drain(self) -> None:
        """What arrived while nobody listened: every stored message and report."""
        storages = [self.modem.storages[0] if self.modem.storages else "SM"]
        for storage in storages + (["SR"] if storages[0] != "SR" else []):
            try:
                stored = self.modem.list_stored(storage)
            except CommandError:
                continue
            for message in stored:
                self._take(message)

    # -- the loop ---------------------------------------------------------------------------
    def _serve(self) -> None:
        busy = True                     # look for work at once (the queue may be full)
        while not self.app.stopping.is_set():
            self.heartbeat = time.monotonic()
            if self.heartbeat >= self.next_time_read:
                self._read_network_time()
            self._handle_events(wait=0.0 if busy else 0.5)
            busy = self._send_one()
            self.rounds += 1

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
        elif isinstance(event, events.Ringing) and event.number:
            self.app.inbox.record_call(self.sim_id, event.number, now)
        elif isinstance(event, events.Rebooted):
            log.info("%s restarted (%s): setting it up again", self.settings.device, event.line)
            modem.initialise()
            self._drain()
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
        """Send the next message this SIM may send now; False when there was none."""
        if time.monotonic() < self._not_before:
            return False                     # pacing: the loop comes back within half a second
        now = self.app.clock.now()
        message, self._next = self._next or self._claim(now), None
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
        self._not_before = time.monotonic() + self.settings.pace
        with self.app.db.write():      # one transaction: this one recorded sent, the next one claimed
            done = self.app.clock.now()
            self.app.outbox.sent(message.id, self.sim_id, sent.references, done)
            self._next = self._claim(done)
        return True

    def _purge_reports(self) -> None:
        for storage in sorted(self._reports_read):
            self.modem.delete_read(storage)
        self._reports_read.clear()

    def _day(self, now) -> str:
        return now.astimezone(self.app.rules.zone).date().isoformat()

    def _claim(self, now):
        """The next message for this SIM, within its cap; customers' messages only when allowed."""
        if self.blocked_day == self._day(now):
            return None
        cap = self.app.daily_cap(self.settings)
        if cap != self.cap:                 # changed on the settings page: the pages show it too
            self.cap = self.app.register_sim_cap(self.sim_id, cap)
        room = cap - self.app.outbox.parts_today(self.sim_id, now)
        if room <= 0:
            return None
        kinds = STAFF_KINDS + (CUSTOMER_KINDS if self.app.sending_allowed(now) else ())
        return self.app.outbox.claim(self.sim_id, now, room, kinds)

    def _send_failed(self, message, failure: SendFailed, now, day: str) -> None:
        cause = failure.cause
        if isinstance(cause, (PortGone, AtTimeout)):
            self.app.outbox.uncertain(message.id, f"{cause} (parts confirmed: {len(failure.sent)})", now)
            raise cause
        code = cause.code if isinstance(cause, CmsError) else None
        if failure.sent:
            # Some parts reached the customer: resending all would duplicate them. Staff decide.
            self.app.outbox.failed(message.id, f"{cause} after {len(failure.sent)} of {failure.total} parts",
                                   permanent=True, now=now, parts_sent=len(failure.sent), sim_id=self.sim_id)
            self.app.send_failed_permanently(message, str(cause))
            if code in BLOCKED_SIM_CODES:
                self.blocked_day = day
            return
        if code in BLOCKED_SIM_CODES:
            self.blocked_day = day
            self.app.outbox.failed(message.id, str(cause), permanent=False, now=now, retry_now=True,
                                   parts_sent=len(failure.sent), sim_id=self.sim_id)
            self.app.sim_blocked(self.sim_id, str(cause))
            return
        status = self.app.outbox.failed(message.id, str(cause), permanent=failure.permanent, now=now,
                                        parts_sent=len(failure.sent), sim_id=self.sim_id)
        if status == "failed":
            self.app.send_failed_permanently(message, str(cause), bad_number=code in BAD_NUMBER_CODES)
