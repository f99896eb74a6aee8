"""Templates and the reminder plan: roles, escaping, the server preview, the steps editor, and
the live counter in a real browser."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from appliance import reminders
from appliance.importing import import_invoices
from tests.web.conftest import logged_in
from tests.web.test_invoices_browser import login

CSV = "請求書番号,取引先名,電話番号,金額,支払期日\nINV-9,株式会社テスト,090-1111-2222,33000,2026/12/20\n"


@pytest.fixture
def seeded(services):
    reminders.seed_defaults(services.db)
    return services


def first_template(services):
    return services.db.one("SELECT id, name, body FROM templates ORDER BY id")


@pytest.mark.parametrize("path", ["/templates/1", "/templates/new"])
def test_a_viewer_cannot_edit_templates(client, seeded, path):
    logged_in(client, seeded, role="viewer")
    before = first_template(seeded)["body"]
    assert client.post(path, data={"name": "x", "body": "y", "action": "save"}).status_code == 403
    assert client.post("/templates/plan/1", data={"offset_0": "1"}).status_code == 403
    assert first_template(seeded)["body"] == before
    assert client.get("/templates/1").status_code == 200          # reading is allowed


def test_script_in_a_template_is_shown_escaped(client, seeded):
    logged_in(client, seeded)
    body = "<script>alert('x')</script>{name}様"
    assert client.post("/templates/1", data={"name": "<b>危険</b>", "body": body, "action": "save"}).status_code == 302
    for path in ("/templates/", "/templates/1"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page and "<b>危険</b>" not in page
    assert seeded.audit_log()[0]["action"] == "template.edit"


def test_preview_uses_the_first_open_invoice_and_warns_when_multipart(client, seeded):
    import_invoices(seeded.db, CSV.encode(), name="t.csv", clock=seeded.clock)
    logged_in(client, seeded)
    page = client.post("/templates/1", data={"name": "n", "body": "{name}様 {amount} {due_date}", "action": "preview"})
    text = page.get_data(as_text=True)
    assert "請求書 INV-9 の場合" in text and "株式会社テスト様 ¥33,000 12月20日" in text
    assert "multipart-warning" not in text and "1通" in text
    long = client.post("/templates/1", data={"name": "n", "body": "{name}様" + "お" * 80, "action": "preview"})
    assert "2通に分割して送られます" in long.get_data(as_text=True)
    assert first_template(seeded)["body"] != "{name}様 {amount} {due_date}"        # preview saves nothing


def test_bad_templates_are_refused_with_the_reason(client, seeded):
    logged_in(client, seeded)
    response = client.post("/templates/1", data={"name": "n", "body": "{nam}様", "action": "save"})
    assert response.status_code == 400 and "不明な差し込み項目 {nam}" in response.get_data(as_text=True)
    taken = first_template(seeded)["name"]
    assert client.post("/templates/new", data={"name": taken, "body": "x", "action": "save"}).status_code == 400
    created = client.post("/templates/new", data={"name": "お礼", "body": "ありがとうございました", "action": "save"})
    assert created.status_code == 302 and seeded.db.one("SELECT 1 FROM templates WHERE name='お礼'")


def test_plan_steps_editor(client, seeded):
    logged_in(client, seeded)
    plan = seeded.default_plan()
    page = client.get("/templates/").get_data(as_text=True)
    assert 'name="offset_0" value="-3"' in page and f'name="offset_{len(plan["steps"])}" value=""' in page
    form = {"offset_0": "-5", "time_0": "9:30", "template_0": "1",
            "offset_1": "0", "time_1": "10:00", "template_1": "2", "delete_1": "1",
            "offset_2": "7", "time_2": "18:00", "template_2": "3", "offset_3": "", "time_3": "10:00", "template_3": "1"}
    client.post(f"/templates/plan/{plan['id']}", data=form)
    steps = [(s["offset_days"], s["send_time"], s["template_id"]) for s in seeded.default_plan()["steps"]]
    assert steps == [(-5, "09:30", 1), (7, "18:00", 3)]
    assert seeded.audit_log()[0]["action"] == "plan.edit"
    bad = client.post(f"/templates/plan/{plan['id']}", data={**form, "offset_2": "-5"}, follow_redirects=True)
    assert "すでにあります" in bad.get_data(as_text=True) and len(seeded.default_plan()["steps"]) == 2


def test_the_counter_changes_as_the_text_grows(browser, server, seeded):
    template = first_template(seeded)
    login(browser, server, seeded, f"/templates/{template['id']}")
    body = browser.find_element(By.ID, "template-body")
    counter = browser.find_element(By.ID, "body-counter")
    body.clear()
    body.send_keys("お支払いのお願い")
    WebDriverWait(browser, 5).until(lambda b: counter.text.startswith("8文字・1通"))
    assert "multipart" not in counter.get_attribute("class")
    body.send_keys("。" * 70)
    WebDriverWait(browser, 5).until(lambda b: "2通" in counter.text and "分割送信" in counter.text)
    assert "multipart" in counter.get_attribute("class")

    browser.find_element(By.CSS_SELECTOR, "button[value=preview]").click()        # the server agrees
    WebDriverWait(browser, 5).until(EC.staleness_of(body))                          # the new page is there
    assert "2通に分割" in browser.find_element(By.ID, "multipart-warning").text
    assert "お支払いのお願い。" in browser.find_element(By.ID, "template-preview").text
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    WebDriverWait(browser, 5).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".flash.ok"))
    assert first_template(seeded)["body"] == "お支払いのお願い" + "。" * 70
