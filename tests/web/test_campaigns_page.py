"""Campaigns: the count and cost before anything is queued, the start, roles, and the whole
flow in a real browser."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from appliance.importing import import_invoices
from appliance.services.campaigns import Audience
from tests.web.conftest import logged_in
from tests.web.test_invoices_browser import login

CSV = ("請求書番号,取引先名,電話番号,金額,支払期日\n"
       "C-1,青木 一郎,090-1111-0001,1000,2026/12/01\n"        # overdue on 2026-12-07
       "C-2,石井 二郎,090-1111-0002,2000,2026/12/10\n"
       "C-3,上田 三郎,090-1111-0003,3000,2026/12/31\n"
       "C-4,青木 一郎,090-1111-0001,4000,2026/12/02\n")      # same customer as C-1
FORM = {"name": "年末のご案内", "body": "年末年始は12月29日から休業します。", "status": "open"}


@pytest.fixture
def customers(services):
    assert import_invoices(services.db, CSV.encode(), name="t.csv", clock=services.clock).imported == 4
    return services


def campaign_messages(services):
    return services.db.query("SELECT recipient, body, status FROM outbox WHERE kind='campaign' ORDER BY recipient")


def test_preview_shows_count_and_cost_and_queues_nothing(client, customers):
    logged_in(client, customers, role="staff")
    page = client.post("/campaigns/preview", data=FORM).get_data(as_text=True)
    assert 'id="campaign-count">3<' in page and "¥9" in page            # 1 part x 3 yen x 3 customers
    overdue = client.post("/campaigns/preview", data={**FORM, "overdue": "1"}).get_data(as_text=True)
    assert 'id="campaign-count">1<' in overdue
    before = client.post("/campaigns/preview", data={**FORM, "due_before": "2026-12-10"}).get_data(as_text=True)
    assert 'id="campaign-count">2<' in before
    assert campaign_messages(customers) == []


def test_cost_counts_parts_and_leaves_out_opted_out_customers(customers):
    customers.set_opted_out(customers.invoice(3)["customer_id"], True)
    estimate = customers.campaign_estimate(Audience(), "お" * 100)
    assert (estimate["count"], estimate["excluded"], estimate["info"]["parts"], estimate["cost"]) == (2, 1, 2, 12)


def test_one_message_per_handset_and_none_where_any_record_opted_out(client, customers):
    """Two customer records on one phone (株式会社 and (株)) are one person's handset."""
    extra = ("請求書番号,取引先名,電話番号,金額,支払期日\n"
             "C-5,株式会社ウエダ,090-1111-0003,5000,2026/12/01\n"      # C-3's phone, another name
             "C-6,石井商店,090-1111-0002,6000,2026/12/01\n")          # C-2's phone
    assert import_invoices(customers.db, extra.encode(), name="u.csv", clock=customers.clock).imported == 2
    with customers.db.write() as conn:       # one record on C-2's phone opted out, the other not (as before)
        conn.execute("UPDATE customers SET opted_out = 1 WHERE name = '石井商店'")
    estimate = customers.campaign_estimate(Audience(), FORM["body"])
    assert (estimate["count"], estimate["excluded"]) == (2, 2)
    logged_in(client, customers, role="staff")
    client.post("/campaigns/start", data=FORM)
    assert [m["recipient"] for m in campaign_messages(customers)] == ["+819011110001", "+819011110003"]


def test_start_queues_once_per_customer_and_is_audited(client, customers):
    logged_in(client, customers, role="staff")
    response = client.post("/campaigns/start", data=FORM, follow_redirects=True)
    assert "3件を送信待ちにしました" in response.get_data(as_text=True)
    assert [m["status"] for m in campaign_messages(customers)] == ["queued"] * 3
    client.post("/campaigns/start", data=FORM)                               # a double click
    assert len(campaign_messages(customers)) == 3
    assert customers.audit_log()[0]["action"] == "campaign.start"
    listing = client.get("/campaigns/").get_data(as_text=True)
    assert "年末のご案内" in listing and "これまでの一斉送信" in listing


def test_a_viewer_cannot_start_a_campaign(client, customers):
    logged_in(client, customers, role="viewer")
    assert client.post("/campaigns/start", data=FORM).status_code == 403
    assert client.post("/campaigns/preview", data=FORM).status_code == 403
    assert 'id="campaign-form"' not in client.get("/campaigns/").get_data(as_text=True)
    assert campaign_messages(customers) == []


def test_bad_input_is_explained(client, customers):
    logged_in(client, customers, role="staff")
    assert client.post("/campaigns/preview", data={**FORM, "body": " "}).status_code == 400
    bad_date = client.post("/campaigns/preview", data={**FORM, "due_before": "12/31"})
    assert bad_date.status_code == 400 and "日付として読めません" in bad_date.get_data(as_text=True)
    nobody = client.post("/campaigns/start", data={**FORM, "status": "paid"})
    assert nobody.status_code == 400 and "送信先がありません" in nobody.get_data(as_text=True)


def test_starting_a_campaign_in_the_browser(browser, server, customers):
    login(browser, server, customers, "/campaigns/")
    form = browser.find_element(By.ID, "campaign-form")
    form.find_element(By.NAME, "name").send_keys(FORM["name"])
    form.find_element(By.NAME, "body").send_keys(FORM["body"])
    WebDriverWait(browser, 5).until(lambda b: "1通" in b.find_element(By.ID, "campaign-counter").text)
    form.find_element(By.NAME, "overdue").click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 5).until(EC.staleness_of(form))
    count = browser.find_element(By.ID, "campaign-count")
    assert count.text == "1" and browser.find_element(By.ID, "campaign-cost").text == "¥3"
    assert campaign_messages(customers) == []

    browser.find_element(By.CSS_SELECTOR, "#campaign-start button").click()
    WebDriverWait(browser, 5).until(EC.alert_is_present()).accept()
    flash = WebDriverWait(browser, 5).until(lambda b: b.find_element(By.CSS_SELECTOR, ".flash.ok"))
    assert "1件を送信待ちにしました" in flash.text
    assert [(m["recipient"], m["body"]) for m in campaign_messages(customers)] == [("+819011110001", FORM["body"])]
    assert "年末のご案内" in browser.find_element(By.ID, "campaign-list").text


# -- approval by a second user (設定: 一斉送信は別の利用者が承認してから送る) -------------------------
SETTINGS = {"company": "サンプル商事", "contact_phone": "03-1234-5678", "quiet_start": "21:00", "quiet_end": "08:00",
            "per_customer_per_day": "1", "daily_cap": "180", "cost_per_part": "3"}


@pytest.fixture
def approval(client, customers):
    """Campaigns need a second user's approval; the settings page turned it on."""
    logged_in(client, customers)
    assert client.post("/settings/", data={**SETTINGS, "campaign_approval": "1"}).status_code == 302
    assert customers.campaigns_need_approval()
    customers.create_user("tanaka", "correct horse battery", "staff", actor="test")
    return customers


def as_user(client, services, name):
    with client.session_transaction() as session:
        session["user_id"] = services.db.one("SELECT id FROM users WHERE name=?", (name,))[0]
    return client


def requests_(services):
    return [tuple(r) for r in services.db.query(
        "SELECT name, status, requested_by, decided_by, queued FROM campaign_requests ORDER BY id")]


def test_with_approval_starting_only_files_a_request(client, approval):
    as_user(client, approval, "tanaka")
    page = client.post("/campaigns/preview", data=FORM).get_data(as_text=True)
    assert "3件への送信を承認依頼する" in page and 'id="approval-note"' in page
    response = client.post("/campaigns/start", data=FORM, follow_redirects=True)
    assert "承認待ちにしました" in response.get_data(as_text=True)
    assert campaign_messages(approval) == []
    assert requests_(approval) == [("年末のご案内", "pending", "tanaka", None, None)]
    assert approval.audit_log()[0]["action"] == "campaign.request"
    again = client.post("/campaigns/start", data=FORM)                      # a double click
    assert again.status_code == 400 and "すでに承認待ち" in again.get_data(as_text=True)
    assert len(requests_(approval)) == 1


def test_the_requester_cannot_approve_their_own_campaign(client, approval):
    as_user(client, approval, "tanaka")
    client.post("/campaigns/start", data=FORM)
    request_id = approval.pending_campaigns()[0]["id"]
    page = client.get("/campaigns/").get_data(as_text=True)
    assert f'id="request-{request_id}"' in page and "承認して送信する" not in page and "取り下げる" in page
    refused = client.post(f"/campaigns/requests/{request_id}/approve", follow_redirects=True)
    assert "自分で申請した一斉送信は承認できません" in refused.get_data(as_text=True)
    assert campaign_messages(approval) == [] and requests_(approval)[0][1] == "pending"


def test_another_user_approves_and_the_campaign_goes_out_once(client, approval):
    as_user(client, approval, "tanaka")
    client.post("/campaigns/start", data=FORM)
    request_id = approval.pending_campaigns()[0]["id"]
    as_user(client, approval, "kanri")
    page = client.get("/campaigns/").get_data(as_text=True)
    assert "tanakaさんの申請" in page and "承認して送信する" in page and "却下する" in page
    response = client.post(f"/campaigns/requests/{request_id}/approve", follow_redirects=True)
    assert "承認しました（3件を送信待ちにしました）" in response.get_data(as_text=True)
    assert [m["status"] for m in campaign_messages(approval)] == ["queued"] * 3
    assert requests_(approval) == [("年末のご案内", "approved", "tanaka", "kanri", 3)]
    assert [e["action"] for e in approval.audit_log()[:2]] == ["campaign.approve", "campaign.start"]
    twice = client.post(f"/campaigns/requests/{request_id}/approve", follow_redirects=True)
    assert "もう承認待ちではありません" in twice.get_data(as_text=True)
    assert len(campaign_messages(approval)) == 3 and approval.pending_campaigns() == []


def test_a_rejected_or_withdrawn_campaign_sends_nothing(client, approval):
    as_user(client, approval, "tanaka")
    client.post("/campaigns/start", data=FORM)
    client.post("/campaigns/start", data={**FORM, "name": "別のご案内"})
    first, second = (r["id"] for r in approval.pending_campaigns())
    withdrawn = client.post(f"/campaigns/requests/{first}/reject", follow_redirects=True)
    assert "「年末のご案内」を取り下げました" in withdrawn.get_data(as_text=True)
    as_user(client, approval, "kanri")
    rejected = client.post(f"/campaigns/requests/{second}/reject", follow_redirects=True)
    assert "「別のご案内」を却下しました" in rejected.get_data(as_text=True)
    assert client.post(f"/campaigns/requests/{second}/approve", follow_redirects=True).status_code == 200
    assert campaign_messages(approval) == []
    assert [(r[1], r[3]) for r in requests_(approval)] == [("rejected", "tanaka"), ("rejected", "kanri")]


def test_a_viewer_can_neither_approve_nor_reject(client, approval):
    as_user(client, approval, "tanaka")
    client.post("/campaigns/start", data=FORM)
    request_id = approval.pending_campaigns()[0]["id"]
    logged_in(client, approval, role="viewer")
    assert 'id="campaign-pending"' in client.get("/campaigns/").get_data(as_text=True)
    assert client.post(f"/campaigns/requests/{request_id}/approve").status_code == 403
    assert client.post(f"/campaigns/requests/{request_id}/reject").status_code == 403
    assert requests_(approval)[0][1] == "pending" and campaign_messages(approval) == []


def test_approval_chooses_the_customers_again(client, approval):
    """A customer who opted out while the request waited is not sent to."""
    as_user(client, approval, "tanaka")
    client.post("/campaigns/start", data=FORM)
    approval.set_opted_out(approval.invoice(2)["customer_id"], True)
    assert approval.pending_campaigns()[0]["count"] == 2
    assert approval.approve_campaign(approval.pending_campaigns()[0]["id"], "kanri") == 2
    assert "+819011110002" not in [m["recipient"] for m in campaign_messages(approval)]


def test_approving_a_campaign_in_the_browser(browser, server, approval):
    approval.request_campaign(FORM["name"], FORM["body"], Audience(), "tanaka")
    browser.get(server + "/login")
    form = browser.find_element(By.ID, "login-form")
    form.find_element(By.NAME, "name").send_keys("kanri")
    form.find_element(By.NAME, "password").send_keys("correct horse battery")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 5).until(lambda b: "/login" not in b.current_url)
    browser.get(server + "/campaigns/")
    pending = browser.find_element(By.ID, "campaign-pending")
    assert "tanakaさんの申請" in pending.text and pending.find_element(By.CLASS_NAME, "request-count").text == "3"
    pending.find_element(By.CSS_SELECTOR, "form.approve button").click()
    WebDriverWait(browser, 5).until(EC.alert_is_present()).accept()
    flash = WebDriverWait(browser, 5).until(lambda b: b.find_element(By.CSS_SELECTOR, ".flash.ok"))
    assert "3件を送信待ちにしました" in flash.text
    assert len(campaign_messages(approval)) == 3
    assert browser.find_elements(By.ID, "campaign-pending") == []
