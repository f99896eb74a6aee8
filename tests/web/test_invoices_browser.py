"""Marking an invoice paid in a real browser cancels its queued reminders at once."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from appliance import reminders
from appliance.importing import import_invoices
from tests.web.conftest import ADMIN, PASSWORD, wait_url

CSV = "請求書番号,取引先名,電話番号,金額,支払期日\nINV-7,佐藤 花子,090-1111-2222,12000,2026/12/01\n"


def login(browser, server, services, path):
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    browser.get(server + path)
    form = browser.find_element(By.ID, "login-form")
    form.find_element(By.NAME, "name").send_keys(ADMIN)
    form.find_element(By.NAME, "password").send_keys(PASSWORD)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_url(browser, path.split("?")[0])


def test_marking_paid_cancels_the_queued_reminder(browser, server, services):
    reminders.seed_defaults(services.db)
    import_invoices(services.db, CSV.encode(), name="t.csv", clock=services.clock)
    queued = reminders.tick(services.db, services.outbox, services.now(), services.rules,
                            company=services.company, contact_phone=services.contact_phone)
    assert queued == 1
    login(browser, server, services, "/invoices/?q=INV-7")
    browser.find_element(By.LINK_TEXT, "INV-7").click()
    history = browser.find_element(By.ID, "outbox-history")
    assert "送信待ち" in history.text and "佐藤 花子様" in history.text

    browser.find_element(By.CSS_SELECTOR, "#paid-form button").click()
    WebDriverWait(browser, 5).until(EC.alert_is_present()).accept()      # form[data-confirm]
    WebDriverWait(browser, 5).until(EC.staleness_of(history))
    assert "入金済" in browser.find_element(By.ID, "invoice-status").text
    assert "送信待ちの督促 1件を取り消しました" in browser.find_element(By.CSS_SELECTOR, ".flash.ok").text
    assert "取消" in browser.find_element(By.ID, "outbox-history").text
    assert services.outbox.counts() == {"cancelled": 1}
