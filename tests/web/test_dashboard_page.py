"""The dashboard's figures for today read as staff count them."""
import pytest

from appliance.services.dashboard import CHART, DAY
from tests.web.conftest import logged_in
from tests.web.test_outbox_page import message


def figures(page: str) -> str:
    return page.split('class="big">', 1)[1].split("</div>", 1)[0]


def test_today_sent_counts_what_went_out_and_failures_are_told_apart(client, services):
    logged_in(client, services, role="viewer")
    for key, status in (("a", "delivered"), ("b", "delivered"), ("c", "sent"), ("d", "failed")):
        _at(services, message(services, key, status=status), status, sent=services.now())
    card = figures(client.get("/").get_data(as_text=True))
    assert card.startswith("4<")                                  # the failure is one of today's messages
    assert "配達済 2" in card and "配達確認待ち 1" in card and "失敗 1" in card


def _at(services, message_id, status, sent=None, updated=None, parts=1):
    """Put a message in a known state: sent_at/updated_at are local times on the test's clock."""
    from appliance.clock import iso
    with services.db.write() as conn:
        conn.execute("UPDATE outbox SET status=?, sent_at=?, updated_at=?, parts=? WHERE id=?",
                     (status, sent and iso(sent), iso(updated or sent or services.now()), parts, message_id))


def test_card_and_chart_count_the_same_messages_and_parts_are_named_as_parts(client, services):
    """Today's set: what was sent today, and what failed today without going out. Delivered,
    awaiting a report and failed are parts of it and add up; parts (通) only where they are parts."""
    from datetime import timedelta
    logged_in(client, services, role="viewer")
    now = services.now()
    yesterday = now - timedelta(days=1)
    _at(services, message(services, "delivered"), "delivered", sent=now - timedelta(hours=1), parts=2)
    _at(services, message(services, "sent"), "sent", sent=now - timedelta(minutes=5), parts=1)
    _at(services, message(services, "report-failed"), "failed", sent=now - timedelta(hours=2), parts=3)
    _at(services, message(services, "refused"), "failed", updated=now - timedelta(minutes=30), parts=1)
    # sent yesterday, its report came today: yesterday's message, not today's
    _at(services, message(services, "late-report"), "delivered", sent=yesterday, updated=now, parts=1)
    message(services, "waiting")                                   # still queued: not sent
    data = services.dashboard()
    assert (data["sent"], data["delivered"], data["pending"], data["failed"]) == (4, 1, 1, 2)
    assert data["delivered"] + data["pending"] + data["failed"] == data["sent"]
    assert data["parts"] == 6 and data["cost"] == 6 * services.cost_per_part    # the parts that went out
    chart = {d["day"]: d["sent"] for d in data["chart"]}
    assert chart[now.date().isoformat()] == data["sent"] and chart[yesterday.date().isoformat()] == 1
    page = client.get("/").get_data(as_text=True)
    card = figures(page)
    assert card.startswith("4<") and "配達済 1" in card and "配達確認待ち 1" in card and "失敗 2" in card
    assert "6通分" in page and "■ 送信（件）" in page and "送信（通）" not in page
    client.post("/language", data={"lang": "en"})
    page = client.get("/").get_data(as_text=True)
    assert "6 parts" in page and "■ Sent (messages)" in page and "of which delivered" not in page


@pytest.mark.parametrize("sql, params", [(DAY, ("a", "b") * 2), *((q.format(offset="+9 hours"), ("a", "b")) for q in CHART)])
def test_the_day_figures_search_the_time_indexes_instead_of_reading_every_message(services, sql, params):
    """With a year of messages (1M) a query that reads every unsent message made the dashboard
    take 0.3-0.6 s (make bench): each part of the day's set must be a range search of its index."""
    plan = [row["detail"] for row in services.db.query("EXPLAIN QUERY PLAN " + sql, params)]
    ranges = {"outbox_sent_at (sent_at>? AND sent_at<?)", "outbox_unsent_failures (updated_at>? AND updated_at<?)"}
    steps = [step for step in plan if " outbox " in f" {step} "]
    assert steps and all(step.startswith("SEARCH outbox USING") and any(r in step for r in ranges) for step in steps), plan


def test_a_message_sent_today_and_put_back_in_the_queue_is_not_awaiting_a_report(services):
    """Retried after its report said it failed, it waits in the queue (the queue card counts it)
    until it goes out again; until then it is none of today's sent, delivered, awaiting or failed."""
    from datetime import timedelta
    now = services.now()
    retried = message(services, "retried")
    _at(services, retried, "failed", sent=now - timedelta(hours=1))
    assert services.retry_message(retried)
    data = services.dashboard()
    assert (data["sent"], data["delivered"], data["pending"], data["failed"]) == (0, 0, 0, 0)
    assert data["queue"].get("queued") == 1
