"""Services for the conversations area: replies threaded by phone number (one conversation per
customer's phone), answered from the page through the outbox, from the SIM the customer knows.

The caller writes the audit record of each change.
"""
from __future__ import annotations

import re

from modem import pdu
from appliance.services.core import page_of

PER_PAGE = 50
REPLY_KEY = re.compile(r"^[0-9a-f]{32}$")
THREAD_LIMIT = 300          # the newest messages each way shown on a thread page


class ConversationError(ValueError):
    """A reply or an assignment that cannot be made; the message is for people."""


class ConversationServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""

    def conversations(self, *, show: str = "open", page: int = 1, per_page: int = PER_PAGE) -> dict:
        """Conversations, newest message first: show='open' (not handled) or 'all'. Each row has
        the customer's name, the assigned staff member's name, unread and the last text."""
        where = " WHERE v.handled = 0" if show == "open" else ""
        total = self.db.one(f"SELECT count(*) FROM conversations v{where}")[0]
        page, pages = page_of(total, page, per_page)
        rows = [dict(r) for r in self.db.query(
            "SELECT v.id, v.phone, v.unread, v.handled, v.last_message_at, c.name AS customer,"
            " st.name AS staff, (SELECT text FROM inbox i WHERE i.conversation_id = v.id"
            "  ORDER BY i.received_at DESC, i.id DESC LIMIT 1) AS last_text"
            " FROM conversations v LEFT JOIN customers c ON c.id = v.customer_id"
            f" LEFT JOIN staff st ON st.id = v.assigned_staff_id{where}"
            " ORDER BY v.last_message_at DESC, v.id DESC LIMIT ? OFFSET ?", (per_page, (page - 1) * per_page))]
        unread = self.db.one("SELECT count(*) FROM conversations WHERE unread > 0")[0]
        return {"rows": rows, "total": total, "page": page, "pages": pages, "unread": unread}

    def conversation(self, conversation_id: int) -> dict | None:
        """One conversation with its messages both ways in time order (`messages`: dicts with
        direction 'in' or 'out', text, at, and status for outgoing ones), or None."""
        row = self.db.one(
            "SELECT v.*, c.name AS customer, c.opted_out, s.number AS sim_number, st.name AS staff"
            " FROM conversations v LEFT JOIN customers c ON c.id = v.customer_id"
            " LEFT JOIN sims s ON s.id = v.sim_id LEFT JOIN staff st ON st.id = v.assigned_staff_id"
            " WHERE v.id=?", (conversation_id,))
        if row is None:
            return None
        incoming = self.db.query(
            "SELECT 'in' AS direction, id, text, kind, rule, received_at AS at, NULL AS status FROM inbox"
            " WHERE conversation_id=? ORDER BY received_at DESC, id DESC LIMIT ?", (conversation_id, THREAD_LIMIT))
        outgoing = self.db.query(
            "SELECT 'out' AS direction, id, body AS text, kind, NULL AS rule, COALESCE(sent_at, created_at) AS at,"
            " status FROM outbox WHERE recipient=? ORDER BY id DESC LIMIT ?", (row["phone"], THREAD_LIMIT))
        messages = sorted((dict(m) for m in [*incoming, *outgoing]), key=lambda m: (m["at"], m["direction"]))
        return {**dict(row), "messages": messages}

    def mark_read(self, conversation_id: int) -> None:
        """Opening a thread clears its unread count."""
        with self.db.write() as conn:
            conn.execute("UPDATE conversations SET unread=0 WHERE id=? AND unread > 0", (conversation_id,))

    def reply(self, conversation_id: int, text: str, key: str) -> int | None:
        """Queue `text` to the conversation's phone from the SIM it knows (kind 'reply', due now;
        the worker keeps it for after quiet hours) and mark the conversation handled. `key` is
        the form's one-time 32-hex id, so a double click queues once: returns the new outbox id,
        or None when that key was used before. Raises ConversationError (empty text, unknown
        conversation, bad key, text too long to send)."""
        text = text.strip()
        if not text:
            raise ConversationError("返信の本文を入力してください")
        if not REPLY_KEY.match(key or ""):
            raise ConversationError("フォームが古くなっています。もう一度お試しください")
        row = self.db.one("SELECT * FROM conversations WHERE id=?", (conversation_id,))
        if row is None:
            raise ConversationError("会話が見つかりません")
        now = self.now()
        with self.db.write() as conn:
            try:
                message_id = self.outbox.enqueue(
                    key=f"page-reply:{key}", kind="reply", recipient=row["phone"], body=text, not_before=now,
                    now=now, customer_id=row["customer_id"], prefer_sim_id=row["sim_id"])
            except pdu.PduError as error:
                raise ConversationError(f"この本文は送れません（長すぎます）: {error}") from error
            conn.execute("UPDATE conversations SET handled=1, unread=0 WHERE id=?", (conversation_id,))
        return message_id

    def set_handled(self, conversation_id: int, handled: bool) -> bool:
        """Mark a conversation handled (or open again); False when there is no such conversation."""
        with self.db.write() as conn:
            return conn.execute("UPDATE conversations SET handled=?, unread=CASE WHEN ? THEN 0 ELSE unread END"
                                " WHERE id=?", (int(handled), int(handled), conversation_id)).rowcount == 1

    def assign(self, conversation_id: int, staff_id: int | None) -> str:
        """Assign a staff member (None: nobody); returns the staff member's name ('' for nobody).
        Raises ConversationError for an unknown staff member or conversation."""
        name = ""
        if staff_id is not None:
            staff = self.db.one("SELECT name FROM staff WHERE id=?", (staff_id,))
            if staff is None:
                raise ConversationError("担当者が見つかりません")
            name = staff["name"]
        with self.db.write() as conn:
            if not conn.execute("UPDATE conversations SET assigned_staff_id=? WHERE id=?",
                                (staff_id, conversation_id)).rowcount:
                raise ConversationError("会話が見つかりません")
        return name

    def staff_members(self) -> list[dict]:
        """Staff who can be assigned (id, name), by name."""
        return [dict(r) for r in self.db.query("SELECT id, name FROM staff ORDER BY name, id")]

