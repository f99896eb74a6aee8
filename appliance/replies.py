"""Incoming SMS: stored raw, joined, matched to a customer, keyword rules, forwarded to staff.

Each part is committed before the modem deletes it; a part read twice (a crash between commit
and delete) is recognised by its digest and counts once. Parts are joined across restarts
because they wait in the database, not in memory.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from appliance.clock import iso
from appliance.db import Database
from appliance.outbox import Outbox
from appliance import customers, webhook
from appliance.phones import e164
from modem import pdu

log = logging.getLogger(__name__)

STOP_WORDS = ("停止", "stop", "ストップ", "配信停止", "送らないで")
PAID_WORDS = ("払いました", "振り込みました", "振込みました", "振込しました", "支払済", "支払い済",
              "支払いました", "入金しました", "振込済", "払った")
WITHHELD = "非通知"                    # the sender of a call whose caller id is withheld
STAFF_ANSWER = re.compile(r"^\s*[#＃](\d+)\s*(.*)$", re.S)


@dataclass
class ReplySettings:
    stop_words: tuple[str, ...] = STOP_WORDS
    paid_words: tuple[str, ...] = PAID_WORDS
    forward_max_chars: int = 140          # the forward SMS stays short (2 UCS-2 parts at most)
    digest_max_parts: int = 6             # forwards waiting together are joined up to this size
    webhook_url: str | None = None        # each reply also POSTed here as JSON


@dataclass
class Received:
    """A whole incoming message after rules, for the caller to log or show."""
    inbox_id: int
    sender: str
    text: str
    rule: str | None
    conversation_id: int | None
    staff_answer: bool = False
    forwards: list[int] = field(default_factory=list)


def rule_for(text: str, settings: ReplySettings) -> str | None:
    """'opt-out', 'paid' or None, by keyword (NFKC, case-insensitive)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if any(word.casefold() in folded for word in settings.stop_words):
        return "opt-out"
    if any(word in folded for word in settings.paid_words):
        return "paid"
    return None


class Inbox:
    def __init__(self, db: Database, outbox: Outbox, settings: ReplySettings | None = None):
        self.db, self.outbox = db, outbox
        self.settings = settings or ReplySettings()

    # -- parts ----------------------------------------------------------------------------------
    def store_part(self, sim_id: int, pdu_hex: str, message: pdu.Deliver, now: datetime) -> Received | None:
        """Commit one received part (idempotent); returns the whole message once it is complete."""
        digest = hashlib.sha256(f"{sim_id}:{pdu_hex.upper()}".encode()).hexdigest()
        concat = message.concat
        key = (f"{message.sender}:{concat.ref}:{concat.total}:{concat.ref_bits}"
               if concat and concat.total > 1 else None)
        with self.db.write() as conn:
            inserted = conn.execute(
                "INSERT OR IGNORE INTO inbox_parts (sim_id, pdu, digest, sender, concat_key, seq, total,"
                " received_at) VALUES (?,?,?,?,?,?,?,?)",
                (sim_id, pdu_hex, digest, message.sender, key, concat.seq if key else 1,
                 concat.total if key else 1, iso(now))).rowcount
            if not inserted:
                return None
            part_id = conn.execute("SELECT id FROM inbox_parts WHERE digest=?", (digest,)).fetchone()[0]
            parts = self._complete_parts(conn, key, part_id)
            if parts is None:
                return None
            text = "".join(pdu.decode(p["pdu"]).text for p in parts)
            received = self._message(conn, sim_id, message.sender, text, now)
            conn.execute(f"UPDATE inbox_parts SET message_id=? WHERE id IN ({','.join('?' * len(parts))})",
                         (received.inbox_id, *[p["id"] for p in parts]))
            return received

    @staticmethod
    def _complete_parts(conn, key: str | None, part_id: int):
        if key is None:
            return conn.execute("SELECT id, pdu FROM inbox_parts WHERE id=?", (part_id,)).fetchall()
        rows = conn.execute("SELECT id, pdu, seq, total FROM inbox_parts WHERE concat_key=? AND message_id IS NULL"
                            " ORDER BY seq, id", (key,)).fetchall()
        by_seq = {}
        for row in rows:
            by_seq.setdefault(row["seq"], row)
        total = rows[0]["total"] if rows else 0
        return [by_seq[s] for s in sorted(by_seq)] if len(by_seq) == total else None

    # -- whole messages -------------------------------------------------------------------------
    def _message(self, conn, sim_id: int | None, sender: str, text: str, now: datetime,
                 kind: str = "sms") -> Received:
        phone = e164(sender) or sender
        staff = conn.execute("SELECT id, name FROM staff WHERE phone=?", (phone,)).fetchone()
        answer = STAFF_ANSWER.match(text) if staff else None
        if answer:
            return self._staff_answer(conn, staff, int(answer.group(1)), answer.group(2).strip(), phone, text, now)
        customer = conn.execute("SELECT * FROM customers WHERE phone=? ORDER BY id DESC LIMIT 1",
                                (phone,)).fetchone()
        conversation_id = self._conversation(conn, phone, customer, sim_id, now)
        rule = rule_for(text, self.settings) if customer and kind == "sms" else None
        inbox_id = conn.execute(
            "INSERT INTO inbox (conversation_id, sender, sim_id, text, kind, rule, received_at)"
            " VALUES (?,?,?,?,?,?,?)", (conversation_id, phone, sim_id, text, kind, rule, iso(now))).lastrowid
        if rule:
            self._apply_rule(conn, rule, phone, now)
        received = Received(inbox_id, phone, text, rule, conversation_id)
        received.forwards = self._forward(conn, received, customer, now)
        return received

    def record_call(self, sim_id: int | None, number: str | None, now: datetime) -> Received | None:
        """An incoming call: logged once per caller per minute and passed on as a missed call.
        An empty number (+CLIP "" : caller id withheld) is the caller 非通知."""
        phone = e164(number or "") or (number or "").strip() or WITHHELD
        with self.db.write() as conn:
            recent = conn.execute("SELECT 1 FROM inbox WHERE sender=? AND kind='call' AND received_at > ?",
                                  (phone, iso(now - timedelta(minutes=1)))).fetchone()
            if recent:
                return None
            return self._message(conn, sim_id, phone, "（不在着信）", now, kind="call")

    @staticmethod
    def _conversation(conn, phone: str, customer, sim_id: int | None, now: datetime) -> int:
        conn.execute("INSERT INTO conversations (phone, customer_id, sim_id, unread, last_message_at)"
                     " VALUES (?,?,?,1,?) ON CONFLICT(phone) DO UPDATE SET unread = unread + 1, handled = 0,"
                     " last_message_at = excluded.last_message_at,"
                     " customer_id = COALESCE(excluded.customer_id, customer_id),"
                     " sim_id = COALESCE(excluded.sim_id, sim_id)",
                     (phone, customer["id"] if customer else None, sim_id, iso(now)))
        return conn.execute("SELECT id FROM conversations WHERE phone=?", (phone,)).fetchone()[0]

    def _apply_rule(self, conn, rule: str, phone: str, now: datetime) -> None:
        """The rule covers the handset: every customer record on `phone` (appliance.customers)."""
        if rule == "opt-out":
            customers.set_opted_out(conn, self.outbox, phone, True, now)
        else:  # "paid": reminders wait until staff confirm
            customers.pause_reminders(conn, self.outbox, phone, now)
        conn.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?,?,?,?)",
                     (iso(now), "system", f"reply.{rule}",
                      f"{phone}: " + ",".join(map(str, customers.on_handset(conn, phone)))))

    def _staff_answer(self, conn, staff, code: int, text: str, phone: str, original: str, now: datetime) -> Received:
        conversation = conn.execute("SELECT * FROM conversations WHERE id=?", (code,)).fetchone()
        inbox_id = conn.execute(
            "INSERT INTO inbox (conversation_id, sender, text, kind, rule, received_at) VALUES (?,?,?,?,?,?)",
            (conversation["id"] if conversation else None, phone, original, "staff", "staff-answer",
             iso(now))).lastrowid
        received = Received(inbox_id, phone, original, "staff-answer",
                            conversation["id"] if conversation else None, staff_answer=True)
        if conversation is None or not text or conversation["phone"] == WITHHELD:
            problem = ("の会話が見つかりません。" if conversation is None else
                       "は非通知の着信のため返信できません。" if conversation["phone"] == WITHHELD else
                       "の返信の本文がありません。")
            log.warning("staff %s answered #%s: %s", staff["name"], code, problem)
            message = self.outbox.enqueue(key=f"staff-answer:{inbox_id}", kind="forward", recipient=phone,
                                          body=f"#{code} {problem}", not_before=now, now=now)
            received.forwards = [message] if message else []
            return received
        message = self.outbox.enqueue(key=f"relay:{inbox_id}", kind="reply", recipient=conversation["phone"],
                                      body=text, not_before=now, now=now, customer_id=conversation["customer_id"],
                                      prefer_sim_id=conversation["sim_id"])
        conn.execute("UPDATE conversations SET handled=1, unread=0 WHERE id=?", (conversation["id"],))
        received.forwards = [message] if message else []
        return received

    def _join_digest(self, conn, phone: str, line: str, now: datetime) -> int | None:
        """When replies arrive faster than they go out, a forward still waiting for this staff
        phone takes the new one as another line (a digest) instead of a new SMS; None when
        there is no waiting forward with room. The caller's transaction keeps a worker from
        claiming it meanwhile."""
        waiting = conn.execute("SELECT id, body FROM outbox WHERE kind='forward' AND recipient=? AND status='queued'"
                               " ORDER BY id DESC LIMIT 1", (phone,)).fetchone()
        if waiting is None:
            return None
        body = f"{waiting['body']}\n{line}"
        info = pdu.text_info(body)
        if info.parts > self.settings.digest_max_parts:
            return None
        conn.execute("UPDATE outbox SET body=?, parts=?, updated_at=? WHERE id=? AND status='queued'",
                     (body, info.parts, iso(now), waiting["id"]))
        return waiting["id"]

    def _forward(self, conn, received: Received, customer, now: datetime) -> list[int]:
        """To every staff member: an SMS (short) and/or an e-mail (whole)."""
        who = f"{customer['name']}様" if customer else received.sender
        invoice = conn.execute("SELECT number FROM invoices WHERE customer_id=? ORDER BY status='open' DESC,"
                               " due_date LIMIT 1", (customer["id"],)).fetchone() if customer else None
        head = f"[#{received.conversation_id} {who}{' ' + invoice['number'] if invoice else ''}]"
        note = {"paid": "（入金連絡：確認してください）", "opt-out": "（配信停止）"}.get(received.rule or "", "")
        short = f"{head}{note} {received.text}"
        limit = self.settings.forward_max_chars
        if len(short) > limit:
            short = short[:limit - 1] + "…"
        ids = []
        for staff in conn.execute("SELECT * FROM staff").fetchall():
            if staff["notify_sms"] and staff["phone"]:
                ids.append(self._join_digest(conn, staff["phone"], short, now) or self.outbox.enqueue(
                    key=f"forward:{received.inbox_id}:{staff['id']}", kind="forward",
                    recipient=staff["phone"], body=short, not_before=now, now=now))
            if staff["notify_email"] and staff["email"]:
                conn.execute(
                    "INSERT OR IGNORE INTO emails (idempotency_key, to_addr, subject, body, not_before, created_at)"
                    " VALUES (?,?,?,?,?,?)",
                    (f"forward:{received.inbox_id}:{staff['id']}", staff["email"],
                     f"督促SMS 返信 {head}{note}", f"{who} ({received.sender}) から:\n\n{received.text}\n\n"
                     f"返信するには、転送SMSに「#{received.conversation_id} 本文」と返信してください。",
                     iso(now), iso(now)))
        if self.settings.webhook_url:
            webhook.queue(conn, self.settings.webhook_url, f"reply:{received.inbox_id}", {
                "conversation": received.conversation_id, "sender": received.sender,
                "customer": customer["name"] if customer else None,
                "invoice": invoice["number"] if invoice else None, "text": received.text,
                "rule": received.rule, "received_at": iso(now)}, now)
        return [i for i in ids if i]
