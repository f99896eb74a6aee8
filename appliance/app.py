"""The running appliance: database, scheduler jobs, one worker per modem, e-mail.

    app = Appliance(config, clock)
    app.start()       # recovers what a crash left 'sending', starts workers and jobs
    ...
    app.stop()
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

from appliance import backup, customers, reminders, settings, timecheck, watchdog, webhook
from appliance.clock import Clock, iso
from appliance.config import Config
from appliance.db import Database
from appliance.failures import failure_in_japanese
from appliance.mailer import Mailer
from appliance.outbox import Outbox
from appliance.phones import e164
from appliance.replies import Inbox, Received, ReplySettings
from appliance.schedule import allowed
from appliance.worker import ModemWorker

log = logging.getLogger(__name__)


class Appliance:
    def __init__(self, config: Config, clock: Clock | None = None, db: Database | None = None,
                 check_clock: bool | None = None):
        """`check_clock`: hold customer messages while the clock is wrong (timecheck.py); by
        default on for a clock that follows the system's, off for the demo's and tests' clocks."""
        self.config, self.clock = config, clock or Clock()
        self.clock_check = timecheck.ClockCheck(
            enabled=timecheck.follows_system_time(self.clock) if check_clock is None else check_clock)
        if db is None:
            config.database.parent.mkdir(parents=True, exist_ok=True)
            db = Database(config.database)
        self.db = db
        self.settings = settings.SettingsSource(db, settings.defaults(config))
        self.outbox = Outbox(db, config.rules.zone, on_queued=self.wake_workers)
        self.inbox = Inbox(db, self.outbox, ReplySettings(webhook_url=config.webhook_url))
        self.mailer = Mailer(db, config.smtp)
        self.stopping = threading.Event()
        self.workers = [ModemWorker(self, settings) for settings in config.modems]
        self.scheduler = BackgroundScheduler(timezone=str(config.rules.zone))
        self.mail_wakeup = threading.Event()

    @property
    def rules(self):
        """The sending rules in effect: the file's, as changed on the settings page (read again
        every few seconds, so a change applies without a restart)."""
        return self.settings.current().rules

    def daily_cap(self, modem) -> int:
        """Parts a modem's SIM may send a day: its own [[modems]] daily_cap, else the default."""
        return modem.daily_cap if modem.daily_cap is not None else self.settings.current().daily_cap

    # -- life cycle -------------------------------------------------------------------------------
    def start(self) -> None:
        recovered = self.outbox.recover(self.clock.now())
        if recovered:
            log.warning("%d message(s) were being sent when the process stopped: marked uncertain", recovered)
        with self.db.write() as conn:
            conn.execute("UPDATE sims SET online = 0")
        reminders.seed_defaults(self.db)
        self.sync_staff()
        for worker in self.workers:
            worker.start()
        self.scheduler.add_job(self.tick, "interval", seconds=self.config.tick_seconds, id="reminders",
                               max_instances=1, coalesce=True, next_run_time=datetime.now(self.rules.zone))
        if self.db.path != ":memory:":
            self.scheduler.add_job(self.nightly_backup, "cron", hour=3, minute=15, id="backup",
                                   max_instances=1, coalesce=True)
        self.scheduler.start()
        threading.Thread(target=self._mail_loop, name="mailer", daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()
        self.mail_wakeup.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for worker in self.workers:
            worker.thread.join(timeout=15)

    def sync_staff(self) -> None:
        """The configuration's [[staff]] seeds an EMPTY staff table only: after that the admin
        page's staff area owns the list, and the file's list is not read again."""
        if not self.config.staff:
            return
        with self.db.write() as conn:
            if conn.execute("SELECT count(*) FROM staff").fetchone()[0]:
                return
            for member in self.config.staff:
                conn.execute("INSERT INTO staff (name, phone, email, notify_sms, notify_email) VALUES (?,?,?,?,?)",
                             (member.name, e164(member.phone) if member.phone else None, member.email,
                              int(member.notify_sms), int(member.notify_email)))

    def wake_workers(self) -> None:
        """New work is queued: idle workers look at once instead of at their next round."""
        for worker in self.workers:
            worker.wake()

    # -- jobs -------------------------------------------------------------------------------------
    def tick(self) -> int:
        """The reminder tick: queue what the plans say is due now (nothing while the clock is wrong)."""
        if not self.clock_check.state(self.clock.now()).ok:
            log.warning("reminders wait: %s", self.clock_check.state(self.clock.now()).reason)
            return 0
        current = self.settings.current()
        queued = reminders.tick(self.db, self.outbox, self.clock.now(), current.rules,
                                company=current.company, contact_phone=current.contact_phone,
                                per_customer_per_day=current.per_customer_per_day)
        if queued:
            log.info("%d reminder(s) queued", queued)
        return queued

    def nightly_backup(self) -> None:
        """A checked copy of the database into <its folder>/backups, the newest 7 kept."""
        try:
            backup.nightly(self.db.path, self.clock.now())
        except backup.BackupError as error:
            log.error("%s", error)
            self.notify_staff(f"backup-failed:{self.clock.now().date()}", f"夜間バックアップに失敗しました: {error}")

    def health(self) -> dict:
        """Scheduler, workers and clock, for /health and the dashboard (watchdog.health)."""
        return watchdog.health(self)

    def _mail_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                self.mailer.send_due(self.clock.now())
                if self.config.webhook_url:
                    webhook.deliver_due(self.db, self.clock.now())
            except Exception:
                log.exception("mailer")
            self.mail_wakeup.wait(5.0)
            self.mail_wakeup.clear()

    # -- called by the workers ------------------------------------------------------------------
    def sending_allowed(self, now: datetime) -> bool:
        return allowed(now, self.rules) and self.clock_check.state(now).ok

    def network_time(self, device: str, moment: datetime) -> None:
        """A modem told the network's time: judge the clock again, and tell staff when it is wrong."""
        self.clock_check.network_time(moment, device)
        state = self.clock_check.state(self.clock.now())
        if not state.ok:
            log.warning("clock: %s", state.reason)
            self.notify_staff(f"clock-wrong:{moment.date()}", state.reason)

    def register_sim(self, number: str, device: str, daily_cap: int) -> int:
        """A SIM is connected and ready: online, nothing wrong with it."""
        with self.db.write() as conn:
            conn.execute("INSERT INTO sims (number, device, daily_cap, online) VALUES (?,?,?,1)"
                         " ON CONFLICT(number) DO UPDATE SET device=excluded.device,"
                         " daily_cap=excluded.daily_cap, online=1, last_error=NULL, sim_lock=NULL",
                         (number, device, daily_cap))
            return conn.execute("SELECT id FROM sims WHERE number=?", (number,)).fetchone()[0]

    def register_sim_cap(self, sim_id: int, daily_cap: int) -> int:
        with self.db.write() as conn:
            conn.execute("UPDATE sims SET daily_cap=? WHERE id=?", (daily_cap, sim_id))
        return daily_cap

    def set_sim_online(self, sim_id: int, online: bool, error: str | None = None) -> None:
        with self.db.write() as conn:
            conn.execute("UPDATE sims SET online=?, last_error=? WHERE id=?", (int(online), error, sim_id))

    def sim_locked(self, number: str, device: str, daily_cap: int, lock: str, refused_pin: str | None) -> int:
        """A SIM that cannot be used until staff act (`lock`: 'pin' its PIN was refused, 'puk' it
        wants its PUK, 'no-pin' it wants a PIN and none is configured); `refused_pin`, the digest
        of a PIN it just refused, is kept so that PIN is not offered again. The SIM is listed (and
        the pages say why) even when it never connected. Returns its id."""
        with self.db.write() as conn:
            conn.execute("INSERT INTO sims (number, device, daily_cap, online, sim_lock, pin_refused)"
                         " VALUES (?,?,?,0,?,?) ON CONFLICT(number) DO UPDATE SET device=excluded.device,"
                         " online=0, sim_lock=excluded.sim_lock,"
                         " pin_refused=COALESCE(excluded.pin_refused, sims.pin_refused)",
                         (number, device, daily_cap, lock, refused_pin))
            return conn.execute("SELECT id FROM sims WHERE number=?", (number,)).fetchone()[0]

    def refused_pin(self, number: str) -> str | None:
        """The digest of the PIN this SIM refused last (worker.pin_digest), None when none."""
        row = self.db.one("SELECT pin_refused FROM sims WHERE number=?", (number,))
        return row[0] if row else None

    def forget_refused_pin(self, number: str) -> None:
        """The configuration now holds another PIN: it may be offered."""
        with self.db.write() as conn:
            conn.execute("UPDATE sims SET pin_refused=NULL WHERE number=?", (number,))

    def radio_read(self, sim_id: int, signal_dbm: int | None, registration: str | None,
                   operator: str | None, now: datetime) -> None:
        """What a modem said of its radio (worker._read_radio), for the dashboard and modems page."""
        with self.db.write() as conn:
            conn.execute("UPDATE sims SET signal_dbm=?, registration=?, operator=?, network_read_at=? WHERE id=?",
                         (signal_dbm, registration, operator, iso(now), sim_id))

    def message_received(self, received: Received) -> None:
        log.info("message from %s%s", received.sender, f" ({received.rule})" if received.rule else "")
        self.mail_wakeup.set()

    def sim_blocked(self, sim_id: int, reason: str) -> None:
        self.notify_staff(f"sim-blocked:{sim_id}:{self.clock.now().date()}",
                          f"SIM {sim_id} の送信が止められました（{reason}）。明日まで他のSIMで送信します。")

    def send_failed_permanently(self, message, reason: str, bad_number: bool = False) -> None:
        """Tell staff; a number that cannot get SMS is marked so on every customer record with
        that phone (appliance.customers), and nothing more is sent to it."""
        if message.kind == "forward":
            return
        if message.customer_id is not None:
            now = self.clock.now()
            with self.db.write() as conn:
                conn.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?,?,?,?)",
                             (iso(now), "system", "send.failed", f"{message.id}: {reason}"))
                if bad_number:
                    conn.execute("UPDATE customers SET sms_capable=0, notes=notes || ? , updated_at=? WHERE phone=?",
                                 (f"\nSMS不可: {failure_in_japanese(reason)}", iso(now), message.recipient))
                    customers.cancel_queued(self.outbox, conn, message.recipient, now)
        self.notify_staff(f"send-failed:{message.id}", f"送信失敗 {message.recipient}: {failure_in_japanese(reason)}")

    def notify_staff(self, key: str, text: str) -> None:
        """A short notice by SMS and e-mail to every staff member (once per key)."""
        now = self.clock.now()
        for staff in self.db.query("SELECT * FROM staff"):
            if staff["notify_sms"] and staff["phone"]:
                self.outbox.enqueue(key=f"notice:{key}:{staff['id']}", kind="forward", recipient=staff["phone"],
                                    body=text, not_before=now, now=now)
            if staff["notify_email"] and staff["email"]:
                with self.db.write() as conn:
                    conn.execute("INSERT OR IGNORE INTO emails (idempotency_key, to_addr, subject, body,"
                                 " not_before, created_at) VALUES (?,?,?,?,?,?)",
                                 (f"notice:{key}:{staff['id']}", staff["email"], "督促SMS お知らせ", text,
                                  iso(now), iso(now)))
        self.mail_wakeup.set()
