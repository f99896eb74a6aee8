"""Reminder plans and the tick that queues their steps.

A tick looks at every open invoice and queues the latest plan step whose time has come, once
(key "reminder:<invoice>:<offset>"). Steps that passed unsent -- an invoice imported late, a box
switched off for a week -- are not sent late one after another: only the latest due step goes.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from appliance.clock import iso
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
    """Queue what is due now; returns how many reminders were queued."""
    plans = _plans(db)
    queued = 0
    for invoice in db.query(
            "SELECT i.id, i.number, i.amount, i.due_date, i.plan_id, c.id AS customer_id, c.name, c.phone"
            " FROM invoices i JOIN customers c ON c.id = i.customer_id"
            " WHERE i.status = 'open' AND i.reminders_paused = 0 AND c.opted_out = 0"
            " AND c.sms_capable = 1 AND c.phone IS NOT NULL"):
        step = _latest_due_step(plans.get(invoice["plan_id"]) or plans.get(None) or [],
                                date.fromisoformat(invoice["due_date"]), now, rules)
        if step is None:
            continue
        facts = InvoiceFacts(invoice["name"], invoice["amount"], date.fromisoformat(invoice["due_date"]),
                             invoice["number"])
        body = render(step["body"], facts, company=company, contact_phone=contact_phone)
        not_before = _customer_slot(db, invoice["customer_id"], now, rules, per_customer_per_day)
        if outbox.enqueue(key=f"reminder:{invoice['id']}:{step['offset_days']}", kind="reminder",
                          recipient=invoice["phone"], body=body, not_before=not_before, now=now,
                          customer_id=invoice["customer_id"], invoice_id=invoice["id"]):
            queued += 1
    return queued


def _latest_due_step(steps, due: date, now: datetime, rules: SendingRules):
    latest = None
    for step in steps:
        hour, minute = map(int, step["send_time"].split(":"))
        if step_time(due, step["offset_days"], time(hour, minute), rules) <= now:
            latest = step
    return latest


def _customer_slot(db: Database, customer_id: int, now: datetime, rules: SendingRules, limit: int) -> datetime:
    """Now, or the first allowed moment of a later day when the customer already has `limit`
    reminders on that day (at most one reminder per customer per day by default)."""
    moment = next_allowed(now, rules)
    days = [local_day(datetime.fromisoformat(r[0]), rules) for r in db.query(
        "SELECT not_before FROM outbox WHERE customer_id=? AND kind='reminder' AND status != 'cancelled'",
        (customer_id,))]
    while days.count(local_day(moment, rules)) >= limit:
        following = local_day(moment, rules) + timedelta(days=1)
        moment = next_allowed(datetime.combine(following, time(0), tzinfo=rules.zone), rules)
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
