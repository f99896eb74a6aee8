"""Services for the invoices area of the admin page: search, detail with the message history,
paid / disputed, edits, opt-out, CSV export."""
from __future__ import annotations

import re
import unicodedata

from appliance import customers, reminders
from appliance.clock import iso
from appliance.importing import export_invoices
from appliance.importing.errors import FieldError
from appliance.importing.fields import parse_amount, parse_date, parse_name, parse_phone
from appliance.schedule import local_day
from appliance.services.core import page_of

PER_PAGE = 50
STATUSES = ("open", "paid", "disputed", "cancelled")


class InvoiceEditError(ValueError):
    """An edit that cannot be saved; the message (Japanese) says which field and why."""


class InvoiceServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""

    def today(self):
        """The business's local date now."""
        return local_day(self.now(), self.rules)

    def search_invoices(self, query: str = "", status: str | None = None, overdue: bool = False,
                        page: int = 1, per_page: int = PER_PAGE) -> dict:
        """One page of invoices with their customer, newest due date first. `query` matches the
        invoice number, the customer's name or phone (as typed, or in E.164); `overdue` keeps open
        invoices past their due date. Returns {rows, total, page, pages}."""
        where, params = [], []
        query = (query or "").strip()
        if query:
            like = f"%{query}%"
            terms = ["i.number LIKE ?", "c.name LIKE ?", "c.phone LIKE ?"]
            params += [like, like, like]
            phone = _phone_pattern(query)
            if phone:
                terms.append("c.phone LIKE ?")
                params.append(phone)
            where.append("(" + " OR ".join(terms) + ")")
        if status in STATUSES:
            where.append("i.status = ?")
            params.append(status)
        if overdue:
            where.append("i.status = 'open' AND i.due_date < ?")
            params.append(self.today().isoformat())
        sql_where = (" WHERE " + " AND ".join(where)) if where else ""
        base = " FROM invoices i JOIN customers c ON c.id = i.customer_id" + sql_where
        counted = base if query else " FROM invoices i" + sql_where      # the join costs half the time
        total = self.db.one("SELECT count(*)" + counted, tuple(params))[0]
        page, pages = page_of(total, page, per_page)
        rows = self.db.query(
            "SELECT i.id, i.number, i.amount, i.due_date, i.status, i.reminders_paused, c.id AS customer_id,"
            " c.name, c.phone, c.opted_out" + base + " ORDER BY i.due_date DESC, i.id DESC LIMIT ? OFFSET ?",
            (*params, per_page, (page - 1) * per_page))
        return {"rows": [dict(r) for r in rows], "total": total, "page": page, "pages": pages}

    def invoice(self, invoice_id: int) -> dict | None:
        """The invoice with its customer's fields (name, phone, opted_out, sms_capable), or None."""
        row = self.db.one(
            "SELECT i.*, c.name, c.phone, c.opted_out, c.sms_capable FROM invoices i"
            " JOIN customers c ON c.id = i.customer_id WHERE i.id = ?", (invoice_id,))
        return dict(row) if row else None

    def invoice_history(self, invoice_id: int) -> dict:
        """Everything sent about this invoice or to its customer (outbox, newest first), the
        customer's replies (inbox of their conversation) and their other invoices."""
        invoice = self.invoice(invoice_id)
        if invoice is None:
            return {"outbox": [], "inbox": [], "others": []}
        customer = invoice["customer_id"]
        outbox = self.db.query(
            "SELECT id, kind, invoice_id, recipient, body, parts, status, last_error, not_before, created_at,"
            " sent_at, delivered_at FROM outbox WHERE invoice_id = ? OR customer_id = ?"
            " ORDER BY created_at DESC, id DESC", (invoice_id, customer))
        inbox = self.db.query(
            "SELECT m.id, m.sender, m.text, m.kind, m.rule, m.received_at FROM inbox m"
            " JOIN conversations v ON v.id = m.conversation_id"
            " WHERE v.customer_id = ? OR (v.phone = ? AND v.customer_id IS NULL)"
            " ORDER BY m.received_at DESC, m.id DESC", (customer, invoice["phone"] or ""))
        others = self.db.query("SELECT id, number, amount, due_date, status FROM invoices"
                               " WHERE customer_id = ? AND id != ? ORDER BY due_date DESC", (customer, invoice_id))
        return {"outbox": [dict(r) for r in outbox], "inbox": [dict(r) for r in inbox],
                "others": [dict(r) for r in others]}

    def mark_invoice_paid(self, invoice_id: int, actor: str) -> int:
        """Mark paid (reminders.mark_paid: audited, queued reminders cancelled at once);
        returns how many queued messages were cancelled."""
        return reminders.mark_paid(self.db, self.outbox, invoice_id, self.now(), actor)

    def mark_invoice_disputed(self, invoice_id: int) -> int:
        """The customer disputes the invoice: no more reminders until staff reopen it. Cancels
        what is queued for it; returns how many messages were cancelled."""
        self._set_status(invoice_id, "disputed")
        return self.outbox.cancel(self.now(), invoice_id=invoice_id)

    def reopen_invoice(self, invoice_id: int) -> None:
        """Back to 'open' (reminders resume at the next tick, unpaused)."""
        self._set_status(invoice_id, "open")

    def _set_status(self, invoice_id: int, status: str) -> None:
        with self.db.write() as conn:
            conn.execute("UPDATE invoices SET status = ?, paid_at = NULL, reminders_paused = 0, updated_at = ?"
                         " WHERE id = ?", (status, iso(self.now()), invoice_id))

    def update_invoice(self, invoice_id: int, *, amount: str, due_date: str, name: str, phone: str) -> dict:
        """Check the values as the CSV import does (same parsers, same Japanese messages) and save
        them; name and phone belong to the customer, so all their invoices show the change. Queued
        messages to the customer follow a new phone. Raises InvoiceEditError; returns what changed."""
        invoice = self.invoice(invoice_id)
        if invoice is None:
            raise InvoiceEditError("請求書が見つかりません")
        values = {}
        for field, label, parse, raw in (("amount", "金額", parse_amount, amount),
                                         ("due_date", "支払期日", parse_date, due_date),
                                         ("name", "取引先名", parse_name, name),
                                         ("phone", "電話番号", parse_phone, phone)):
            try:
                values[field] = parse(raw)
            except FieldError as error:
                raise InvoiceEditError(f"{label}: {error}") from None
        tel = values["phone"]
        now = iso(self.now())
        new = {"amount": values["amount"], "due_date": values["due_date"].isoformat(), "name": values["name"],
               "phone": tel.e164}
        changed = {k: v for k, v in new.items() if invoice[k] != v}
        with self.db.write() as conn:
            conn.execute("UPDATE invoices SET amount = ?, due_date = ?, updated_at = ? WHERE id = ?",
                         (new["amount"], new["due_date"], now, invoice_id))
            conn.execute("UPDATE customers SET name = ?, phone = ?, sms_capable = ?, updated_at = ? WHERE id = ?",
                         (new["name"], tel.e164, int(tel.sms_capable), now, invoice["customer_id"]))
            if "phone" in changed:
                conn.execute("UPDATE outbox SET recipient = ?, updated_at = ? WHERE customer_id = ?"
                             " AND status IN ('queued','retry')", (tel.e164, now, invoice["customer_id"]))
        if not tel.sms_capable:
            self.outbox.cancel(self.now(), customer_id=invoice["customer_id"])
        return changed

    def set_opted_out(self, customer_id: int, opted_out: bool) -> int:
        """Opt the customer's handset out of (or back into) SMS: every customer record on that
        phone (appliance.customers); opting out cancels what is queued for them at once. Returns
        how many messages were cancelled."""
        with self.db.write() as conn:
            phone = conn.execute("SELECT phone FROM customers WHERE id = ?", (customer_id,)).fetchone()[0]
            if phone is None:
                conn.execute("UPDATE customers SET opted_out = ?, updated_at = ? WHERE id = ?",
                             (int(opted_out), iso(self.now()), customer_id))
                return self.outbox.cancel(self.now(), customer_id=customer_id) if opted_out else 0
            return customers.set_opted_out(conn, self.outbox, phone, opted_out, self.now())

    def export_invoices_csv(self, status: str | None = None) -> bytes:
        """The invoices (all, or with `status`) as the importer's CSV: UTF-8 BOM, CRLF, cells
        starting with = + - @ defused (appliance.importing.export)."""
        return export_invoices(self.db, status if status in STATUSES else None)


def _phone_pattern(text: str) -> str | None:
    """'090-1234' as typed -> '+81901234%' in E.164 (a LIKE pattern); None when not a phone."""
    digits = re.sub(r"[\s\-()（）ー－]", "", unicodedata.normalize("NFKC", text))
    if not re.fullmatch(r"\+?\d{3,15}", digits):
        return None
    if digits.startswith("0"):
        digits = "+81" + digits[1:]
    return digits + "%" if digits.startswith("+") else f"%{digits}%"
