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
    return found


def test_every_action_the_code_writes_has_a_label():
    written = _written_actions()
    assert {"invoice.paid", "send.failed", "staff.add", "user.add", "backup.download"} <= written   # the scan works
    families = {"campaign.approve", "campaign.reject", "outbox.uncertain.sent", "outbox.uncertain.resend",
                "reply.opt-out", "reply.paid"}
    assert not sorted((written | families) - set(ACTION))
