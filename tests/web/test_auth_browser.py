"""First run, login and logout in a real browser."""
from selenium.webdriver.common.by import By

from tests.web.conftest import ADMIN, PASSWORD, wait_url


def fill(browser, form_id: str, **fields):
    form = browser.find_element(By.ID, form_id)
    for name, value in fields.items():
        field = form.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def test_first_visit_creates_the_admin_then_login_works(browser, server, services):
    browser.get(server + "/")
    assert browser.current_url.endswith("/setup")
    assert "管理者を作成" in browser.page_source
    fill(browser, "setup-form", name=ADMIN, password=PASSWORD, password2=PASSWORD)
    assert "ダッシュボード" in browser.find_element(By.TAG_NAME, "h1").text
    assert services.list_users()[0]["role"] == "admin"

    browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
    wait_url(browser, "/login")
    fill(browser, "login-form", name=ADMIN, password="wrong password!")
    assert "ユーザー名またはパスワードが違います" in browser.page_source
    fill(browser, "login-form", name=ADMIN, password=PASSWORD)
    assert browser.find_element(By.TAG_NAME, "h1").text == "ダッシュボード"


def test_setup_refuses_a_short_password(browser, server, services):
    browser.get(server + "/setup")
    fill(browser, "setup-form", name=ADMIN, password="short", password2="short")
    assert services.user_count() == 0
