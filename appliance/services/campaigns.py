"""Services for the campaigns area of the admin page: choose customers by a filter on their
invoices, see count and cost, start (appliance.campaigns.start). When the settings ask for
approval, starting only files a request; another user with the right to send approves it
(which starts it, once) or rejects it."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

from appliance import campaigns
from appliance.clock import iso
from appliance.customers import REACHABLE

CHUNK = 20000


class CampaignError(ValueError):
    """A campaign that cannot start; the message (Japanese) says why."""


@dataclass(frozen=True)
class Audience:
    """Which customers: those with at least one invoice in `status` (open by default),
    overdue (open and past due) only, due on or before `due_before`."""
    status: str = "open"
    overdue: bool = False
    due_before: date | None = None

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "due_before": self.due_before and self.due_before.isoformat()})

    @classmethod
    def from_json(cls, text: str) -> "Audience":
        values = json.loads(text)
        return cls(status=values["status"], overdue=values["overdue"],
                   due_before=values["due_before"] and date.fromisoformat(values["due_before"]))


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
        """What starting would do: {count (handsets reachable by SMS: customers sharing a phone get
        one message), excluded (matching but opted out or without a mobile number), info (text_info of body), cost (parts x cost_per_part x
        count, yen), sample (up to 20 customers: name, phone)}. Writes nothing."""
        sql, params = self._audience_sql(audience)
        matching, reachable, count = self.db.one(
            f"SELECT count(*), coalesce(sum({REACHABLE}), 0), count(DISTINCT CASE WHEN {REACHABLE} THEN c.phone END)"
            f" FROM customers c WHERE c.id IN ({sql})", tuple(params))
        sample = self.db.query(f"SELECT c.id, c.name, c.phone FROM customers c WHERE c.id IN ({sql})"
                               f" AND {REACHABLE} ORDER BY c.id LIMIT 20", tuple(params))
        body = (body or "").replace("\r\n", "\n").strip()
        info = self.text_info(body) if body else None
        return {"count": count, "excluded": matching - reachable, "info": info,
                "cost": (info["parts"] if info else 0) * self.cost_per_part * count,
                "sample": [dict(r) for r in sample]}

    def _recipients(self, name: str, body: str, audience: Audience) -> tuple[str, str, list[int]]:
        """(name, body, customer ids) of a campaign that can start; raises CampaignError for an
        empty name or body, a text too long, or nobody to send to."""
        name, body = (name or "").strip(), (body or "").replace("\r\n", "\n").strip()
        if not name or not body:
            raise CampaignError("名前と本文を入力してください")
        if not self.text_info(body)["fits"]:
            raise CampaignError("本文が長すぎます")
        sql, params = self._audience_sql(audience)
        ids = [r[0] for r in self.db.query(
            f"SELECT c.id FROM customers c WHERE c.id IN ({sql}) AND {REACHABLE}", tuple(params))]
        if not ids:
            raise CampaignError("条件に合う送信先がありません")
        return name, body, ids

    def start_campaign(self, name: str, body: str, audience: Audience, actor: str) -> int:
        """Queue `body` (sent as written) to every reachable customer of `audience`, chosen again
        now; audited by appliance.campaigns.start. The same name never reaches a customer twice.
        Raises CampaignError for an empty name or body, a text too long, or nobody to send to.
        Returns how many messages were queued."""
        name, body, ids = self._recipients(name, body, audience)
        queued = 0
        for start in range(0, len(ids), CHUNK):         # SQLite allows ~32k variables per statement
            queued += campaigns.start(self.db, self.outbox, name=name, body=body, customer_ids=ids[start:start + CHUNK],
                                      now=self.now(), rules=self.rules, actor=actor)
        return queued

    # -- approval by a second user -------------------------------------------------------------
    def campaigns_need_approval(self) -> bool:
        return self.settings.current().campaign_approval

    def submit_campaign(self, name: str, body: str, audience: Audience, actor: str) -> tuple[str, int]:
        """What the page's start button does: ("queued", how many) when campaigns start at once,
        ("requested", the request's id) when the settings ask for a second user's approval.
        Raises CampaignError as start_campaign and request_campaign do."""
        if self.campaigns_need_approval():
            return "requested", self.request_campaign(name, body, audience, actor)
        return "queued", self.start_campaign(name, body, audience, actor)

    def request_campaign(self, name: str, body: str, audience: Audience, actor: str) -> int:
        """Keep a campaign for another user's approval; nothing is queued. Raises CampaignError as
        start_campaign does, or when a campaign of that name is waiting already. Returns the
        request's id; audited."""
        name, body, _ids = self._recipients(name, body, audience)
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM campaign_requests WHERE name = ? AND status = 'pending'",
                            (name,)).fetchone():
                raise CampaignError("同じ名前の一斉送信がすでに承認待ちです")
            request_id = conn.execute(
                "INSERT INTO campaign_requests (name, body, audience, requested_by, requested_at)"
                " VALUES (?,?,?,?,?)", (name, body, audience.to_json(), actor, iso(self.now()))).lastrowid
            self.audit(actor, "campaign.request", f"{name} (#{request_id})")
        return request_id

    def pending_campaigns(self) -> list[dict]:
        """Requests waiting for approval, oldest first: {id, name, body, audience (Audience),
        requested_by, requested_at, count (customers reachable now)}."""
        rows = [dict(r) for r in self.db.query(
            "SELECT id, name, body, audience, requested_by, requested_at FROM campaign_requests"
            " WHERE status = 'pending' ORDER BY id")]
        for row in rows:
            row["audience"] = Audience.from_json(row["audience"])
            row["count"] = self.campaign_estimate(row["audience"], row["body"])["count"]
        return rows

    def approve_campaign(self, request_id: int, actor: str) -> int:
        """Start a waiting campaign as requested (its customers chosen again now). Raises
        CampaignError when `actor` asked for it, when it is no longer waiting, or as
        start_campaign does. Approval and queueing are one transaction; returns how many were
        queued; audited."""
        with self.db.write() as conn:
            request = self._pending(conn, request_id)
            if request["requested_by"] == actor:
                raise CampaignError("自分で申請した一斉送信は承認できません（別の利用者の承認が必要です）")
            queued = self.start_campaign(request["name"], request["body"],
                                         Audience.from_json(request["audience"]), actor)
            self._decide(conn, request, "approved", actor, queued)
        return queued

    def reject_campaign(self, request_id: int, actor: str) -> dict:
        """Reject a waiting campaign (or, by its requester, withdraw it); nothing is sent. Raises
        CampaignError when it is no longer waiting; audited. Returns the request (name,
        requested_by, ...)."""
        with self.db.write() as conn:
            request = self._pending(conn, request_id)
            self._decide(conn, request, "rejected", actor, None)
        return dict(request)

    def _pending(self, conn, request_id: int):
        request = conn.execute("SELECT * FROM campaign_requests WHERE id = ?", (request_id,)).fetchone()
        if request is None or request["status"] != "pending":
            raise CampaignError("この一斉送信はもう承認待ちではありません")
        return request

    def _decide(self, conn, request, status: str, actor: str, queued: int | None) -> None:
        conn.execute("UPDATE campaign_requests SET status = ?, decided_by = ?, decided_at = ?, queued = ?"
                     " WHERE id = ?", (status, actor, iso(self.now()), queued, request["id"]))
        self.audit(actor, f"campaign.{'approve' if status == 'approved' else 'reject'}",
                   f"{request['name']} (#{request['id']})")

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
