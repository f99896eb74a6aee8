"""Customers and the handsets they share.

One phone can carry several customer records: the importer keeps 株式会社サンプル and (株)サンプル
apart when they share 090-1234-5678. What a person asks by SMS from that phone -- 停止 (opt-out),
払いました (pause until staff confirm) -- and the one-reminder-a-day limit belong to the handset,
so they cover every customer record with that E.164 number, including records created later.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime

from appliance.clock import iso

# Phones some customer record has opted out.
OPTED_OUT_PHONES = "SELECT phone FROM customers WHERE opted_out = 1 AND phone IS NOT NULL"
# A customer `c` who may get an SMS: a mobile number that no record on the same handset opted out.
REACHABLE = f"c.opted_out = 0 AND c.sms_capable = 1 AND c.phone IS NOT NULL AND c.phone NOT IN ({OPTED_OUT_PHONES})"


def on_handset(conn: sqlite3.Connection, phone: str) -> list[int]:
    """The ids of every customer record with this E.164 phone."""
    return [row[0] for row in conn.execute("SELECT id FROM customers WHERE phone = ? ORDER BY id", (phone,))]


def is_opted_out(conn: sqlite3.Connection, phone: str) -> bool:
    """True when any customer record on this phone opted out."""
    return conn.execute("SELECT 1 FROM customers WHERE phone = ? AND opted_out = 1 LIMIT 1",
                        (phone,)).fetchone() is not None


def set_opted_out(conn: sqlite3.Connection, outbox, phone: str, opted_out: bool, now: datetime) -> int:
    """Opt the handset out of SMS (or back in): every customer record on `phone`. Opting out
    cancels at once what is queued for any of them; returns how many messages were cancelled."""
    conn.execute("UPDATE customers SET opted_out = ?, updated_at = ? WHERE phone = ?",
                 (int(opted_out), iso(now), phone))
    return cancel_queued(outbox, conn, phone, now) if opted_out else 0


def pause_reminders(conn: sqlite3.Connection, outbox, phone: str, now: datetime) -> int:
    """A "paid" reply: every open invoice of every customer on `phone` waits until staff confirm;
    what is queued for them is cancelled. Returns how many messages were cancelled."""
    conn.execute("UPDATE invoices SET reminders_paused = 1, updated_at = ? WHERE status = 'open'"
                 " AND customer_id IN (SELECT id FROM customers WHERE phone = ?)", (iso(now), phone))
    return cancel_queued(outbox, conn, phone, now)


def cancel_queued(outbox, conn: sqlite3.Connection, phone: str, now: datetime) -> int:
    """Cancel reminders and campaigns queued for any customer on `phone` (inside the caller's
    transaction: Database.write joins it)."""
    return sum(outbox.cancel(now, customer_id=customer) for customer in on_handset(conn, phone))
