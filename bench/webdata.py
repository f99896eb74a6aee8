"""A database the size of a busy year: 100k customers, 100k invoices, 1M outbox messages,
30k replies. Built with plain executemany in a few transactions (fast), reused between runs."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from appliance.db import Database

CUSTOMERS, MESSAGES, REPLIES = 100_000, 1_000_000, 30_000
STATUSES = ("delivered",) * 8 + ("sent", "failed", "queued", "cancelled")


def build(path: Path, now: datetime, seed: int = 1) -> Database:
    """Create (once) and return the benchmark database at `path`."""
    fresh = not path.exists()
    db = Database(path)
    if not fresh and db.one("SELECT count(*) FROM outbox")[0] >= MESSAGES:
        return db
    rng = random.Random(seed)
    stamp = lambda dt: dt.astimezone(timezone.utc).isoformat(timespec="seconds")
    start = now - timedelta(days=365)
    with db.write() as conn:
        conn.execute("INSERT INTO sims (number, device, daily_cap, online) VALUES ('+817000000001','/dev/x',180,1)")
        conn.executemany("INSERT INTO customers (id, name, phone, created_at, updated_at) VALUES (?,?,?,?,?)",
                         ((i, f"顧客{i:06d} 株式会社", f"+8190{i:08d}", stamp(start), stamp(start))
                          for i in range(1, CUSTOMERS + 1)))
        conn.executemany("INSERT INTO invoices (id, number, customer_id, amount, due_date, status, created_at,"
                         " updated_at) VALUES (?,?,?,?,?,?,?,?)",
                         ((i, f"INV-{i:07d}", i, rng.randrange(1000, 500000, 100),
                           (now - timedelta(days=rng.randrange(-30, 330))).date().isoformat(),
                           rng.choice(("open", "open", "paid")), stamp(start), stamp(start))
                          for i in range(1, CUSTOMERS + 1)))
    for chunk in range(0, MESSAGES, 100_000):
        with db.write() as conn:
            rows = []
            for i in range(chunk, chunk + 100_000):
                customer = rng.randrange(1, CUSTOMERS + 1)
                sent = start + timedelta(seconds=rng.randrange(365 * 86400))
                status = rng.choice(STATUSES)
                rows.append((f"bench:{i}", "reminder", customer, customer, f"+8190{customer:08d}",
                             "お支払いのお願い", 1, status, stamp(sent), 1, 1, stamp(sent), stamp(sent),
                             stamp(sent) if status in ("sent", "delivered") else None))
            conn.executemany("INSERT INTO outbox (idempotency_key, kind, customer_id, invoice_id, recipient, body,"
                             " parts, status, not_before, attempts, sim_id, created_at, updated_at, sent_at)"
                             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    with db.write() as conn:
        for i in range(REPLIES):
            customer = rng.randrange(1, CUSTOMERS + 1)
            at = stamp(start + timedelta(seconds=rng.randrange(365 * 86400)))
            conn.execute("INSERT INTO conversations (phone, customer_id, sim_id, unread, last_message_at)"
                         " VALUES (?,?,1,?,?) ON CONFLICT(phone) DO UPDATE SET unread=unread+1,"
                         " last_message_at=max(last_message_at, excluded.last_message_at)",
                         (f"+8190{customer:08d}", customer, rng.choice((0, 1)), at))
            conversation = conn.execute("SELECT id FROM conversations WHERE phone=?", (f"+8190{customer:08d}",)).fetchone()[0]
            conn.execute("INSERT INTO inbox (conversation_id, sender, sim_id, text, received_at) VALUES (?,?,1,?,?)",
                         (conversation, f"+8190{customer:08d}", "振り込みました", at))
    db.conn.execute("ANALYZE")
    return db
