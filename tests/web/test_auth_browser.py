"""First run, login and logout in a real browser."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.conftest import ADMIN, PASSWORD, wait_url


def heading(browser, text: str, timeout: float = 5.0) -> None:
    """Wait until the page's h1 reads `text` (the old page may still be there for a moment)."""
    from selenium.common.exceptions import WebDriverException

    def shows(b):
        try:
            return b.find_element(By.TAG_NAME, "h1").text == text
        except WebDriverException:          # stale, or "node does not belong to the document"
            return False
    WebDriverWait(browser, timeout).until(shows)


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
    heading(browser, "ダッシュボード")
    assert services.list_users()[0]["role"] == "admin"

    browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
    wait_url(browser, "/login")
    fill(browser, "login-form", name=ADMIN, password="wrong password!")
    WebDriverWait(browser, 5).until(lambda b: "ユーザー名またはパスワードが違います" in b.page_source)
    fill(browser, "login-form", name=ADMIN, password=PASSWORD)
    heading(browser, "ダッシュボード")


def test_setup_refuses_a_short_password(browser, server, services):
    browser.get(server + "/setup")
    fill(browser, "setup-form", name=ADMIN, password="short", password2="short")
    assert services.user_count() == 0
