"""The invoices page with Flask's test client: search, detail, changes, roles, escaping, export."""
from datetime import timedelta

import pytest

from appliance.importing import import_invoices
from tests.web.conftest import logged_in

CSV = ("請求書番号,取引先名,電話番号,金額,支払期日\r\n"
       "INV-1,山田 太郎,090-1111-2222,12000,2026/12/01\r\n"
       "INV-2,<script>alert(1)</script>,090-3333-4444,5500,2026/12/20\r\n"
       "INV-3,=HYPERLINK(\"http://evil\"),080-5555-6666,800,2026/12/25\r\n"
       "INV-4,@SUM(1+1),070-1234-5678,1000,2026/12/26\r\n")


@pytest.fixture
def invoices(services):
    report = import_invoices(services.db, CSV.encode(), name="t.csv", clock=services.clock)
    assert report.imported == 4
    return {r["number"]: r["id"] for r in services.db.query("SELECT id, number FROM invoices")}


def queue_reminder(services, invoice_id):
    invoice = services.invoice(invoice_id)
    return services.outbox.enqueue(key=f"reminder:{invoice_id}:0", kind="reminder", recipient=invoice["phone"],
                                   body="お支払いのお願い", not_before=services.now(), now=services.now(),
                                   customer_id=invoice["customer_id"], invoice_id=invoice_id)


def text(response):
    return response.get_data(as_text=True)


def test_search_by_number_name_phone_and_filters(client, services, invoices):
    logged_in(client, services, role="viewer")
    assert "INV-1" in text(client.get("/invoices/?q=山田"))
    assert "山田" in text(client.get("/invoices/?q=inv-1"))
    page = text(client.get("/invoices/?q=090-1111"))            # as typed, stored as +8190...
    assert "INV-1" in page and "INV-2" not in page
    overdue = text(client.get("/invoices/?overdue=1"))          # today is 2026-12-07
    assert "INV-1" in overdue and "INV-2" not in overdue and "期日超過" in overdue
    assert "1件" in text(client.get("/invoices/?status=open&q=INV-3"))


def test_pagination(services):
    page = services.search_invoices(per_page=3)
    assert page["total"] == 0 and page["pages"] == 1
    import_invoices(services.db, CSV.encode(), name="t.csv", clock=services.clock)
    first, second = services.search_invoices(per_page=3), services.search_invoices(page=2, per_page=3)
    assert (first["pages"], len(first["rows"]), len(second["rows"])) == (2, 3, 1)
    assert not {r["number"] for r in first["rows"]} & {r["number"] for r in second["rows"]}


def test_detail_shows_the_whole_history(client, services, invoices):
    queue_reminder(services, invoices["INV-1"])
    with services.db.write() as conn:
        customer = services.invoice(invoices["INV-1"])["customer_id"]
        conv = conn.execute("INSERT INTO conversations (customer_id, phone) VALUES (?, '+819011112222')",
                            (customer,)).lastrowid
        conn.execute("INSERT INTO inbox (conversation_id, sender, text, received_at) VALUES (?,?,?,?)",
                     (conv, "+819011112222", "来週払います", "2026-12-07T01:00:00+00:00"))
    logged_in(client, services, role="viewer")
    page = text(client.get(f"/invoices/{invoices['INV-1']}"))
    assert "お支払いのお願い" in page and "送信待ち" in page and "来週払います" in page
    assert "入金済にする" not in page                            # a viewer sees no buttons
    assert client.get("/invoices/9999").status_code == 404


@pytest.mark.parametrize("action", ["paid", "disputed", "reopen", "edit", "opt-out"])
def test_a_viewer_cannot_change_invoices(client, services, invoices, action):
    logged_in(client, services, role="viewer")
    response = client.post(f"/invoices/{invoices['INV-1']}/{action}", data={"amount": "1"})
    assert response.status_code == 403
    assert services.invoice(invoices["INV-1"])["status"] == "open"


def test_mark_paid_cancels_queued_reminders_and_is_audited(client, services, invoices):
    message = queue_reminder(services, invoices["INV-1"])
    logged_in(client, services, role="staff")
    response = client.post(f"/invoices/{invoices['INV-1']}/paid", follow_redirects=True)
    assert "1件を取り消しました" in text(response)
    assert services.invoice(invoices["INV-1"])["status"] == "paid"
    assert services.db.one("SELECT status FROM outbox WHERE id=?", (message,))[0] == "cancelled"
    assert services.audit_log()[0]["action"] == "invoice.paid" and services.audit_log()[0]["actor"] == "user-staff"


def test_disputed_stops_reminders_and_reopen(client, services, invoices):
    message = queue_reminder(services, invoices["INV-2"])
    logged_in(client, services, role="staff")
    client.post(f"/invoices/{invoices['INV-2']}/disputed")
    assert services.invoice(invoices["INV-2"])["status"] == "disputed"
    assert services.db.one("SELECT status FROM outbox WHERE id=?", (message,))[0] == "cancelled"
    client.post(f"/invoices/{invoices['INV-2']}/reopen")
    assert services.invoice(invoices["INV-2"])["status"] == "open"
    assert [r["action"] for r in services.audit_log()[:2]] == ["invoice.reopen", "invoice.disputed"]


def test_edit_checks_like_the_import_and_moves_queued_messages(client, services, invoices):
    message = queue_reminder(services, invoices["INV-1"])
    logged_in(client, services, role="staff")
    bad = client.post(f"/invoices/{invoices['INV-1']}/edit",
                      data={"amount": "abc", "due_date": "2026-12-31", "name": "山田 太郎", "phone": "09011112222"})
    assert bad.status_code == 400 and "金額が数字ではありません" in text(bad)
    client.post(f"/invoices/{invoices['INV-1']}/edit",
                data={"amount": "￥15,000", "due_date": "2026/12/31", "name": "山田 太郎", "phone": "090-9999-0000"})
    invoice = services.invoice(invoices["INV-1"])
    assert (invoice["amount"], invoice["due_date"], invoice["phone"]) == (15000, "2026-12-31", "+819099990000")
    assert services.db.one("SELECT recipient FROM outbox WHERE id=?", (message,))[0] == "+819099990000"
    assert services.audit_log()[0]["action"] == "invoice.edit"


def test_opt_out_cancels_at_once_and_opt_in(client, services, invoices):
    message = queue_reminder(services, invoices["INV-1"])
    logged_in(client, services, role="staff")
    client.post(f"/invoices/{invoices['INV-1']}/opt-out", data={"opted_out": "1"})
    assert services.invoice(invoices["INV-1"])["opted_out"] == 1
    assert services.db.one("SELECT status FROM outbox WHERE id=?", (message,))[0] == "cancelled"
    client.post(f"/invoices/{invoices['INV-1']}/opt-out", data={"opted_out": "0"})
    assert services.invoice(invoices["INV-1"])["opted_out"] == 0


def test_customer_names_are_escaped(client, services, invoices):
    logged_in(client, services, role="viewer")
    for path in ("/invoices/", f"/invoices/{invoices['INV-2']}"):
        page = text(client.get(path))
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_export_is_a_download_with_formula_cells_neutralised(client, services, invoices):
    logged_in(client, services, role="viewer")
    response = client.get("/invoices/export.csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "'@SUM(1+1)" in body and "'+81" in body
    cells = [cell.strip('"') for line in body.splitlines() for cell in line.split(",")]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert services.audit_log()[0]["action"] == "invoices.export"
    again = import_invoices(services.db, response.data, name="back.csv", dry_run=True, clock=services.clock)
    assert again.errors == [] and {i.name for i in again.invoices} >= {'=HYPERLINK("http://evil")', "@SUM(1+1)"}


def test_overdue_follows_the_clock(services, invoices):
    assert [r["number"] for r in services.search_invoices(overdue=True)["rows"]] == ["INV-1"]
    services.clock.advance(timedelta(days=15))           # 2026-12-22
    assert len(services.search_invoices(overdue=True)["rows"]) == 2


def test_changes_need_the_csrf_token(client, app, services, invoices):
    app.config["WTF_CSRF_ENABLED"] = True
    logged_in(client, services, role="staff")
    assert client.post(f"/invoices/{invoices['INV-1']}/paid").status_code == 400
    assert services.invoice(invoices["INV-1"])["status"] == "open"


def test_export_states_are_the_words_the_page_uses(client, services, invoices):
    from web.filters import STATUS
    logged_in(client, services, role="viewer")
    rows = [line.split(",") for line in client.get("/invoices/export.csv").data.decode("utf-8-sig").splitlines()]
    assert rows[0][-1] == "状態" and {row[-1] for row in rows[1:]} <= {STATUS[s] for s in ("open", "paid", "disputed")}
    assert "未入金" in {row[-1] for row in rows[1:]} and "open" not in {row[-1] for row in rows[1:]}
