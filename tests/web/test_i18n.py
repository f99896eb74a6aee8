"""English on request: the switch in the header, per session, Japanese by default."""
from tests.web.conftest import logged_in
from web.i18n import EN


def test_japanese_by_default_and_english_after_the_switch(client, services):
    logged_in(client, services)
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ja">' in page and ">設定</a>" in page and "ログアウト" in page
    response = client.post("/language", data={"lang": "en", "next": "/staff/"})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    for label in ("Dashboard", "Invoices", "Settings", "Staff", "Log out", "Sent today"):
        assert label in page
    assert ">設定</a>" not in page
    assert "Staff and forwarding" in client.get("/staff/").get_data(as_text=True)
    assert "Quiet hours start" in client.get("/settings/").get_data(as_text=True)
    client.post("/language", data={"lang": "ja"})
    assert ">設定</a>" in client.get("/").get_data(as_text=True)


def test_the_switch_works_before_login_and_refuses_other_sites(client, services):
    services.create_user("kanri", "correct horse battery", "admin", actor="test")
    response = client.post("/language", data={"lang": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
    page = client.get("/login").get_data(as_text=True)
    assert "User name" in page and "Log in" in page


def test_english_validation_messages_name_the_field(client, services):
    logged_in(client, services)
    client.post("/language", data={"lang": "en"})
    page = client.post("/settings/", data={"company": "", "quiet_start": "9", "quiet_end": "08:00",
                                           "per_customer_per_day": "1", "daily_cap": "180",
                                           "cost_per_part": "3"}).get_data(as_text=True)
    assert "Please enter the Company name" in page and "Quiet hours start: enter a time like 21:00" in page
    page = client.post("/settings/", data={"company": "A", "contact_phone": "abc", "quiet_start": "23:00",
                                           "quiet_end": "06:00", "per_customer_per_day": "1", "daily_cap": "5000",
                                           "cost_per_part": "3"}).get_data(as_text=True)
    assert "enter a phone number like 03-1234-5678" in page and "Quiet hours must include 21:00–08:00" in page
    assert "at most 200 (carriers stop a SIM at about 200 messages a day)" in page
    page = client.post("/staff/", data={"name": "Sato", "phone": "12"}).get_data(as_text=True)
    assert "The phone number “12” is not valid" in page


def test_the_switch_needs_a_csrf_token(client, app, services):
    app.config["WTF_CSRF_ENABLED"] = True
    logged_in(client, services)
    assert client.post("/language", data={"lang": "en"}).status_code == 400


def test_every_catalogue_entry_keeps_its_parameters():
    import re
    for japanese, english in EN.items():
        assert set(re.findall(r"{(\w+)}", japanese)) == set(re.findall(r"{(\w+)}", english)), japanese


# --- every page in English (issue 5) --------------------------------------------------------------

import io
import re
from pathlib import Path

import pytest

from appliance import reminders
from appliance.importing import import_invoices
from tests.web.test_conversations_page import receive
from tests.web.test_import_page import WITH_ERRORS
from tests.web.test_outbox_page import add_sim, message

WEB = Path(__file__).resolve().parents[2] / "web"
INVOICES = ("請求書番号,取引先名,電話番号,金額,支払期日\r\n"
            "INV-1,山田 太郎,090-1111-2222,12000,2026/12/01\r\n")


def english(client, services, role="admin"):
    logged_in(client, services, role=role)
    client.post("/language", data={"lang": "en"})
    return client


def text(response):
    return response.get_data(as_text=True)


def both(page, english_text, japanese_text):
    """The English text is on the page and its Japanese twin is not."""
    assert english_text in page, english_text
    assert japanese_text not in page, japanese_text


@pytest.fixture
def invoice(services):
    import_invoices(services.db, INVOICES.encode(), name="t.csv", clock=services.clock)
    return services.db.one("SELECT id FROM invoices WHERE number='INV-1'")[0]


def test_invoices_in_english(client, services, invoice):
    english(client, services)
    page = text(client.get("/invoices/"))
    both(page, "Invoices and customers", "請求書と取引先")
    both(page, "1 Dec 2026", "2026年12月1日")
    assert "¥12,000" in page and ">Unpaid</td>" in page and "Overdue" in page
    page = text(client.get(f"/invoices/{invoice}"))
    both(page, "Mark as paid", "入金済にする")
    both(page, "Stop sending to this customer", "この取引先への送信を停止")
    page = text(client.post(f"/invoices/{invoice}/paid", follow_redirects=True))
    both(page, "Invoice INV-1 marked as paid; 0 queued reminders cancelled", "入金済にしました")


def test_import_in_english_with_row_errors_left_japanese(client, services):
    english(client, services, role="staff")
    both(text(client.get("/imports/")), "Import invoices from CSV", "請求書CSVの取込")
    response = client.post("/imports/upload", data={"file": (io.BytesIO(WITH_ERRORS.read_bytes()), WITH_ERRORS.name)},
                           content_type="multipart/form-data")
    token = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    page = text(client.get(f"/imports/{token}"))
    both(page, "Rows with errors", "エラーのある行")
    both(page, "Import only the 7 valid invoices", "正しい7件だけを取り込む")
    both(page, "row 9", "9行目")
    assert "存在しない日付です（2026/13/01）" in page           # appliance/importing's row messages stay Japanese
    page = text(client.post(f"/imports/{token}/confirm", data={"mode": "valid"}))
    both(page, "7 invoices imported (7 new, 0 updated)", "7件を取り込みました")
    both(page, "Import another file", "別のファイルを取り込む")


def test_templates_and_plan_in_english(client, services):
    reminders.seed_defaults(services.db)
    english(client, services)
    both(text(client.get("/templates/")), "Reminder steps", "督促の段階")
    page = text(client.get("/templates/1"))
    both(page, "Update the preview", "プレビューを更新")
    both(page, "amount (¥12,000)", "金額（¥12,000）")
    template = services.db.one("SELECT name, body FROM templates WHERE id=1")
    page = text(client.post("/templates/1", data={"name": template["name"], "body": template["body"],
                                                  "action": "save"}, follow_redirects=True))
    assert f"Template “{template['name']}” saved" in page and "を保存しました" not in page


def test_campaigns_in_english(client, services):
    english(client, services)
    both(text(client.get("/campaigns/")), "Past campaigns", "これまでの一斉送信")
    page = text(client.post("/campaigns/preview", data={"name": "", "body": ""}))
    both(page, "Please enter a name and a text", "名前と本文を入力してください")


def test_outbox_in_english(client, services):
    english(client, services, role="staff")
    queued = message(services, "k1")
    page = text(client.get("/outbox/"))
    both(page, "Outbox</h1>", "送信履歴</h1>")
    assert ">Cancel</button>" in page and ">Reminder</td>" in page and "Queued" in page
    page = text(client.post(f"/outbox/{queued}/cancel", follow_redirects=True))
    both(page, f"#{queued} cancelled", "の送信を取り消しました")
    assert ">Cancelled" in page                                   # the status, not the button


def test_replies_in_english(client, services):
    english(client, services, role="staff")
    received = receive(services, add_sim(services), "来週払います")
    both(text(client.get("/conversations/")), "Latest reply", "最新の返信")
    page = text(client.get(f"/conversations/{received.conversation_id}"))
    both(page, "Mark as handled", "対応済にする")
    page = text(client.post(f"/conversations/{received.conversation_id}/handled", data={"handled": "1"},
                            follow_redirects=True))
    both(page, "Marked as handled", "対応済にしました")


def test_modems_in_english(client, services):
    english(client, services)
    sim = add_sim(services)
    page = text(client.get("/modems/"))
    both(page, "SIM number", "SIM番号")
    both(page, "0 / 180 parts", "180通")
    page = text(client.post("/modems/test", data={"sim_id": sim, "number": "090-8765-4321", "text": ""},
                            follow_redirects=True))
    both(page, "Test send to +819087654321 queued", "へのテスト送信を送信待ちにしました")


def test_audit_and_users_in_english(client, services):
    english(client, services)
    page = text(client.get("/audit/"))
    both(page, "Add a user", "ユーザーを追加")
    both(page, "<td>Administrator</td>", "<td>管理者</td>")
    page = text(client.post("/audit/users", data={"name": "suzuki", "role": "staff", "password": "x" * 12,
                                                  "password2": "x" * 12}, follow_redirects=True))
    both(page, "User “suzuki” added", "ユーザー「suzuki」を追加しました")


def test_pager_in_english(client, services):
    english(client, services, role="staff")
    for n in range(60):
        message(services, f"k{n}")
    page = text(client.get("/outbox/"))
    assert "Next →" in page and "次へ" not in page
    assert re.search(r"page 1 / \d+ \(60 in all\)", page)


def test_dates_and_statuses_follow_the_language(app):
    from web.filters import jdate, jtime, role, status
    assert jdate("2026-12-10") == "2026年12月10日" and jtime("2026-12-10T05:05:00+00:00") == "12月10日 14:05"
    with app.test_request_context():
        from flask import session
        session["lang"] = "en"
        assert jdate("2026-12-10") == "10 Dec 2026" and jtime("2026-12-10T05:05:00+00:00") == "10 Dec 14:05"
        assert status("uncertain") == "To check" and role("viewer") == "Viewer" and status("odd") == "odd"


# _("...") and _('...') in web/ (templates and Python), with an optional context='...'.
CALL = re.compile(r'''\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')(?:\s*,\s*context\s*=\s*["'](\w+)["'])?''')


def used_ids():
    ids = set()
    for path in sorted(WEB.rglob("*")):
        if path.suffix in (".py", ".html") and path.name != "i18n.py":
            for match in CALL.finditer(path.read_text(encoding="utf-8")):
                text_id = match.group(1) if match.group(1) is not None else match.group(2)
                ids.add(f"{match.group(3)}|{text_id}" if match.group(3) else text_id)
    return ids


def test_every_message_id_has_an_english_entry():
    from appliance.importing.headers import LABELS
    from web import filters, templates_area
    ids = used_ids()
    assert len(ids) > 250 and "請求書と取引先" in ids and "button|取消" in ids     # the scan finds them
    # ids that reach _() through a variable: the menu, statuses, roles, kinds, rules, field names
    ids |= set(filters.STATUS.values()) | set(filters.ROLE.values()) | set(filters.RULE.values())
    ids |= {f"kind|{name}" for name in filters.KIND.values()} | set(filters.ACTOR.values())
    ids |= {f"action|{name}" for name in filters.ACTION.values()}
    ids |= set(templates_area.FIELD_HELP.values()) | set(LABELS.values()) | {"行"}
    base = (WEB / "templates" / "base.html").read_text(encoding="utf-8")
    ids |= set(re.findall(r"\('[\w.]+\.index','([^']+)'\)", base))
    missing = sorted(i for i in ids if i not in EN)
    assert not missing, missing
