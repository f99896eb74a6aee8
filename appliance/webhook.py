"""An optional webhook: each reply POSTed as JSON to a URL on the LAN (a ticket system, a chat
bot). Posts wait in the `webhooks` table and are tried again with backoff, like e-mail."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from urllib.error import URLError
from urllib.request import Request, urlopen

from appliance.clock import iso
from appliance.db import Database

log = logging.getLogger(__name__)
BACKOFF = (30, 120, 600, 1800)
MAX_ATTEMPTS = 8


def queue(conn, url: str, key: str, payload: dict, now: datetime) -> None:
    """Queue one post inside the caller's transaction (once per key)."""
    conn.execute("INSERT OR IGNORE INTO webhooks (idempotency_key, url, payload, not_before, created_at)"
                 " VALUES (?,?,?,?,?)", (key, url, json.dumps(payload, ensure_ascii=False), iso(now), iso(now)))


def deliver_due(db: Database, now: datetime, timeout: float = 5.0) -> int:
    """POST every due payload; a 2xx answer settles it. Returns how many were accepted."""
    accepted = 0
    for row in db.query("SELECT * FROM webhooks WHERE status='queued' AND not_before <= ? ORDER BY id", (iso(now),)):
        request = Request(row["url"], data=row["payload"].encode("utf-8"), method="POST",
                          headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urlopen(request, timeout=timeout) as response:
                ok = 200 <= response.status < 300
                error = None if ok else f"HTTP {response.status}"
        except (URLError, OSError, ValueError) as exc:
            ok, error = False, str(exc)
        with db.write() as conn:
            if ok:
                conn.execute("UPDATE webhooks SET status='sent', sent_at=?, attempts=attempts+1 WHERE id=?",
                             (iso(now), row["id"]))
                accepted += 1
                continue
            attempts = row["attempts"] + 1
            retry = now + timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])
            log.warning("webhook %s failed (%s)", row["url"], error)
            conn.execute("UPDATE webhooks SET status=?, attempts=?, last_error=?, not_before=? WHERE id=?",
                         ("failed" if attempts >= MAX_ATTEMPTS else "queued", attempts, error, iso(retry), row["id"]))
    return accepted
