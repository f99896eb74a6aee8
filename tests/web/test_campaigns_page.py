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
