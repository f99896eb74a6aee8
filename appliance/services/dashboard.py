"""Services for the dashboard: modems, queue, today's figures, replies waiting, 30 days."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

from appliance.services.modems import with_radio


# A day's messages -- the card and the chart count the same ones: those sent in the range (by
# sent_at, whatever the report said later) and those that failed in it without going out (refused
# by the modem or the network: by updated_at). Each part is one range search; the second names the
# small partial index outbox_unsent_failures, because SQLite's own guess was `sent_at IS NULL` on
# outbox_sent_at -- every message never sent -- and so was its plan for both parts joined by OR.
SENT = "FROM outbox WHERE sent_at >= ? AND sent_at < ?"
FAILED_UNSENT = ("FROM outbox INDEXED BY outbox_unsent_failures WHERE updated_at >= ? AND updated_at < ?"
                 " AND status IN ('failed','expired') AND sent_at IS NULL")
# Today's card: messages, of which delivered and failed (the rest await a report); parts that went out.
# A message put back in the queue after going out today waits there (the queue card counts it)
# and is none of these until it goes out again. (The unary + keeps SQLite off outbox_status.)
DAY = ("SELECT count(*), count(*) FILTER (WHERE status = 'delivered'),"
       " count(*) FILTER (WHERE status IN ('failed','expired')),"
       " COALESCE(sum(parts) FILTER (WHERE sent_at IS NOT NULL), 0)"
       f" FROM (SELECT status, parts, sent_at {SENT} AND +status IN ('sent','delivered','failed','expired')"
       f" UNION ALL SELECT status, parts, sent_at {FAILED_UNSENT})")
# The chart, messages per local day ({offset}: the SQLite modifier from UTC to local time): the two
# parts apart, so the first is answered from its index alone.
CHART = (f"SELECT date(sent_at, '{{offset}}') AS d, count(*) {SENT} GROUP BY d",
         f"SELECT date(updated_at, '{{offset}}') AS d, count(*) {FAILED_UNSENT} GROUP BY d")


class DashboardServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""

    def _offset(self) -> str:
        """SQLite date modifier turning stored UTC into the business's local date."""
        hours = self.now().astimezone(self.rules.zone).utcoffset().total_seconds() / 3600
        return f"{hours:+g} hours"

    def _utc_bounds(self, first: date, last: date) -> tuple[str, str]:
        """Stored-timestamp bounds [start of `first`, start of the day after `last`) in local time,
        so that ranges use the time indexes instead of a function over every row."""
        bound = lambda day: datetime.combine(day, time(0), tzinfo=self.rules.zone).astimezone(
            timezone.utc).isoformat(timespec="seconds")
        return bound(first), bound(last + timedelta(days=1))

    def dashboard(self) -> dict:
        """Today's figures: `sent` messages (the day's set above), of which `delivered`, `failed`
        and `pending` (awaiting a report) add up to it; `parts` and `cost` count the parts (通)
        of those that went out, as the carrier does; `chart` counts messages the same way."""
        now = self.now()
        today = now.astimezone(self.rules.zone).date()
        offset = self._offset()
        modems = [with_radio(dict(r)) for r in self.db.query(
            "SELECT s.id, s.number, s.device, s.online, s.last_error, s.daily_cap, s.sim_lock,"
            " s.signal_dbm, s.registration, s.operator, s.network_read_at,"
            " COALESCE(u.parts, 0) AS parts_today FROM sims s"
            " LEFT JOIN sim_usage u ON u.sim_id = s.id AND u.day = ? ORDER BY s.id", (today.isoformat(),))]
        queue = {r[0]: r[1] for r in self.db.query(
            "SELECT status, count(*) FROM outbox WHERE status IN ('queued','sending','retry','uncertain')"
            " GROUP BY status")}
        start, end = self._utc_bounds(today, today)
        day = self.db.one(DAY, (start, end) * 2)
        replies = self.db.one("SELECT count(*) FROM inbox WHERE received_at >= ? AND received_at < ?",
                              (start, end))[0]
        waiting = self.db.one("SELECT count(*) FROM conversations WHERE unread > 0 AND handled = 0")[0]
        return {"modems": modems, "queue": queue, "sent": day[0], "delivered": day[1], "failed": day[2],
                "pending": day[0] - day[1] - day[2], "parts": day[3], "cost": day[3] * self.cost_per_part,
                "replies": replies, "waiting": waiting, "chart": self.chart(today, offset)}

    def chart(self, today, offset: str, days: int = 30) -> list[dict]:
        """Messages sent (counted as dashboard() counts today's) and replies received per day,
        oldest first, for the SVG chart."""
        start = today - timedelta(days=days - 1)
        low, high = self._utc_bounds(start, today)
        sent = Counter()
        for query in CHART:
            sent.update(dict(self.db.query(query.format(offset=offset), (low, high))))
        received = dict(self.db.query(
            f"SELECT date(received_at, '{offset}') AS d, count(*) FROM inbox WHERE received_at >= ? AND received_at < ?"
            " GROUP BY d", (low, high)))
        top = max([1, *sent.values(), *received.values()])
        return [{"day": (start + timedelta(days=i)).isoformat(),
                 "sent": sent.get((start + timedelta(days=i)).isoformat(), 0),
                 "replies": received.get((start + timedelta(days=i)).isoformat(), 0), "top": top}
                for i in range(days)]
