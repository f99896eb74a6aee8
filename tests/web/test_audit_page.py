"""The audit page: who did what and when; admins list and add users, others cannot."""
import re
from pathlib import Path

from tests.web.conftest import ADMIN, logged_in
from web.filters import ACTION

ROOT = Path(__file__).resolve().parents[2]

NEW_PASSWORD = "ten chars or more"


def test_log_shows_who_what_when_and_filters_by_actor(client, services):
    logged_in(client, services, role="viewer")
    services.audit("suzuki", "invoice.paid", "INV-1")
    services.audit("tanaka", "outbox.cancel", "#3")
    page = client.get("/audit/").get_data(as_text=True)
    assert "suzuki" in page and "入金済にした" in page and "INV-1" in page and "12月7日 10:00" in page
    only = client.get("/audit/?actor=tanaka").get_data(as_text=True).split("<table")[1]
    assert "送信を取消" in only and "入金済にした" not in only
    assert 'id="users"' not in page and "user-form" not in page       # users are for admins


def test_admin_adds_a_user_and_it_is_audited(client, services):
    logged_in(client, services)
    response = client.post("/audit/users", data={"name": "sato", "password": NEW_PASSWORD,
                                                  "password2": NEW_PASSWORD, "role": "staff"})
    assert response.status_code == 302
    assert [(u["name"], u["role"]) for u in services.list_users()] == [(ADMIN, "admin"), ("sato", "staff")]
    record = services.audit_log(1)[0]
    assert (record["actor"], record["action"], record["detail"]) == (ADMIN, "user.add", "sato (staff)")
    page = client.get("/audit/").get_data(as_text=True)
    assert "sato" in page and "担当者" in page


def test_bad_user_input_is_refused(client, services):
    logged_in(client, services)
    for data, message in (({"name": "a", "password": "short", "password2": "short", "role": "staff"}, "10文字以上"),
                          ({"name": "b", "password": NEW_PASSWORD, "password2": "other password", "role": "staff"},
                           "一致しません"),
                          ({"name": "c", "password": NEW_PASSWORD, "password2": NEW_PASSWORD, "role": "root"}, "役割"),
                          ({"name": ADMIN, "password": NEW_PASSWORD, "password2": NEW_PASSWORD, "role": "staff"},
                           "すでにあります")):
        page = client.post("/audit/users", data=data, follow_redirects=True).get_data(as_text=True)
        assert message in page
    assert services.user_count() == 1


def test_staff_and_viewer_cannot_add_users(client, services):
    for role in ("staff", "viewer"):
        logged_in(client, services, role=role)
        response = client.post("/audit/users", data={"name": f"x-{role}", "password": NEW_PASSWORD,
                                                     "password2": NEW_PASSWORD, "role": "admin"})
        assert response.status_code == 403
    assert {u["name"] for u in services.list_users()} == {ADMIN, "user-staff", "user-viewer"}


def test_escaped(client, services):
    logged_in(client, services)
    services.audit("<script>x()</script>", "outbox.cancel", "<img src=x onerror=alert(1)>")
    page = client.get("/audit/").get_data(as_text=True)
    assert "<script>x()" not in page and "<img src=x" not in page and "&lt;script&gt;x()" in page


def test_every_change_on_the_new_pages_is_recorded_with_who(client, services):
    """One of each change, through the pages, as one user: each leaves a record naming them."""
    from tests.web.test_conversations_page import add_staff, receive, reply_key
    from tests.web.test_outbox_page import add_sim, message
    logged_in(client, services)
    sim = add_sim(services)
    cid = receive(services, sim, "質問です").conversation_id
    queued, failed, uncertain = (message(services, "q"), message(services, "f", status="failed"),
                                 message(services, "u", status="uncertain"))
    staff = add_staff(services)
    key = reply_key(client.get(f"/conversations/{cid}").get_data(as_text=True))
    for url, data in ((f"/outbox/{queued}/cancel", {}), (f"/outbox/{failed}/retry", {}),
                      (f"/outbox/{uncertain}/decide", {"decision": "sent"}),
                      (f"/conversations/{cid}/reply", {"text": "回答です", "key": key}),
                      (f"/conversations/{cid}/handled", {"handled": "0"}),
                      (f"/conversations/{cid}/assign", {"staff_id": str(staff)}),
                      ("/modems/test", {"sim_id": sim, "number": "09087654321"}),
                      ("/audit/users", {"name": "n", "password": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                        "role": "viewer"})):
        assert client.post(url, data=data).status_code == 302, url
    log = [(r["actor"], r["action"]) for r in reversed(services.audit_log(8))]
    assert log == [(ADMIN, a) for a in ("outbox.cancel", "outbox.retry", "outbox.uncertain.sent",
                                        "conversation.reply", "conversation.reopen", "conversation.assign",
                                        "modem.test", "user.add")]


def test_every_post_form_on_these_pages_carries_a_csrf_token(client, services):
    from tests.web.test_conversations_page import receive
    from tests.web.test_outbox_page import add_sim, message
    logged_in(client, services)
    sim = add_sim(services)
    cid = receive(services, sim, "はい").conversation_id
    for i, status in enumerate(("queued", "failed", "uncertain")):
        message(services, f"m{i}", status=status)
    for path in ("/outbox/", "/conversations/", f"/conversations/{cid}", "/modems/", "/audit/"):
        page = client.get(path).get_data(as_text=True)
        forms = page.split('<form method="post"')[1:]
        assert forms and all('name="csrf_token" value="' in form.split("</form>")[0] for form in forms), path


def test_actions_and_the_box_itself_read_as_words_staff_use(client, services):
    logged_in(client, services, role="viewer")
    services.audit("system", "reply.opt-out", "12")
    services.audit("suzuki", "something.new", "x")
    services.audit("cli", "import", "請求.csv")
    services.audit("demo", "import", "デモ請求一覧.csv")
    rows = client.get("/audit/").get_data(as_text=True).split("<tbody>")[1]
    assert "返信で配信停止" in rows and "装置" in rows and "reply.opt-out</td>" not in rows
    assert "<td>コマンド</td>" in rows and "<td>デモ</td>" in rows
    assert "something.new" in rows                              # an action without a label shows its code


def _written_actions() -> set[str]:
    """Every audit action code the code writes: literals passed to audit(...) or INSERT INTO audit,
    and the f-string families expanded by hand below."""
    found = set()
    for path in list((ROOT / "appliance").rglob("*.py")) + list((ROOT / "web").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'audit\(\s*(?:[\w.]+,\s*)?"([a-z_.-]+)"', source))
        found |= set(re.findall(r'audit\("[a-z_.-]+" if .+? else "([a-z_.-]+)"', source))
        found |= set(re.findall(r'\(iso\(now\), [^,]+, "([a-z_]+\.[a-z_.-]+)"', source))
        found |= set(re.findall(r'action = "([a-z_]+\.[a-z_.-]+)"', source))
        found |= set(re.findall(r"action, detail\) VALUES \([^)]*'([a-z_.-]+)'", source))
    return found


def test_every_action_the_code_writes_has_a_label():
    written = _written_actions()
    assert {"invoice.paid", "send.failed", "staff.add", "user.add", "backup.download"} <= written   # the scan works
    families = {"campaign.approve", "campaign.reject", "outbox.uncertain.sent", "outbox.uncertain.resend",
                "reply.opt-out", "reply.paid"}
    assert not sorted((written | families) - set(ACTION))


# Each action the code writes, with a detail in the format its writer uses, and how staff read it.
IMPORT = ('{"file": "請求.csv", "rows": 12, "imported": 7, "created": 5, "updated": 2, "errors": 0,'
          ' "valid_only": false}')
READABLE = {
    "import": (IMPORT, "請求.csv を取り込み（12行、新規 5件・更新 2件）"),
    "settings.change": ("quiet_start: 21:00 → 08:00, skip_sundays: False → True",
                        "送信停止の開始: 21:00 → 08:00、日曜日は送らない: いいえ → はい"),
    "invoice.paid": ("12", "請求書 #12"),
    "invoice.disputed": ("INV-1 (cancelled 2)", "INV-1（送信待ち 2件を取消）"),
    "invoice.reopen": ("INV-1", "INV-1"),
    "invoice.edit": ("INV-1: amount=5000, due_date=2026-12-20", "INV-1: 金額 5000、支払期日 2026-12-20"),
    "invoices.export": ("all", "すべて"),
    "customer.opt_out": ("3 山田 太郎", "取引先 #3 山田 太郎"),
    "customer.opt_in": ("3 山田 太郎", "取引先 #3 山田 太郎"),
    "template.create": ("4 初回のお知らせ", "文面 #4 初回のお知らせ"),
    "template.edit": ("4 初回のお知らせ", "文面 #4 初回のお知らせ"),
    "plan.edit": ("1: 3日 09:00 #4, 10日 10:00 #5", "期日から3日 09:00 文面 #4、期日から10日 10:00 文面 #5"),
    "campaign.start": ("年末のご案内: 12", "年末のご案内（12件を送信待ちに）"),
    "campaign.request": ("年末のご案内 (#2)", "年末のご案内 (#2)"),
    "campaign.approve": ("年末のご案内 (#2)", "年末のご案内 (#2)"),
    "campaign.reject": ("年末のご案内 (#2)", "年末のご案内 (#2)"),
    "outbox.cancel": ("#3 +819012345678", "#3 +819012345678"),
    "outbox.retry": ("#3 +819012345678 (failed)", "#3 +819012345678（失敗）"),
    "outbox.uncertain.sent": ("#3 +819012345678", "#3 +819012345678"),
    "outbox.uncertain.resend": ("#3 +819012345678", "#3 +819012345678"),
    "conversation.reply": ("#1 outbox #5: 確認しました", "#1（送信履歴 #5）: 確認しました"),
    "conversation.assign": ("#1 → 佐藤", "#1 → 佐藤"),
    "conversation.handled": ("#1", "#1"),
    "conversation.reopen": ("#1", "#1"),
    "reply.opt-out": ("+819012345678: 1,2", "+819012345678（取引先 #1, #2）"),
    "reply.paid": ("+819012345678: 1", "+819012345678（取引先 #1）"),
    "send.failed": ("7: 'AT+CMGS=153' failed: +CMS ERROR: 1", "#7: この番号は使われていません"),
    "modem.test": ("SIM 1 → +819012345678 outbox #5", "SIM 1 → +819012345678（送信履歴 #5）"),
    "staff.add": ("#2 佐藤 +819011112222 sato@example.jp SMS:1 mail:0",
                  "#2 佐藤 +819011112222 sato@example.jp（SMS通知 あり・メール通知 なし）"),
    "staff.edit": ("#2 佐藤 +819011112222  SMS:0 mail:1", "#2 佐藤 +819011112222（SMS通知 なし・メール通知 あり）"),
    "staff.remove": ("#2 佐藤", "#2 佐藤"),
    "user.add": ("sato (staff)", "sato（担当者）"),
    "backup.download": ("tokusoku-20261207-1000.db", "tokusoku-20261207-1000.db"),
    "login": ("", ""),
    "logout": ("", ""),
}


def _detail_cells(page):
    return re.findall(r'<td class="body"[^>]*>(.*?)</td>', page.split("<tbody>")[1])


def test_every_written_detail_reads_as_words_staff_use(client, services):
    from html import unescape
    written = _written_actions() | {"campaign.approve", "campaign.reject", "outbox.uncertain.sent",
                                    "outbox.uncertain.resend", "reply.opt-out", "reply.paid"}
    assert not sorted(written - set(READABLE))              # a new action needs its example here
    logged_in(client, services, role="viewer")
    for action, (detail, _words) in READABLE.items():
        services.audit("system", action, detail)
    cells = [unescape(c) for c in _detail_cells(client.get("/audit/?actor=system").get_data(as_text=True))]
    assert list(reversed(cells)) == [words for _detail, words in READABLE.values()]


def test_import_and_settings_in_english(client, services):
    logged_in(client, services, role="viewer")
    services.audit("system", "import", IMPORT)
    services.audit("system", "settings.change", "quiet_start: 21:00 → 08:00")
    client.post("/language", data={"lang": "en"})
    cells = _detail_cells(client.get("/audit/?actor=system").get_data(as_text=True))
    assert cells == ["Quiet hours start: 21:00 → 08:00",
                     "Imported 請求.csv (12 rows, 5 new, 2 updated)"]


def test_legacy_and_unknown_details_are_shown_as_they_are(client, services):
    logged_in(client, services, role="viewer")
    services.audit("cli", "import", "請求.csv")                      # before imports wrote JSON
    services.audit("system", "settings.change", "something odd")
    services.audit("system", "something.new", '{"x": 1}')
    cells = _detail_cells(client.get("/audit/").get_data(as_text=True))
    assert {"請求.csv", "something odd", "{&#34;x&#34;: 1}"} <= set(cells)
