"""Services for the outbox area of the admin page: what was sent, and what staff do about it.

Staff may cancel what still waits, queue again what failed or expired (the same row, so the same
idempotency key: it cannot become two messages), and decide an `uncertain` message, which is never
resent by itself (DESIGN.md). The caller writes the audit record of each change.
"""
from __future__ import annotations

from datetime import datetime

from appliance.clock import iso
from appliance.phones import e164
from appliance.services.core import page_of

STATUSES = ("queued", "sending", "sent", "delivered", "failed", "expired", "retry", "uncertain", "cancelled")
KINDS = ("reminder", "campaign", "reply", "forward", "test")
PER_PAGE = 50


class OutboxServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""

    def outbox_page(self, *, status: str = "", kind: str = "", search: str = "", page: int = 1,
                    per_page: int = PER_PAGE) -> dict:
        """One page of messages, newest first, filtered by status, kind and a recipient number or
        customer name fragment. Unknown status or kind values are ignored. Returns rows (dicts with
        the customer's name), total, page, pages and the count of each status."""
        where, params = [], []
        if status in STATUSES:
            where.append("o.status = ?")
            params.append(status)
        if kind in KINDS:
            where.append("o.kind = ?")
            params.append(kind)
        search = search.strip()
        if search:
            number = e164(search)
            if number and number.startswith("+") and len(number) >= 12:
                where.append("o.recipient = ?")                     # a whole number: the index
                params.append(number)
            else:
                digits = "".join(ch for ch in search if ch.isdigit()).lstrip("0")
                clauses = ["o.customer_id IN (SELECT id FROM customers WHERE name LIKE ? ESCAPE '\\')"]
                params.append(f"%{_escape_like(search)}%")
                if digits:
                    clauses.append("o.recipient LIKE ?")
                    params.append(f"%{digits}%")
                where.append(f"({' OR '.join(clauses)})")
        sql_where = f" WHERE {' AND '.join(where)}" if where else ""
        total = self.db.one(f"SELECT count(*) FROM outbox o{sql_where}", tuple(params))[0]
        page, pages = page_of(total, page, per_page)
        rows = [dict(r) for r in self.db.query(
            "SELECT o.id, o.kind, o.recipient, o.body, o.parts, o.status, o.attempts, o.last_error,"
            " o.not_before, o.created_at, o.sent_at, o.delivered_at, o.invoice_id, c.name AS customer,"
            " s.number AS sim_number FROM outbox o LEFT JOIN customers c ON c.id = o.customer_id"
            f" LEFT JOIN sims s ON s.id = o.sim_id{sql_where}"
            " ORDER BY o.id DESC LIMIT ? OFFSET ?", (*params, per_page, (page - 1) * per_page))]
        return {"rows": rows, "total": total, "page": page, "pages": pages, "counts": self.outbox.counts()}

    def outbox_message(self, message_id: int) -> dict | None:
        """One outbox row as a dict, or None."""
        row = self.db.one("SELECT * FROM outbox WHERE id=?", (message_id,))
        return dict(row) if row else None

    def cancel_message(self, message_id: int) -> bool:
        """Cancel one message still waiting (queued or retry); False when it was not waiting."""
        return self.outbox.cancel(self.now(), message_id=message_id) == 1

    def retry_message(self, message_id: int) -> bool:
        """Queue a failed or expired message again, due now; attempts are kept (the count of what
        the modems tried). False when the message was not failed or expired."""
        now = iso(self.now())
        with self.db.write() as conn:
            return conn.execute(
                "UPDATE outbox SET status='queued', not_before=?, updated_at=? WHERE id=?"
                " AND status IN ('failed','expired')", (now, now, message_id)).rowcount == 1

    def decide_uncertain(self, message_id: int, decision: str) -> bool:
        """Staff settle an `uncertain` message: 'sent' (it went out: counted against its SIM's
        cap on the day it was tried, the parts not counted already when it became uncertain; a
        status report arriving later still settles it) or
        'resend' (queue it again, due now). False when the message is no longer uncertain."""
        if decision not in ("sent", "resend"):
            raise ValueError(f"unknown decision {decision!r}")
        now = self.now()
        with self.db.write() as conn:
            row = conn.execute("SELECT * FROM outbox WHERE id=? AND status='uncertain'", (message_id,)).fetchone()
            if row is None:
                return False
            if decision == "resend":
                conn.execute("UPDATE outbox SET status='queued', not_before=?, updated_at=? WHERE id=?",
                             (iso(now), iso(now), message_id))
                return True
            tried = datetime.fromisoformat(row["updated_at"])
            conn.execute("UPDATE outbox SET status='sent', sent_at=COALESCE(sent_at, ?), updated_at=? WHERE id=?",
                         (row["updated_at"], iso(now), message_id))
            if row["sim_id"] is not None:           # what was not counted when it became uncertain
                self.outbox.count_message_parts(conn, message_id, row["sim_id"], self.outbox._day(tried),
                                                max(0, row["parts"] - row["parts_counted"]))
        return True


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
