"""Reminder plans and the tick that queues their steps.

A tick looks at every open invoice and queues the latest plan step whose time has come, once
(key "reminder:<invoice>:<offset>"). Steps that passed unsent -- an invoice imported late, a box
switched off for a week -- are not sent late one after another: only the latest due step goes.
"""
from __future__ import annotations

import json
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

    Made for 100k open invoices: each (plan, due date) pair's latest due step is worked out
    once, SQLite returns only the invoices whose step is not queued yet (a tick with nothing
    new reads no invoice rows), and new reminders are written in chunks, each one transaction.
    A tick queues at most PER_TICK, the longest overdue first; the next tick goes on from there."""
    due = _due_steps(db, now, rules)
    if not due:
        return 0
    invoices = db.query(_NOT_YET_QUEUED, (json.dumps([[plan, day, step["offset_days"]]
                                                      for (plan, day), step in due.items()]), PER_TICK))
    slots = _HandsetDays(db, now, rules, per_customer_per_day, {invoice["phone"] for invoice in invoices})
    pending = []
    for invoice in invoices:
        step = due[invoice["plan_key"], invoice["due_date"]]
        facts = InvoiceFacts(invoice["name"], invoice["amount"], date.fromisoformat(invoice["due_date"]),
                             invoice["number"])
        pending.append(dict(key=f"reminder:{invoice['id']}:{step['offset_days']}", kind="reminder",
                            recipient=invoice["phone"],
                            body=render(step["body"], facts, company=company, contact_phone=contact_phone),
                            not_before=slots.take(invoice["phone"]),
                            customer_id=invoice["customer_id"], invoice_id=invoice["id"]))
    queued = sum(outbox.enqueue_many(pending[start:start + CHUNK], now) for start in range(0, len(pending), CHUNK))
    if queued and outbox.on_queued:
        outbox.on_queued()
    if len(invoices) == PER_TICK:
        log.info("%d reminders queued; more are due and follow at the next tick", queued)
    return queued


CHUNK = 2000     # reminders written per transaction: workers wait for the write lock no longer
# Reminders queued by one tick at most. After a large import the rest follow at the next ticks,
# so a tick stays short on a Pi (about a second here for 10,000), and 10,000 is more than eight
# SIMs may send in a week at the carriers' 200 a day.
PER_TICK = 10_000

# The open, reachable invoices whose latest due step (the JSON parameter: [plan key, due date,
# offset] triples, plan key 0 for invoices without a plan) has no reminder yet. The steps lead
# (CROSS JOIN): each is a range of the invoices_open index, and the idempotency key is looked up.
_NOT_YET_QUEUED = (
    "WITH due (plan_key, due_date, offset_days) AS (SELECT json_extract(value, '$[0]'),"
    " json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?))"
    " SELECT d.plan_key, i.id, i.number, i.amount, i.due_date, c.id AS customer_id, c.name, c.phone"
    " FROM due d CROSS JOIN invoices i ON i.status = 'open' AND i.due_date = d.due_date"
    " AND coalesce(i.plan_id, 0) = d.plan_key JOIN customers c ON c.id = i.customer_id"
    f" WHERE i.reminders_paused = 0 AND {REACHABLE} AND NOT EXISTS (SELECT 1 FROM outbox o"
    "  WHERE o.idempotency_key = 'reminder:' || i.id || ':' || d.offset_days)"
    " ORDER BY i.due_date, i.id LIMIT ?")


def _due_steps(db: Database, now: datetime, rules: SendingRules) -> dict[tuple[int, str], dict]:
    """(plan key, due date) -> the latest step due by now, for every due date of an open invoice
    and every plan (key 0: the default plan, for invoices without one; a plan without steps
    follows the default plan too)."""
    plans = _plans(db)
    keys = [0] + [row[0] for row in db.query("SELECT id FROM plans")]
    due = {}
    for (day,) in db.query("SELECT DISTINCT due_date FROM invoices WHERE status = 'open'"):
        for key in keys:
            step = _latest_due_step(plans.get(key) or plans.get(None) or [], date.fromisoformat(day), now, rules)
            if step is not None:
                due[key, day] = step
    return due


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
    sharing a number share the limit: a phone's next free moment. Knows the reminders already
    queued for `phones` from today on."""

    def __init__(self, db: Database, now: datetime, rules: SendingRules, limit: int, phones: set[str]):
        self.rules, self.limit = rules, limit
        self.first = next_allowed(now, rules)
        self.first_day = local_day(self.first, rules)
        start = datetime.combine(self.first_day, time(0), tzinfo=rules.zone)
        self.days: dict[str, Counter] = defaultdict(Counter)
        for phone, not_before in db.query(
                "SELECT recipient, not_before FROM outbox WHERE kind = 'reminder' AND status != 'cancelled'"
                " AND not_before >= ? AND recipient IN (SELECT value FROM json_each(?))",
                (iso(start), json.dumps(sorted(phones)))):
            self.days[phone][local_day(datetime.fromisoformat(not_before), rules)] += 1

    def take(self, phone: str) -> datetime:
        days, moment, day = self.days[phone], self.first, self.first_day
        while days[day] >= self.limit:
            moment = next_allowed(datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.rules.zone),
                                  self.rules)
            day = local_day(moment, self.rules)
        days[day] += 1
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
