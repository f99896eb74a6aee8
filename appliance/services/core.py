"""What every area of the admin page needs: the database, the clock, users, the audit log."""
from __future__ import annotations

import secrets
from datetime import datetime

from appliance import settings, users
from appliance.clock import Clock, iso
from appliance.db import Database
from appliance.outbox import Outbox
from appliance.schedule import SendingRules


def page_of(total: int, page: int, per_page: int) -> tuple[int, int]:
    """(page, pages): the asked page kept within 1..pages; at least one page, even when empty."""
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages), pages


class Core:
    def __init__(self, db: Database, clock: Clock, *, defaults: settings.Settings | None = None,
                 rules: SendingRules | None = None, company: str = "", contact_phone: str = "",
                 cost_per_part: int = 3):
        """`defaults`: the configuration file's settings (appliance.settings.defaults(config));
        without it they are made of `rules`, `company`, `contact_phone` and `cost_per_part`. The
        settings page overrides them (appliance/settings.py)."""
        self.db, self.clock = db, clock
        if defaults is None:
            rules = rules or SendingRules()
            defaults = settings.Settings(company=company, contact_phone=contact_phone, quiet_start=rules.quiet_start,
                                         quiet_end=rules.quiet_end, skip_sundays=rules.skip_sundays,
                                         skip_holidays=rules.skip_holidays, cost_per_part=cost_per_part,
                                         zone=rules.zone)
        self.settings = settings.SettingsSource(db, defaults)
        self.outbox = Outbox(db, defaults.zone)

    # The settings in effect (the file's, as changed on the settings page).
    rules = property(lambda self: self.settings.current().rules)
    company = property(lambda self: self.settings.current().company)
    contact_phone = property(lambda self: self.settings.current().contact_phone)
    cost_per_part = property(lambda self: self.settings.current().cost_per_part)

    def now(self) -> datetime:
        return self.clock.now()

    def secret_key(self) -> str:
        """The session signing key, made once and kept in the database (sessions survive restarts)."""
        row = self.db.one("SELECT value FROM settings WHERE key='secret_key'")
        if row:
            return row[0]
        key = secrets.token_hex(32)
        with self.db.write() as conn:
            conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('secret_key', ?)", (key,))
        return self.db.one("SELECT value FROM settings WHERE key='secret_key'")[0]

    def appliance_health(self) -> dict | None:
        """Scheduler, modem workers and clock of the appliance in this process (appliance/watchdog.py
        health: ok, scheduler, modems, clock, problems -- Japanese sentences for the dashboard), or
        None when the page runs without one. `tokusoku run` sets appliance_health_source."""
        source = getattr(self, "appliance_health_source", None)
        return source() if source else None

    # -- users ----------------------------------------------------------------------------------
    def user_count(self) -> int:
        return users.count(self.db)

    def user(self, user_id: int) -> users.User | None:
        return users.get(self.db, user_id)

    def create_user(self, name: str, password: str, role: str, actor: str) -> users.User:
        return users.create(self.db, name, password, role, self.now(), actor)

    def login(self, name: str, password: str, address: str) -> users.User:
        return users.authenticate(self.db, name, password, address, self.now())

    def list_users(self) -> list[dict]:
        return [dict(r) for r in self.db.query("SELECT id, name, role, created_at FROM users ORDER BY id")]

    # -- audit ----------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, detail: str = "") -> None:
        with self.db.write() as conn:
            conn.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?,?,?,?)",
                         (iso(self.now()), actor, action, detail))

    def audit_log(self, limit: int = 200) -> list[dict]:
        return [dict(r) for r in self.db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))]

    def audit_page(self, *, actor: str = "", page: int = 1, per_page: int = 100) -> dict:
        """One page of the audit log, newest first, optionally of one actor: rows (at, actor,
        action, detail), total, page, pages and the actors seen (for a filter)."""
        where, params = (" WHERE actor = ?", (actor,)) if actor else ("", ())
        total = self.db.one(f"SELECT count(*) FROM audit{where}", params)[0]
        page, pages = page_of(total, page, per_page)
        rows = [dict(r) for r in self.db.query(f"SELECT * FROM audit{where} ORDER BY id DESC LIMIT ? OFFSET ?",
                                                (*params, per_page, (page - 1) * per_page))]
        actors = [r[0] for r in self.db.query("SELECT DISTINCT actor FROM audit ORDER BY actor")]
        return {"rows": rows, "total": total, "page": page, "pages": pages, "actors": actors}
