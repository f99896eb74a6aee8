"""The settings page: validation naming the field, admins only, audited, honoured by the running
appliance and by the page's own counters; the backup download."""
import sqlite3
import unicodedata
from datetime import datetime, time

import pytest

from appliance import settings
from appliance.app import Appliance
from appliance.clock import TOKYO, ManualClock
from appliance.config import Config
from appliance.db import Database
from appliance.worker import ModemSettings
from tests.web.conftest import logged_in

FORM = {"company": "サンプル商事", "contact_phone": "03-1234-5678", "quiet_start": "21:00", "quiet_end": "08:00",
        "per_customer_per_day": "1", "daily_cap": "180", "cost_per_part": "3"}


def test_page_shows_current_values_and_the_time_zone(client, services):
    logged_in(client, services)
    page = client.get("/settings/").get_data(as_text=True)
    assert 'value="サンプル商事"' in page and 'value="21:00"' in page and "Asia/Tokyo" in page


@pytest.mark.parametrize("field, value, message", [
    ("company", "", "会社名を入力してください"),
    ("quiet_start", "25:00", "送信停止の開始は 21:00 のような時刻で入力してください"),
    ("quiet_end", "夜", "送信停止の終了は 21:00 のような時刻で入力してください"),
    ("per_customer_per_day", "0", "1人あたり1日の上限は1から10までの整数で入力してください"),
    ("daily_cap", "abc", "SIMごとの1日の上限（通）は1から200までの整数で入力してください"),
    ("daily_cap", "5000", "携帯会社は1日200通ほどでSIMを止めます"),
    ("contact_phone", "abc", "問い合わせ電話番号は 03-1234-5678 のような電話番号で入力してください"),
    ("contact_phone", "03-1234", "問い合わせ電話番号は 03-1234-5678 のような電話番号で入力してください"),
    ("contact_phone", "+1 212 555 1234", "問い合わせ電話番号は 03-1234-5678 のような電話番号で入力してください"),
    ("daily_cap", "²", "SIMごとの1日の上限（通）は1から200までの整数で入力してください"),
    ("daily_cap", "①", "SIMごとの1日の上限（通）は1から200までの整数で入力してください"),
    ("per_customer_per_day", "9" * 5000, "1人あたり1日の上限は1から10までの整数で入力してください"),
    ("cost_per_part", "-1", "1通あたりの費用（円）は0から1000までの整数で入力してください"),
])
def test_bad_values_are_refused_with_a_message_naming_the_field(client, services, field, value, message):
    logged_in(client, services)
    response = client.post("/settings/", data={**FORM, field: value})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert services.db.one("SELECT count(*) FROM settings WHERE key != 'secret_key'")[0] == 0


@pytest.mark.parametrize("start, end", [("08:00", "21:00"), ("23:00", "06:00"), ("00:00", "00:00"),
                                        ("21:30", "08:00"), ("21:00", "07:59"), ("00:00", "09:00")])
def test_quiet_hours_that_leave_part_of_the_night_open_are_refused(client, services, start, end):
    logged_in(client, services)
    response = client.post("/settings/", data={**FORM, "quiet_start": start, "quiet_end": end})
    assert response.status_code == 400
    assert "送信停止の時間帯は 21:00〜08:00 を含めてください" in response.get_data(as_text=True)
    assert services.db.one("SELECT count(*) FROM settings WHERE key != 'secret_key'")[0] == 0


@pytest.mark.parametrize("start, end, phone", [("21:00", "08:00", "03-1234-5678"), ("19:30", "09:00", "0120-123-456"),
                                               ("２１：００", "０８：００", "０３－１２３４－５６７８"),
                                               ("20:00", "08:00", "090-1234-5678"), ("21:00", "08:30", "")])
def test_quiet_hours_covering_the_night_and_japanese_numbers_are_saved(client, services, start, end, phone):
    logged_in(client, services)
    response = client.post("/settings/", data={**FORM, "quiet_start": start, "quiet_end": end, "contact_phone": phone})
    assert response.status_code == 302
    services.settings.forget()
    assert (services.rules.quiet_start.strftime("%H:%M"), services.rules.quiet_end.strftime("%H:%M")) == (
        unicodedata.normalize("NFKC", start), unicodedata.normalize("NFKC", end))


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_only_admins_see_or_change_settings(client, services, role):
    logged_in(client, services, role=role)
    assert client.get("/settings/").status_code == 403
    assert client.post("/settings/", data={**FORM, "quiet_start": "20:00"}).status_code == 403
    assert client.post("/settings/backup").status_code == 403
    assert services.rules.quiet_start == time(21, 0)
    assert "/settings/" not in client.get("/").get_data(as_text=True)       # not in the menu either


def test_saved_settings_take_effect_and_are_audited(client, services):
    logged_in(client, services)
    response = client.post("/settings/", data={**FORM, "company": "トクソク商事", "quiet_start": "20:00",
                                               "skip_sundays": "1", "cost_per_part": "5"})
    assert response.status_code == 302
    assert (services.company, services.rules.quiet_start, services.rules.skip_sundays, services.cost_per_part) == (
        "トクソク商事", time(20, 0), True, 5)
    assert services.preview_template("{company}")["text"] == "トクソク商事"
    assert services.text_info("a")["cost"] == 5
    entry = services.audit_log()[0]
    assert entry["action"] == "settings.change" and "quiet_start: 21:00 → 20:00" in entry["detail"]
    # values back to the file's are no longer stored: the file decides them again
    client.post("/settings/", data=FORM)
    assert services.db.one("SELECT count(*) FROM settings WHERE key != 'secret_key'")[0] == 0


def test_the_appliance_honours_a_changed_quiet_hour(client, services, tmp_path):
    appliance = Appliance(Config(database=tmp_path / "web.db"), ManualClock(datetime(2026, 12, 7, 20, 30, tzinfo=TOKYO)),
                          db=services.db, check_clock=False)
    appliance.settings.ttl = 0                 # read the table at every call
    evening = datetime(2026, 12, 7, 20, 30, tzinfo=TOKYO)
    assert appliance.sending_allowed(evening)
    logged_in(client, services)
    client.post("/settings/", data={**FORM, "quiet_start": "20:00", "daily_cap": "50",
                                    "company": "トクソク商事", "per_customer_per_day": "2"})
    assert not appliance.sending_allowed(evening)
    assert appliance.sending_allowed(datetime(2026, 12, 7, 19, 59, tzinfo=TOKYO))
    current = appliance.settings.current()
    assert (current.company, current.per_customer_per_day) == ("トクソク商事", 2)
    assert appliance.daily_cap(ModemSettings("/dev/x")) == 50              # the default cap
    assert appliance.daily_cap(ModemSettings("/dev/x", daily_cap=30)) == 30  # a modem's own wins


def test_settings_cache_is_reread_after_its_time():
    source_db = Database()
    source = settings.SettingsSource(source_db, settings.Settings(), ttl=3600)
    assert source.current().cost_per_part == 3
    settings.save(source_db, settings.Settings(cost_per_part=7), settings.Settings())
    assert source.current().cost_per_part == 3          # cached
    source.forget()
    assert source.current().cost_per_part == 7


def test_html_in_the_company_name_is_shown_escaped(client, services):
    logged_in(client, services)
    client.post("/settings/", data={**FORM, "company": "<script>alert(1)</script>"})
    page = client.get("/settings/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_backup_download_is_a_sqlite_file_holding_the_data(client, services, tmp_path):
    logged_in(client, services)
    client.post("/settings/", data={**FORM, "company": "バックアップ商事"})
    response = client.post("/settings/backup")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=tokusoku-20261207-1000.db"
    copy = tmp_path / "downloaded.db"
    copy.write_bytes(response.get_data())
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT value FROM settings WHERE key='company'").fetchone()[0] == '"バックアップ商事"'
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    assert services.audit_log()[0]["action"] == "backup.download"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("download-")]   # nothing left behind


def test_browser_changes_quiet_hours(browser, server, services):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from tests.web.conftest import ADMIN, PASSWORD
    from tests.web.test_auth_browser import fill
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    browser.get(server + "/login")
    fill(browser, "login-form", name=ADMIN, password=PASSWORD)
    WebDriverWait(browser, 5).until(lambda b: "/login" not in b.current_url)
    browser.get(server + "/settings/")
    fill(browser, "settings-form", quiet_start="19:30", quiet_end="09:00")
    WebDriverWait(browser, 5).until(lambda b: "設定を保存しました" in b.page_source)
    services.settings.forget()
    assert (services.rules.quiet_start, services.rules.quiet_end) == (time(19, 30), time(9, 0))
    assert browser.find_element(By.NAME, "quiet_start").get_attribute("value") == "19:30"


def test_a_refused_value_that_comes_from_the_configuration_file_says_so(tmp_path):
    from appliance.schedule import SendingRules
    from appliance.services import Services
    from web import create_app
    services = Services(Database(tmp_path / "file.db"), ManualClock(datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)),
                        company="サンプル商事", contact_phone="03-1234-5678",
                        rules=SendingRules(quiet_start=time(22, 0), quiet_end=time(7, 0)))   # the file's: too narrow
    app = create_app(services, {"TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    logged_in(client, services)
    page = client.get("/settings/").get_data(as_text=True)
    response = client.post("/settings/", data={**FORM, "company": "トクソク商事", "quiet_start": "22:00",
                                               "quiet_end": "07:00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "送信停止の時間帯は 21:00〜08:00 を含めてください" in page
    assert "この値は設定ファイルのものです" in page
    ok = client.post("/settings/", data={**FORM, "company": "トクソク商事"})      # 21:00-08:00 here: saved
    assert ok.status_code == 302
