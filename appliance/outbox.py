"""The outbox: every SMS the appliance sends, and the states it moves through (DESIGN.md).

    queued -> sending -> sent -> delivered | failed | expired
    sending -> retry -> (claimed again)        temporary error, with backoff
    sending -> uncertain                       the PDU may have gone out; staff decide, or a
    uncertain -> delivered | failed | expired  status report that arrives later settles it
    queued | retry -> cancelled                paid, opted out, cancelled by staff

Each message has an idempotency key: enqueueing the same key twice does nothing, so no restart,
retry or double click sends a reminder twice. A message is claimed atomically by one modem worker,
just before that worker writes it to its modem.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from appliance.clock import TOKYO, iso
from appliance.db import Database
from appliance.phones import e164
from modem import pdu

RETRY_BACKOFF = (60, 300, 900, 3600)      # seconds after the 1st, 2nd, 3rd, later failures
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    kind: str
    recipient: str
    body: str
    parts: int
    attempts: int
    customer_id: int | None
    invoice_id: int | None


class Outbox:
    def __init__(self, db: Database, zone=TOKYO, on_queued=None):
        self.db, self.zone = db, zone
        self.on_queued = on_queued      # called (no arguments) after a message was queued

    def _day(self, moment: datetime) -> str:
        """Carriers count a SIM's messages per day in Japan time."""
        return moment.astimezone(self.zone).date().isoformat()

    _INSERT = ("INSERT OR IGNORE INTO outbox (idempotency_key, kind, customer_id, invoice_id, recipient, body,"
               " parts, not_before, prefer_sim_id, created_at, updated_at, status, last_error)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")

    @staticmethod
    def _row(key: str, kind: str, recipient: str, body: str, not_before: str, now: str, parts: int,
             customer_id: int | None = None, invoice_id: int | None = None, prefer_sim_id: int | None = None,
             status: str = "queued", error: str | None = None) -> tuple:
        """The values of _INSERT; times already in ISO form."""
        return (key, kind, customer_id, invoice_id, recipient, body, parts, not_before, prefer_sim_id,
                now, now, status, error)

    def enqueue(self, *, key: str, kind: str, recipient: str, body: str, not_before: datetime,
                now: datetime, customer_id: int | None = None, invoice_id: int | None = None,
                prefer_sim_id: int | None = None, notify: bool = True) -> int | None:
        """Queue a message; returns its id, or None when the key was queued before.
        Raises PduError when the text cannot be sent (too long, for instance). `notify=False`
        leaves waking the workers to the caller (one wake for many messages)."""
        info = pdu.text_info(body)
        if not info.fits:
            raise pdu.PduError(f"{info.characters} characters need {info.parts} parts; at most 10 can be sent")
        with self.db.write() as conn:
            cursor = conn.execute(self._INSERT, self._row(key, kind, recipient, body, iso(not_before), iso(now),
                                                          info.parts, customer_id, invoice_id, prefer_sim_id))
            queued = cursor.lastrowid if cursor.rowcount else None
        if queued and notify and self.on_queued:
            self.on_queued()            # a worker's claim waits for this transaction to commit
        return queued

    def enqueue_many(self, messages: list[dict], now: datetime) -> int:
        """Queue many messages (each the keyword arguments of enqueue but `now` and `notify`) in one
        transaction; returns how many were new and queued. Keys queued before are skipped. A
        text that cannot be sent (past ten parts: a long name in a long template) is stored as
        failed with the reason, so staff see it and the others still go. Workers are not woken."""
        queued, failed, at = [], [], iso(now)
        moments: dict[datetime, str] = {}              # most messages share a few not_before times
        for message in messages:
            info = pdu.text_info(message["body"])
            when = message["not_before"]
            if when not in moments:
                moments[when] = iso(when)
            message = {**message, "not_before": moments[when]}
            if info.fits:
                queued.append(self._row(**message, now=at, parts=info.parts))
            else:
                failed.append(self._row(**message, now=at, parts=info.parts, status="failed",
                                        error=f"本文が長すぎます（{info.characters}文字で{info.parts}通。"
                                              "送れるのは10通まで）"))
        with self.db.write() as conn:
            before = conn.total_changes
            conn.executemany(self._INSERT, queued)
            new = conn.total_changes - before
            conn.executemany(self._INSERT, failed)
        return new

    def claim(self, sim_id: int, now: datetime,
              groups: list[tuple[tuple[str, ...], int]]) -> OutboxMessage | None:
        """Atomically take the next due message for this SIM. `groups` lists (kinds, room) in
        order of priority: a message of the first group that has one due, fitting in that
        group's room (in parts), is taken before any of a later group. Within a group: the SIM's
        own preferred work first, then work for nobody in particular or for a SIM that is
        offline; oldest first."""
        with self.db.write() as conn:
            others = [None, *(r[0] for r in conn.execute("SELECT id FROM sims WHERE online = 0 AND id != ?",
                                                           (sim_id,)))]
            for kinds, room in groups:
                if room <= 0 or not kinds:
                    continue
                found = (self._oldest_due(conn, [sim_id], kinds, room, now)
                         or self._oldest_due(conn, others, kinds, room, now))
                if found is not None:
                    break
            else:
                return None
            row = conn.execute("SELECT * FROM outbox WHERE id=?", (found,)).fetchone()
            conn.execute("UPDATE outbox SET status='sending', sim_id=?, attempts=attempts+1, parts_counted=0,"
                         " updated_at=? WHERE id=?", (sim_id, iso(now), row["id"]))
        return OutboxMessage(row["id"], row["kind"], row["recipient"], row["body"], row["parts"],
                             row["attempts"] + 1, row["customer_id"], row["invoice_id"])

    # The status test is the outbox_claim index's own WHERE, word for word, or SQLite ignores the index.
    _OLDEST_DUE = ("SELECT not_before, id FROM outbox WHERE prefer_sim_id IS ? AND kind = ?"
                   " AND status IN ('queued','retry') AND not_before <= ? AND parts <= ?"
                   " ORDER BY not_before, id LIMIT 1")

    @classmethod
    def _oldest_due(cls, conn, preferred: list[int | None], kinds: tuple[str, ...], room: int,
                    now: datetime) -> int | None:
        """The id of the oldest due message (not_before, then id) of `kinds` preferred for one of
        `preferred` (None: for no SIM in particular) that fits in `room` parts. One walk of the
        outbox_claim index per SIM and kind, each stopping at its first row, so the cost does not
        grow with the queue (one query over several SIMs or kinds would sort every due row)."""
        firsts = [conn.execute(cls._OLDEST_DUE, (sim, kind, iso(now), room)).fetchone()
                  for sim in preferred for kind in kinds]
        found = [tuple(first) for first in firsts if first is not None]
        return min(found)[1] if found else None

    def sent(self, message_id: int, sim_id: int, references: list[int], now: datetime) -> None:
        """+CMGS came for every part: record the references (for status reports) and the usage."""
        with self.db.write() as conn:
            conn.execute("UPDATE outbox SET status='sent', sent_at=?, updated_at=?, last_error=NULL,"
                         " parts_counted = parts_counted + ? WHERE id=?",
                         (iso(now), iso(now), len(references), message_id))
            self._record_parts(conn, message_id, sim_id, references)
            self._count_parts(conn, sim_id, self._day(now), len(references))

    @staticmethod
    def _record_parts(conn, message_id: int, sim_id: int, references: list[int]) -> None:
        """The TP-MR of parts 1..n, as +CMGS confirmed them: status reports are matched on them."""
        conn.executemany("INSERT OR REPLACE INTO outbox_parts (outbox_id, seq, sim_id, reference)"
                         " VALUES (?,?,?,?)",
                         [(message_id, seq, sim_id, ref) for seq, ref in enumerate(references, 1)])

    def failed(self, message_id: int, error: str, *, permanent: bool, now: datetime,
               references: list[int] = (), sim_id: int | None = None, retry_now: bool = False) -> str:
        """A send failed before any uncertainty: retry later (temporary; at once with `retry_now`,
        for another SIM) or give up. `references`: the parts +CMGS confirmed before the failure
        (recorded, and counted toward the SIM's day). Returns the new status."""
        with self.db.write() as conn:
            attempts = conn.execute("SELECT attempts FROM outbox WHERE id=?", (message_id,)).fetchone()[0]
            if permanent or attempts >= MAX_ATTEMPTS:
                status, not_before = "failed", now
            else:
                status = "retry"
                delay = 0 if retry_now else RETRY_BACKOFF[min(attempts, len(RETRY_BACKOFF)) - 1]
                not_before = now + timedelta(seconds=delay)
            conn.execute("UPDATE outbox SET status=?, last_error=?, not_before=?, updated_at=? WHERE id=?",
                         (status, error, iso(not_before), iso(now), message_id))
            if references and sim_id is not None:
                self._record_parts(conn, message_id, sim_id, references)
                self.count_message_parts(conn, message_id, sim_id, self._day(now), len(references))
        return status

    def uncertain(self, message_id: int, reason: str, now: datetime, *, sim_id: int | None = None,
                  references: list[int] = ()) -> None:
        """The PDU may have reached the network: never resent by itself (staff decide, or a status
        report settles it). `references`: the parts +CMGS confirmed before the modem went away,
        recorded so their reports match. They count toward the SIM's day, and so does the part
        that was being written (the carrier counts it if it went out; better one too many)."""
        with self.db.write() as conn:
            conn.execute("UPDATE outbox SET status='uncertain', last_error=?, updated_at=? WHERE id=?",
                         (reason, iso(now), message_id))
            if sim_id is not None:
                self._record_parts(conn, message_id, sim_id, list(references))
                self.count_message_parts(conn, message_id, sim_id, self._day(now), len(references) + 1)

    def recover(self, now: datetime) -> int:
        """At start-up: what was 'sending' when the process died is uncertain. Its parts count
        toward its SIM's day (all of them: which went out is unknown, and the carrier counts them)."""
        day = self._day(now)
        with self.db.write() as conn:
            lost = conn.execute("SELECT id, sim_id, parts FROM outbox WHERE status='sending'").fetchall()
            for row in lost:
                if row["sim_id"] is not None:
                    self.count_message_parts(conn, row["id"], row["sim_id"], day, row["parts"])
            return conn.execute("UPDATE outbox SET status='uncertain', last_error='process stopped while"
                                " sending', updated_at=? WHERE status='sending'", (iso(now),)).rowcount

    def cancel(self, now: datetime, *, invoice_id: int | None = None, customer_id: int | None = None,
               message_id: int | None = None, kinds: tuple[str, ...] = ("reminder", "campaign")) -> int:
        """Cancel what is still waiting (queued or retry) for an invoice, a customer or one id."""
        where, params = [], []
        for column, value in (("invoice_id", invoice_id), ("customer_id", customer_id), ("id", message_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if not where:
            raise ValueError("cancel needs an invoice, a customer or a message")
        kind_filter = "" if message_id is not None else f" AND kind IN ({','.join('?' * len(kinds))})"
        with self.db.write() as conn:
            return conn.execute(
                f"UPDATE outbox SET status='cancelled', updated_at=? WHERE status IN ('queued','retry')"
                f" AND {' AND '.join(where)}{kind_filter}",
                (iso(now), *params, *(() if message_id is not None else kinds))).rowcount

    def report(self, sim_id: int, reference: int, recipient: str, status: int, now: datetime) -> int | None:
        """Apply a status report to the part sent to `recipient` with (SIM, reference) most
        recently; returns the message id when one matched. The message becomes delivered when
        every part is, failed or expired as soon as one part is. A report whose reference no
        part has is the part that was being written when the modem or the process went away
        (+CMGS never told its reference): it settles that `uncertain` message when exactly one
        to this recipient from this SIM waits for it."""
        group = pdu.status_group(status)
        if group == "pending":
            return None
        recipient = e164(recipient) or recipient
        with self.db.write() as conn:
            part = conn.execute(
                "SELECT p.outbox_id, p.seq FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id"
                " WHERE p.sim_id=? AND p.reference=? AND o.recipient=?"
                " ORDER BY COALESCE(o.sent_at, o.updated_at) DESC, o.id DESC LIMIT 1",
                (sim_id, reference, recipient)).fetchone()
            if part is None:
                part = self._unconfirmed_part(conn, sim_id, reference, recipient)
            if part is None:
                return None
            conn.execute("UPDATE outbox_parts SET report_status=?, reported_at=? WHERE outbox_id=? AND seq=?",
                         (status, iso(now), part["outbox_id"], part["seq"]))
            self._settle(conn, part["outbox_id"], now)
            return part["outbox_id"]

    @staticmethod
    def _unconfirmed_part(conn, sim_id: int, reference: int, recipient: str):
        """The part of an `uncertain` message whose +CMGS never came, now known by `reference`:
        recorded as the part after the confirmed ones. None unless exactly one uncertain message
        from this SIM to this recipient lacks a part (two would be a guess)."""
        waiting = conn.execute(
            "SELECT o.id, count(p.seq) AS known FROM outbox o"
            " LEFT JOIN outbox_parts p ON p.outbox_id = o.id"
            " WHERE o.recipient=? AND o.status='uncertain' AND o.sim_id=?"
            " GROUP BY o.id HAVING count(p.seq) < o.parts LIMIT 2", (recipient, sim_id)).fetchall()
        if len(waiting) != 1:
            return None
        message_id, seq = waiting[0]["id"], waiting[0]["known"] + 1
        conn.execute("INSERT INTO outbox_parts (outbox_id, seq, sim_id, reference) VALUES (?,?,?,?)",
                     (message_id, seq, sim_id, reference))
        return {"outbox_id": message_id, "seq": seq}

    def _settle(self, conn, message_id: int, now: datetime) -> None:
        """A sent or uncertain message takes the state its parts' reports give: failed or expired
        as soon as one part is; delivered once every part is (an uncertain message's parts may
        not all be known yet: it stays uncertain until they are)."""
        parts = conn.execute("SELECT parts FROM outbox WHERE id=?", (message_id,)).fetchone()[0]
        statuses = [r[0] for r in conn.execute("SELECT report_status FROM outbox_parts WHERE outbox_id=?",
                                                (message_id,))]
        groups = {pdu.status_group(s) if s is not None else None for s in statuses}
        if "failed" in groups:
            new = "expired" if 0x46 in statuses else "failed"
        elif groups == {"delivered"} and len(statuses) >= parts:
            new = "delivered"
        else:
            return
        conn.execute("UPDATE outbox SET status=?, delivered_at=CASE WHEN ?='delivered' THEN ? END,"
                     " updated_at=? WHERE id=? AND status IN ('sent','uncertain')",
                     (new, new, iso(now), iso(now), message_id))

    @classmethod
    def count_message_parts(cls, conn, message_id: int, sim_id: int, day: str, parts: int) -> None:
        """Count `parts` of one message toward its SIM's `day`, and remember them with the message."""
        cls._count_parts(conn, sim_id, day, parts)
        conn.execute("UPDATE outbox SET parts_counted = parts_counted + ? WHERE id=?", (parts, message_id))

    @staticmethod
    def _count_parts(conn, sim_id: int, day: str, parts: int) -> None:
        conn.execute("INSERT INTO sim_usage (sim_id, day, parts) VALUES (?,?,?) ON CONFLICT(sim_id, day)"
                     " DO UPDATE SET parts = parts + excluded.parts", (sim_id, day, parts))

    def parts_today(self, sim_id: int, now: datetime) -> int:
        row = self.db.one("SELECT parts FROM sim_usage WHERE sim_id=? AND day=?", (sim_id, self._day(now)))
        return row[0] if row else 0

    def counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.db.query("SELECT status, count(*) FROM outbox GROUP BY status")}
