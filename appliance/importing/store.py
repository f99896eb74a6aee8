"""Writing valid invoice rows to the database: all in one transaction, or nothing.

Customers are matched by phone and name: an existing customer with the same E.164 phone whose
name is the same after NFKC and removal of spaces is reused, otherwise a customer is created.
An invoice number already in the database is updated (customer, amount, due date) only while it
is 'open'; a paid, cancelled or disputed invoice is a row error and keeps its values.
One audit row (action 'import') records what a committed import did.
"""
from __future__ import annotations

import json
import sqlite3

from appliance.clock import Clock, iso
from appliance.customers import is_opted_out
from appliance.importing.fields import name_key
from appliance.importing.report import ImportReport, InvoiceRow, RowError

_CLOSED = {"paid": "この請求書はすでに支払済みのため更新できません",
           "cancelled": "この請求書は取消済みのため更新できません",
           "disputed": "この請求書は係争中のため更新できません"}


class _Rollback(Exception):
    """Undo the transaction: a dry run, or row errors in all-or-nothing mode."""


def save(db, report: ImportReport, *, clock: Clock, actor: str = "cli") -> ImportReport:
    """Write report.invoices to `db` in one transaction and set report.imported/created/updated/
    committed. With any row error (from the file or found here) and not report.valid_only,
    nothing is written. A dry run does the same work and rolls it back."""
    now = iso(clock.now())
    outcome = {"created": 0, "updated": 0, "written": []}
    try:
        with db.write() as conn:
            for invoice in report.invoices:
                error = _store_one(conn, invoice, now, outcome)
                if error:
                    report.errors.append(error)
            blocked = bool(report.errors) and not report.valid_only
            if blocked or report.dry_run or not outcome["written"]:
                raise _Rollback
            conn.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, 'import', ?)",
                         (now, actor, _summary(report, outcome)))
    except _Rollback:
        pass
    else:
        report.committed = True
    if report.errors and not report.valid_only:
        outcome = {"created": 0, "updated": 0, "written": []}
    report.invoices = [i for i in report.invoices if not any(e.row == i.row for e in report.errors)]
    report.imported = len(outcome["written"])
    report.created, report.updated = outcome["created"], outcome["updated"]
    return report


def _store_one(conn: sqlite3.Connection, invoice: InvoiceRow, now: str, outcome: dict) -> RowError | None:
    existing = conn.execute("SELECT id, status FROM invoices WHERE number = ?", (invoice.number,)).fetchone()
    if existing and existing["status"] != "open":
        return RowError(invoice.row, "number", _CLOSED.get(existing["status"], "更新できない状態の請求書です"),
                        invoice.number)
    customer_id = _customer(conn, invoice, now)
    due = invoice.due_date.isoformat()
    if existing:
        conn.execute("UPDATE invoices SET customer_id = ?, amount = ?, due_date = ?, updated_at = ? "
                     "WHERE id = ?", (customer_id, invoice.amount, due, now, existing["id"]))
        outcome["updated"] += 1
    else:
        conn.execute("INSERT INTO invoices (number, customer_id, amount, due_date, status, created_at, "
                     "updated_at) VALUES (?, ?, ?, ?, 'open', ?, ?)",
                     (invoice.number, customer_id, invoice.amount, due, now, now))
        outcome["created"] += 1
    outcome["written"].append(invoice.number)
    return None


def _customer(conn: sqlite3.Connection, invoice: InvoiceRow, now: str) -> int:
    """The id of the customer with this phone and (normalised) name, created when there is none;
    a new customer on a handset that opted out starts opted out (appliance.customers)."""
    key = name_key(invoice.name)
    for row in conn.execute("SELECT id, name FROM customers WHERE phone = ? ORDER BY id", (invoice.phone,)):
        if name_key(row["name"]) == key:
            return row["id"]
    cursor = conn.execute("INSERT INTO customers (name, phone, sms_capable, opted_out, created_at, updated_at) "
                          "VALUES (?, ?, 1, ?, ?, ?)",
                          (invoice.name, invoice.phone, int(is_opted_out(conn, invoice.phone)), now, now))
    return cursor.lastrowid


def _summary(report: ImportReport, outcome: dict) -> str:
    return json.dumps({"file": report.file, "rows": report.rows, "imported": len(outcome["written"]),
                       "created": outcome["created"], "updated": outcome["updated"],
                       "errors": len(report.errors), "valid_only": report.valid_only},
                      ensure_ascii=False)
