"""Reminder plans and the tick that queues their steps.

A tick looks at every open invoice and queues the latest plan step whose time has come, once
(key "reminder:<invoice>:<offset>"). Steps that passed unsent -- an invoice imported late, a box
switched off for a week -- are not sent late one after another: only the latest due step goes.
"""
from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from appliance.clock import iso
from appliance.customers import REACHABLE
from appliance.db import Database
from appliance.outbox import Outbox
from appliance.schedule import SendingRules, local_day, next_allowed, step_time
from appliance.templates import DEFAULT_PLAN, DEFAULT_TEMPLATES, InvoiceFacts, render

log = logging.getLogger(__name__)


def seed_defaults(db: Database) -> None:
    """The default templates and plan, when the database has none."""
    if db.one("SELECT 1 FROM plans LIMIT 1"):
        return
    with db.write() as conn:
        ids = {}
        for name, body in DEFAULT_TEMPLATES.items():
            ids[name] = conn.execute("INSERT INTO templates (name, body) VALUES (?,?)", (name, body)).lastrowid
        plan = conn.execute("INSERT INTO plans (name, is_default) VALUES ('標準プラン', 1)").lastrowid
        conn.executemany("INSERT INTO plan_steps (plan_id, offset_days, template_id, send_time) VALUES (?,?,?,?)",
                         [(plan, offset, ids[name], at) for offset, name, at in DEFAULT_PLAN])


def _plans(db: Database) -> dict[int | None, list]:
    steps: dict[int | None, list] = {}
    for row in db.query("SELECT s.plan_id, s.offset_days, s.send_time, t.body, p.is_default FROM plan_steps s"
                        " JOIN templates t ON t.id = s.template_id JOIN plans p ON p.id = s.plan_id"
                        " ORDER BY s.plan_id, s.offset_days"):
        steps.setdefault(row["plan_id"], []).append(row)
        if row["is_default"]:
            steps.setdefault(None, []).append(row)
    return steps


def tick(db: Database, outbox: Outbox, now: datetime, rules: SendingRules, *, company: str,
         contact_phone: str, per_customer_per_day: int = 1) -> int:
    """Queue what is due now; returns how many reminders were queued.

    Made for 100k open invoices: what was queued before and each customer's reminder days are
    read once, step times are computed once per due date, and new reminders are written in
    chunks, each one transaction."""
    plans = _plans(db)
    queued_before = {row[0] for row in db.query(
        "SELECT o.idempotency_key FROM outbox o JOIN invoices i ON i.id = o.invoice_id"
        " WHERE o.kind = 'reminder' AND i.status = 'open'")}
    slots = _HandsetDays(db, now, rules, per_customer_per_day)
    latest: dict[tuple, dict | None] = {}          # (plan, due date) -> its latest due step
    pending = []
    for invoice in db.query(
            "SELECT i.id, i.number, i.amount, i.due_date, i.plan_id, c.id AS customer_id, c.name, c.phone"
            " FROM invoices i JOIN customers c ON c.id = i.customer_id"
            f" WHERE i.status = 'open' AND i.reminders_paused = 0 AND {REACHABLE}"):
        plan = invoice["plan_id"] if invoice["plan_id"] in plans else None
        if (plan, invoice["due_date"]) not in latest:
            latest[plan, invoice["due_date"]] = _latest_due_step(
                plans.get(plan) or [], date.fromisoformat(invoice["due_date"]), now, rules)
        step = latest[plan, invoice["due_date"]]
        if step is None:
            continue
        key = f"reminder:{invoice['id']}:{step['offset_days']}"
        if key in queued_before:
            continue
        facts = InvoiceFacts(invoice["name"], invoice["amount"], date.fromisoformat(invoice["due_date"]),
                             invoice["number"])
        pending.append(dict(key=key, kind="reminder", recipient=invoice["phone"],
                            body=render(step["body"], facts, company=company, contact_phone=contact_phone),
                            not_before=slots.take(invoice["phone"]),
                            customer_id=invoice["customer_id"], invoice_id=invoice["id"]))
    queued = sum(outbox.enqueue_many(pending[start:start + CHUNK], now) for start in range(0, len(pending), CHUNK))
    if queued and outbox.on_queued:
        outbox.on_queued()
    return queued


CHUNK = 2000     # reminders written per transaction: workers wait for the write lock no longer


@lru_cache(maxsize=4096)
def _step_time(due: date, offset_days: int, send_time: str, rules: SendingRules) -> datetime:
    hour, minute = map(int, send_time.split(":"))
    return step_time(due, offset_days, time(hour, minute), rules)


def _latest_due_step(steps, due: date, now: datetime, rules: SendingRules):
    latest = None
    for step in steps:
        if _step_time(due, step["offset_days"], step["send_time"], rules) <= now:
            latest = step
    return latest


class _HandsetDays:
    """At most `limit` reminders per phone per local day -- per handset, so customer records
    sharing a number share the limit: a phone's next free moment."""

    def __init__(self, db: Database, now: datetime, rules: SendingRules, limit: int):
        self.rules, self.limit = rules, limit
        self.first = next_allowed(now, rules)
        start = datetime.combine(local_day(self.first, rules), time(0), tzinfo=rules.zone)
        self.days: dict[str, Counter] = defaultdict(Counter)
        for phone, not_before in db.query(
                "SELECT recipient, not_before FROM outbox WHERE kind = 'reminder' AND status != 'cancelled'"
                " AND not_before >= ?", (iso(start),)):
            self.days[phone][local_day(datetime.fromisoformat(not_before), rules)] += 1

    def take(self, phone: str) -> datetime:
        days, moment = self.days[phone], self.first
        while days[local_day(moment, self.rules)] >= self.limit:
            following = local_day(moment, self.rules) + timedelta(days=1)
            moment = next_allowed(datetime.combine(following, time(0), tzinfo=self.rules.zone), self.rules)
        days[local_day(moment, self.rules)] += 1
        return moment


def mark_paid(db: Database, outbox: Outbox, invoice_id: int, now: datetime, actor: str) -> int:
    """The invoice is paid: record it and cancel what was queued for it at once. Returns how many
    queued messages were cancelled."""
    with db.write() as conn:
        conn.execute("UPDATE invoices SET status='paid', paid_at=?, updated_at=? WHERE id=?",
                     (iso(now), iso(now), invoice_id))
        conn.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?,?,?,?)",
                     (iso(now), actor, "invoice.paid", str(invoice_id)))
    return outbox.cancel(now, invoice_id=invoice_id)
