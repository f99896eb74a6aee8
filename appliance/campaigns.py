"""One-off campaigns: the same message to a chosen set of customers, each at most once."""
from __future__ import annotations

from datetime import datetime

from appliance.clock import iso
from appliance.customers import REACHABLE
from appliance.db import Database
from appliance.outbox import Outbox
from appliance.schedule import SendingRules, next_allowed


def start(db: Database, outbox: Outbox, *, name: str, body: str, customer_ids: list[int],
          now: datetime, rules: SendingRules, actor: str) -> int:
    """Queue `body` once for each handset among `customer_ids` that can receive SMS (records that
    share a phone get one message, none when any of them opted out); returns how many were
    queued. Starting the same campaign (name) again queues nobody twice."""
    when = next_allowed(now, rules)
    queued = 0
    with db.write() as conn:
        for customer in conn.execute(
                f"SELECT c.id, c.phone FROM customers c WHERE c.id IN ({','.join('?' * len(customer_ids))})"
                f" AND {REACHABLE} ORDER BY c.id", customer_ids).fetchall():
            if outbox.enqueue(key=f"campaign:{name}:{customer['phone']}", kind="campaign", recipient=customer["phone"],
                              body=body, not_before=when, now=now, customer_id=customer["id"]):
                queued += 1
        conn.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?,?,?,?)",
                     (iso(now), actor, "campaign.start", f"{name}: {queued}"))
    return queued
