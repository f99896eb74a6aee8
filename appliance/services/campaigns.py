"""Services for the campaigns area of the admin page: choose customers by a filter on their
invoices, see count and cost, start (appliance.campaigns.start). No second-user approval."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from appliance import campaigns

CHUNK = 20000
_REACHABLE = "c.opted_out = 0 AND c.sms_capable = 1 AND c.phone IS NOT NULL"


class CampaignError(ValueError):
    """A campaign that cannot start; the message (Japanese) says why."""


@dataclass(frozen=True)
class Audience:
    """Which customers: those with at least one invoice in `status` (open by default),
    overdue (open and past due) only, due on or before `due_before`."""
    status: str = "open"
    overdue: bool = False
    due_before: date | None = None


class CampaignServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""

    def _audience_sql(self, audience: Audience) -> tuple[str, list]:
        where, params = [], []
        if audience.status in ("open", "paid", "disputed", "cancelled"):
            where.append("i.status = ?")
            params.append(audience.status)
        if audience.overdue:
            where.append("i.status = 'open' AND i.due_date < ?")
            params.append(self.today().isoformat())
        if audience.due_before:
            where.append("i.due_date <= ?")
            params.append(audience.due_before.isoformat())
        sql = ("SELECT DISTINCT c.id FROM invoices i JOIN customers c ON c.id = i.customer_id"
               + (" WHERE " + " AND ".join(where) if where else ""))
        return sql, params

    def campaign_estimate(self, audience: Audience, body: str) -> dict:
        """What starting would do: {count (customers reachable by SMS), excluded (matching but opted
        out or without a mobile number), info (text_info of body), cost (parts x cost_per_part x
        count, yen), sample (up to 20 customers: name, phone)}. Writes nothing."""
        sql, params = self._audience_sql(audience)
        matching, count = self.db.one(f"SELECT count(*), coalesce(sum({_REACHABLE}), 0) FROM customers c"
                                      f" WHERE c.id IN ({sql})", tuple(params))
        sample = self.db.query(f"SELECT c.id, c.name, c.phone FROM customers c WHERE c.id IN ({sql})"
                               f" AND {_REACHABLE} ORDER BY c.id LIMIT 20", tuple(params))
        body = (body or "").replace("\r\n", "\n").strip()
        info = self.text_info(body) if body else None
        return {"count": count, "excluded": matching - count, "info": info,
                "cost": (info["parts"] if info else 0) * self.cost_per_part * count,
                "sample": [dict(r) for r in sample]}

    def start_campaign(self, name: str, body: str, audience: Audience, actor: str) -> int:
        """Queue `body` (sent as written) to every reachable customer of `audience`, chosen again
        now; audited by appliance.campaigns.start. The same name never reaches a customer twice.
        Raises CampaignError for an empty name or body, a text too long, or nobody to send to.
        Returns how many messages were queued."""
        name, body = (name or "").strip(), (body or "").replace("\r\n", "\n").strip()
        if not name or not body:
            raise CampaignError("名前と本文を入力してください")
        if not self.text_info(body)["fits"]:
            raise CampaignError("本文が長すぎます")
        sql, params = self._audience_sql(audience)
        ids = [r[0] for r in self.db.query(
            f"SELECT c.id FROM customers c WHERE c.id IN ({sql}) AND {_REACHABLE}", tuple(params))]
        if not ids:
            raise CampaignError("条件に合う送信先がありません")
        queued = 0
        for start in range(0, len(ids), CHUNK):         # SQLite allows ~32k variables per statement
            queued += campaigns.start(self.db, self.outbox, name=name, body=body, customer_ids=ids[start:start + CHUNK],
                                      now=self.now(), rules=self.rules, actor=actor)
        return queued

    def list_campaigns(self) -> list[dict]:
        """Campaigns started so far: {name, total, queued, sent, delivered, failed, first}."""
        rows = self.db.query(
            "SELECT substr(rtrim(idempotency_key, '0123456789'), 10, length(rtrim(idempotency_key,"
            " '0123456789')) - 10) AS name, count(*) AS total,"
            " sum(status IN ('queued','retry','sending')) AS queued, sum(status = 'sent') AS sent,"
            " sum(status = 'delivered') AS delivered, sum(status IN ('failed','expired','uncertain')) AS failed,"
            " sum(status = 'cancelled') AS cancelled, min(created_at) AS first"
            " FROM outbox WHERE kind = 'campaign' GROUP BY 1 ORDER BY first DESC")
        return [dict(r) for r in rows]
