"""The import page: upload, preview (a dry run: nothing written), confirm; the same code as
`tokusoku import invoices`. Test client first, then a real browser."""
import io
from pathlib import Path

import pytest

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.conftest import logged_in
from tests.web.test_invoices_browser import login
from web.imports import PREVIEW_ROWS

DATA = Path(__file__).parent.parent / "appliance" / "data"
WITH_ERRORS = DATA / "accounting-export-cp932.csv"      # 7 valid rows, 5 row errors
CLEAN = DATA / "simple-en-utf8.csv"


def upload(client, path: Path):
    response = client.post("/imports/upload", data={"file": (io.BytesIO(path.read_bytes()), path.name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def invoice_count(services):
    return services.db.one("SELECT count(*) FROM invoices")[0]


def test_preview_lists_row_errors_and_valid_rows_without_importing(client, services):
    logged_in(client, services, role="staff")
    token = upload(client, WITH_ERRORS)
    page = client.get(f"/imports/{token}").get_data(as_text=True)
    assert "9行目" in page and "支払期日" in page and "存在しない日付です（2026/13/01）" in page
    assert "固定電話のためSMSを送れません" in page and "INV-2026-0004" in page
    assert "正しい7件だけを取り込む" in page and "cp932" in page
    assert invoice_count(services) == 0 and not [a for a in services.audit_log() if a["action"] == "import"]


def test_confirm_valid_rows_only(client, services):
    logged_in(client, services, role="staff")
    token = upload(client, WITH_ERRORS)
    response = client.post(f"/imports/{token}/confirm", data={"mode": "valid"})
    assert "7件を取り込みました" in response.get_data(as_text=True)
    assert invoice_count(services) == 7
    assert services.audit_log()[0]["action"] == "import" and services.audit_log()[0]["actor"] == "user-staff"
    again = client.post(f"/imports/{token}/confirm", data={"mode": "valid"})     # the upload is gone
    assert again.status_code == 302 and invoice_count(services) == 7


def test_all_or_nothing(client, services):
    logged_in(client, services, role="staff")
    token = upload(client, WITH_ERRORS)
    client.post(f"/imports/{token}/confirm", data={"mode": "all"})
    assert invoice_count(services) == 0
    clean = upload(client, CLEAN)
    assert "2件を取り込む" in client.get(f"/imports/{clean}").get_data(as_text=True)
    client.post(f"/imports/{clean}/confirm", data={"mode": "all"})
    assert invoice_count(services) == 2


def test_a_viewer_cannot_import(client, services):
    logged_in(client, services, role="staff")
    token = upload(client, CLEAN)
    logged_in(client, services, role="viewer")
    assert client.post("/imports/upload", data={"file": (io.BytesIO(CLEAN.read_bytes()), "x.csv")},
                       content_type="multipart/form-data").status_code == 403
    assert client.post(f"/imports/{token}/confirm", data={"mode": "all"}).status_code == 403
    assert invoice_count(services) == 0


def test_an_upload_belongs_to_its_uploader(client, services):
    logged_in(client, services, role="staff")
    token = upload(client, CLEAN)
    logged_in(client, services, role="admin")
    assert client.get(f"/imports/{token}").status_code == 400
    assert client.post(f"/imports/{token}/confirm", data={"mode": "all"}).status_code == 302
    assert client.get("/imports/..%2f..%2fetc").status_code in (400, 404)
    assert invoice_count(services) == 0


def test_an_unusable_file_is_explained(client, services):
    logged_in(client, services, role="staff")
    response = client.post("/imports/upload", data={"file": (io.BytesIO(b"hello,world\n"), "x.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 400 and "見出し" in response.get_data(as_text=True)


@pytest.mark.parametrize("content, says", [
    (b"", "空のファイル.csv: ファイルが空です"),                      # 0 bytes
    (b"\xef\xbb\xbf\r\n \r\n", "空のファイル.csv: ファイルが空です"),      # a BOM and blank lines only
    (b"%PDF-1.7 ...", "空のファイル.csv: CSVファイルではありません（PDFのようです）"),
])
def test_a_chosen_file_that_cannot_be_read_is_named_with_the_importers_message(client, services, content, says):
    logged_in(client, services, role="staff")
    response = client.post("/imports/upload", data={"file": (io.BytesIO(content), "空のファイル.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and says in page
    assert "CSVファイルを選んでください" not in page and invoice_count(services) == 0


def test_no_file_chosen_asks_for_one(client, services):
    logged_in(client, services, role="staff")
    for data in ({}, {"file": (io.BytesIO(b""), "")}):           # no part at all; the browser's empty part
        response = client.post("/imports/upload", data=data, content_type="multipart/form-data")
        assert response.status_code == 400 and "CSVファイルを選んでください" in response.get_data(as_text=True)


def test_an_empty_file_chosen_in_the_browser_is_called_empty(browser, server, services, tmp_path):
    empty = tmp_path / "seikyu.csv"
    empty.write_bytes(b"")
    login(browser, server, services, "/imports/")
    browser.find_element(By.CSS_SELECTOR, "#upload-form input[type=file]").send_keys(str(empty))
    browser.find_element(By.CSS_SELECTOR, "#upload-form button").click()
    flash = WebDriverWait(browser, 5).until(lambda b: b.find_element(By.CSS_SELECTOR, ".flash.error"))
    assert flash.text == "seikyu.csv: ファイルが空です"


def test_importing_a_file_with_errors_in_the_browser(browser, server, services):
    login(browser, server, services, "/imports/")
    browser.find_element(By.CSS_SELECTOR, "#upload-form input[type=file]").send_keys(str(WITH_ERRORS))
    browser.find_element(By.CSS_SELECTOR, "#upload-form button").click()
    errors = WebDriverWait(browser, 5).until(lambda b: b.find_element(By.ID, "import-errors"))
    rows = errors.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 5 and rows[0].text.startswith("5行目") and "固定電話" in rows[0].text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#import-valid tbody tr")) == 7
    assert invoice_count(services) == 0

    browser.find_element(By.CSS_SELECTOR, "#confirm-valid button").click()
    result = WebDriverWait(browser, 5).until(lambda b: b.find_element(By.ID, "import-result"))
    assert "7件を取り込みました" in result.text
    assert invoice_count(services) == 7
    browser.find_element(By.LINK_TEXT, "請求書一覧へ").click()
    assert "INV-2026-0001" in browser.find_element(By.ID, "invoice-list").text


def big_csv(rows: int, bad_every: int = 0) -> bytes:
    lines = ["請求書番号,取引先名,電話番号,金額,支払期日"]
    for i in range(rows):
        due = "2026/13/01" if bad_every and i % bad_every == 0 else "2026/12/20"
        lines.append(f"B-{i:06d},顧客{i},090-1{i // 10000:03d}-{i % 10000:04d},1000,{due}")
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def upload_bytes(client, data: bytes, name: str = "big.csv") -> str:
    response = client.post("/imports/upload", data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def test_a_large_preview_shows_the_first_rows_and_counts_the_rest(client, services):
    logged_in(client, services, role="staff")
    token = upload_bytes(client, big_csv(3000, bad_every=3))           # 1000 errors, 2000 valid rows
    page = client.get(f"/imports/{token}").get_data(as_text=True)
    valid = page.split('id="import-valid"')[1].split("</table>")[0]
    errors = page.split('id="import-errors"')[1].split("</table>")[0]
    assert valid.count("<tr>") - 1 == PREVIEW_ROWS and errors.count('<tr class="error">') == PREVIEW_ROWS
    assert f"ほか 1800件（全2000件）" in page and f"ほか 800件（全1000件）" in page
    assert "正しい2000件だけを取り込む" in page                      # the buttons count every row
    assert len(page) < 300_000


def test_the_preview_says_what_the_import_will_create_update_and_send(client, services):
    logged_in(client, services, role="staff")
    client.post(f"/imports/{upload(client, CLEAN)}/confirm", data={"mode": "all"})
    again = upload(client, CLEAN)
    page = client.get(f"/imports/{again}").get_data(as_text=True)
    assert "取り込むと 新規 0件・更新 2件" in page
    assert "取り込むとすぐに督促が送られます" in page
    fresh = upload(client, WITH_ERRORS)
    assert "取り込むと 新規 7件・更新 0件" in client.get(f"/imports/{fresh}").get_data(as_text=True)


def test_long_work_shows_it_is_busy_and_a_cancelled_confirmation_does_not(browser, server, services, tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(big_csv(20000))
    login(browser, server, services, "/imports/")
    form = browser.find_element(By.ID, "upload-form")
    assert form.get_attribute("data-busy")
    browser.execute_script("arguments[0].addEventListener('submit', (e) => e.preventDefault())", form)
    form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(big))
    button = form.find_element(By.TAG_NAME, "button")
    label = button.text
    button.click()
    browser.execute_async_script("setTimeout(arguments[0], 100)")       # the page's own handlers have run
    assert button.is_enabled() and button.text == label               # nothing was sent: no busy sign

    browser.get(server + "/imports/")
    form = browser.find_element(By.ID, "upload-form")
    # The answer goes to a frame, so that this page can be looked at while the server works
    # (WebDriver waits for a navigation of the page itself to finish).
    browser.execute_script("const f = document.createElement('iframe'); f.name = 'answer';"
                           " document.body.append(f); arguments[0].target = 'answer';", form)
    form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(big))
    button = form.find_element(By.TAG_NAME, "button")
    button.click()
    busy = WebDriverWait(browser, 5).until(lambda b: b.find_element(By.CSS_SELECTOR, "#upload-form .busy"))
    assert "確認しています" in busy.text and not button.is_enabled()
    uploads = services._upload_dir()
    WebDriverWait(browser, 30).until(lambda b: any(uploads.glob("*.csv")))      # and the file did go
