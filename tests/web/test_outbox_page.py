"""The outbox page: filters, pages, cancel, retry, deciding uncertain messages; roles and audit."""
from datetime import timedelta

import pytest

from appliance.clock import iso
from tests.web.conftest import logged_in

CUSTOMER = "+819012345678"


def add_sim(services, number="+818011112222", online=1) -> int:
    with services.db.write() as conn:
        return conn.execute("INSERT INTO sims (number, device, online) VALUES (?,?,?)",
                            (number, "/dev/ttyUSB2", online)).lastrowid


def add_customer(services, name="山田 太郎", phone=CUSTOMER) -> int:
    now = iso(services.now())
    with services.db.write() as conn:
        return conn.execute("INSERT INTO customers (name, phone, created_at, updated_at) VALUES (?,?,?,?)",
                            (name, phone, now, now)).lastrowid


def message(services, key, status="queued", kind="reminder", recipient=CUSTOMER, body="お支払いのお願い",
            customer_id=None, sim_id=None) -> int:
    now = services.now()
    message_id = services.outbox.enqueue(key=key, kind=kind, recipient=recipient, body=body, not_before=now,
                                         now=now, customer_id=customer_id)
    with services.db.write() as conn:
        conn.execute("UPDATE outbox SET status=?, sim_id=?, attempts=? WHERE id=?",
                     (status, sim_id, 0 if status == "queued" else 2, message_id))
    return message_id


def status_of(services, message_id):
    return services.db.one("SELECT status FROM outbox WHERE id=?", (message_id,))[0]


def last_audit(services):
    row = services.audit_log(1)[0]
    return row["actor"], row["action"], row["detail"]


def test_list_filters_and_search(client, services):
    logged_in(client, services)
    yamada = add_customer(services)
    message(services, "a", customer_id=yamada)
    message(services, "b", status="failed", kind="campaign", recipient="+819087654321")
    message(services, "c", status="delivered", kind="test", recipient="+819011110000")
    page = client.get("/outbox/").get_data(as_text=True)
    assert "山田 太郎" in page and "送信待ち 1" in page and "失敗 1" in page
    failed = client.get("/outbox/?status=failed").get_data(as_text=True)
    assert "+819087654321" in failed and CUSTOMER not in failed
    assert "+819011110000" in client.get("/outbox/?kind=test").get_data(as_text=True)
    by_number = client.get("/outbox/?q=090-8765-4321").get_data(as_text=True)
    assert "+819087654321" in by_number and "+819011110000" not in by_number
    by_name = client.get("/outbox/?q=山田").get_data(as_text=True)
    assert CUSTOMER in by_name and "+819087654321" not in by_name


def test_pages(client, services):
    logged_in(client, services)
    for i in range(120):
        message(services, f"k{i}", recipient=f"+8190{i:08d}")
    first = client.get("/outbox/").get_data(as_text=True)
    assert "1 / 3ページ（120件）" in first and "+819000000119" in first and "+819000000069" not in first
    third = client.get("/outbox/?page=3").get_data(as_text=True)
    assert "+819000000000" in third and 'rel="prev"' in third


def test_staff_cancels_a_queued_message_and_it_is_audited(client, services):
    logged_in(client, services, role="staff")
    queued, sent = message(services, "q"), message(services, "s", status="sent")
    response = client.post(f"/outbox/{queued}/cancel", data={"status": "queued"})
    assert response.status_code == 302 and "status=queued" in response.headers["Location"]
    assert status_of(services, queued) == "cancelled"
    assert last_audit(services) == ("user-staff", "outbox.cancel", f"#{queued} {CUSTOMER}")
    client.post(f"/outbox/{sent}/cancel")
    assert status_of(services, sent) == "sent"
    assert last_audit(services)[1] == "outbox.cancel"       # no second record for a refused cancel
    assert len([r for r in services.audit_log() if r["action"] == "outbox.cancel"]) == 1


def test_retry_a_failed_message_keeps_the_row_and_attempts(client, services):
    logged_in(client, services, role="staff")
    failed = message(services, "f", status="failed")
    services.clock.advance(timedelta(hours=1))
    client.post(f"/outbox/{failed}/retry")
    row = services.db.one("SELECT status, attempts, not_before, idempotency_key FROM outbox WHERE id=?", (failed,))
    assert (row["status"], row["attempts"], row["idempotency_key"]) == ("queued", 2, "f")
    assert row["not_before"] == iso(services.now())
    assert last_audit(services)[:2] == ("user-staff", "outbox.retry")
    assert services.db.one("SELECT count(*) FROM outbox")[0] == 1


@pytest.mark.parametrize("decision, status", [("sent", "sent"), ("resend", "queued")])
def test_decide_uncertain(client, services, decision, status):
    logged_in(client, services, role="staff")
    sim = add_sim(services)
    uncertain = message(services, "u", status="uncertain", sim_id=sim)
    page = client.get("/outbox/?status=uncertain").get_data(as_text=True)
    assert "送信済として扱う" in page and "再送する" in page
    client.post(f"/outbox/{uncertain}/decide", data={"decision": decision})
    assert status_of(services, uncertain) == status
    assert last_audit(services)[:2] == ("user-staff", f"outbox.uncertain.{decision}")
    parts_today = services.outbox.parts_today(sim, services.now())
    assert parts_today == (1 if decision == "sent" else 0)        # a sent message counts against the cap
    client.post(f"/outbox/{uncertain}/decide", data={"decision": "resend"})
    assert status_of(services, uncertain) == status                # decided once


@pytest.mark.parametrize("action", ["cancel", "retry", "decide"])
def test_viewer_cannot_change_messages(client, services, action):
    logged_in(client, services, role="viewer")
    queued = message(services, "q", status={"cancel": "queued", "retry": "failed", "decide": "uncertain"}[action])
    before = status_of(services, queued)
    assert client.post(f"/outbox/{queued}/{action}", data={"decision": "resend"}).status_code == 403
    assert status_of(services, queued) == before
    assert "取消" not in client.get("/outbox/").get_data(as_text=True).split("<table")[1]


def test_customer_name_and_body_are_escaped(client, services):
    logged_in(client, services)
    evil = add_customer(services, name='<script>alert("name")</script>')
    message(services, "x", customer_id=evil, body="<img src=x onerror=alert(1)>")
    page = client.get("/outbox/").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_unknown_message_is_404(client, services):
    logged_in(client, services, role="staff")
    assert client.post("/outbox/999/cancel").status_code == 404


def test_retrying_a_number_that_does_not_exist_asks_first(client, services):
    logged_in(client, services)
    ids = {}
    for key, error in (("gone", "'AT+CMGS=153' failed: +CMS ERROR: 1"), ("busy", "'AT+CMGS=153' failed: +CMS ERROR: 42"),
                       ("unknown", "'AT+CMGS=153' failed: +CMS ERROR: Unidentified subscriber")):
        ids[key] = message(services, key, status="failed")
        with services.db.write() as conn:
            conn.execute("UPDATE outbox SET last_error=? WHERE id=?", (error, ids[key]))
    page = client.get("/outbox/").get_data(as_text=True)

    def retry_button(message_id):
        form = page.split(f'action="/outbox/{message_id}/retry"')[1].split("</form>")[0]
        return form.split("<button")[1].split(">")[0]
    assert "この番号は使われていない" in retry_button(ids["gone"])
    assert "data-confirm-click" in retry_button(ids["unknown"])
    assert "data-confirm-click" not in retry_button(ids["busy"])          # congestion: a retry may well work
