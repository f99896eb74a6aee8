"""Conversations: a real incoming SMS shows as unread, the thread opens, staff answer from the
page and the answer is queued to the customer from the SIM they know; roles, escaping, audit."""
import re

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from appliance.replies import Inbox
from modem import pdu
from tests.web.conftest import ADMIN, PASSWORD, logged_in
from tests.web.test_auth_browser import fill
from tests.web.test_outbox_page import CUSTOMER, add_customer, add_sim


def receive(services, sim_id, text, sender=CUSTOMER):
    """A customer's SMS as the modem hands it over: a real SMS-DELIVER PDU, decoded, stored."""
    pdu_hex = pdu.encode_deliver(sender, text, services.now())[0].hex
    return Inbox(services.db, services.outbox).store_part(sim_id, pdu_hex, pdu.decode(pdu_hex), services.now())


def until(browser, condition, timeout=5.0):
    """Wait for `condition(browser)`; an element of the page being left counts as not yet."""
    return WebDriverWait(browser, timeout, ignored_exceptions=(WebDriverException,)).until(condition)


def add_staff(services, name="佐藤"):
    with services.db.write() as conn:
        return conn.execute("INSERT INTO staff (name, notify_sms, notify_email) VALUES (?,0,0)", (name,)).lastrowid


def replies(services):
    return [dict(r) for r in services.db.query("SELECT * FROM outbox WHERE kind='reply' ORDER BY id")]


def reply_key(page: str) -> str:
    return re.search(r'name="key" value="([0-9a-f]{32})"', page).group(1)


def test_a_reply_arrives_and_is_answered_in_the_browser(browser, server, services):
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    sim = add_sim(services)
    add_customer(services, name="山田 太郎")
    browser.get(server + "/login")
    fill(browser, "login-form", name=ADMIN, password=PASSWORD)
    until(browser, lambda b: b.find_element(By.TAG_NAME, "h1").text == "ダッシュボード")

    received = receive(services, sim, "来週払います、すみません🙏")
    browser.find_element(By.LINK_TEXT, "返信").click()
    row = until(browser, lambda b: b.find_element(By.ID, f"conversation-{received.conversation_id}"))
    assert row.find_element(By.CSS_SELECTOR, ".badge").text == "1"
    assert "来週払います" in row.text

    row.find_element(By.LINK_TEXT, "山田 太郎").click()
    until(browser, lambda b: b.find_element(By.TAG_NAME, "h1").text.startswith("山田 太郎"))
    assert "来週払います、すみません🙏" in browser.find_element(By.ID, "thread").text
    assert services.db.one("SELECT unread FROM conversations WHERE id=?", (received.conversation_id,))[0] == 0

    area = browser.find_element(By.CSS_SELECTOR, "#reply-form textarea")
    area.send_keys("承知しました。お振込をお待ちしております。")
    until(browser, lambda b: "1通" in b.find_element(By.ID, "reply-counter").text)
    browser.find_element(By.CSS_SELECTOR, "#reply-form button[type=submit]").click()
    until(browser, lambda b: "返信を送信待ちにしました" in b.page_source)

    (answer,) = replies(services)
    assert (answer["recipient"], answer["status"], answer["prefer_sim_id"]) == (CUSTOMER, "queued", sim)
    assert answer["body"] == "承知しました。お振込をお待ちしております。"
    assert "承知しました" in browser.find_element(By.ID, "thread").text
    assert services.db.one("SELECT handled FROM conversations")[0] == 1
    assert services.audit_log(1)[0]["actor"] == ADMIN


def test_unread_badge_list_and_read_on_open(client, services):
    logged_in(client, services, role="staff")
    sim = add_sim(services)
    first = receive(services, sim, "一通目")
    receive(services, sim, "二通目")
    page = client.get("/conversations/").get_data(as_text=True)
    assert '<span class="badge" title="未読">2</span>' in page and "二通目" in page
    client.get(f"/conversations/{first.conversation_id}")
    assert services.db.one("SELECT unread FROM conversations")[0] == 0


def test_a_viewer_reads_without_clearing_unread_and_cannot_send(client, services):
    logged_in(client, services, role="viewer")
    sim = add_sim(services)
    received = receive(services, sim, "いつ払えばいいですか")
    cid = received.conversation_id
    page = client.get(f"/conversations/{cid}").get_data(as_text=True)
    assert "いつ払えばいいですか" in page and "reply-form" not in page
    assert services.db.one("SELECT unread FROM conversations")[0] == 1
    assert client.post(f"/conversations/{cid}/reply", data={"text": "x", "key": "a" * 32}).status_code == 403
    assert client.post(f"/conversations/{cid}/handled", data={"handled": "1"}).status_code == 403
    assert client.post(f"/conversations/{cid}/assign", data={"staff_id": ""}).status_code == 403
    assert replies(services) == []


def test_reply_double_submit_queues_once(client, services):
    logged_in(client, services, role="staff")
    received = receive(services, add_sim(services), "はい")
    key = reply_key(client.get(f"/conversations/{received.conversation_id}").get_data(as_text=True))
    for _ in range(2):
        client.post(f"/conversations/{received.conversation_id}/reply", data={"text": "了解です", "key": key})
    assert len(replies(services)) == 1
    assert [r["action"] for r in services.audit_log()].count("conversation.reply") == 1


def test_reply_errors_keep_the_draft(client, services):
    logged_in(client, services, role="staff")
    cid = receive(services, add_sim(services), "はい").conversation_id
    response = client.post(f"/conversations/{cid}/reply", data={"text": "   ", "key": "b" * 32})
    assert response.status_code == 400 and "返信の本文を入力してください" in response.get_data(as_text=True)
    too_long = "長" * 2000
    response = client.post(f"/conversations/{cid}/reply", data={"text": too_long, "key": "c" * 32})
    assert response.status_code == 400 and too_long in response.get_data(as_text=True)
    assert replies(services) == []


def test_script_in_a_reply_and_a_customer_name_is_escaped(client, services):
    logged_in(client, services, role="staff")
    add_customer(services, name="<b onmouseover=alert(1)>悪</b>")
    cid = receive(services, add_sim(services), "<script>alert('in')</script>").conversation_id
    key = reply_key(client.get(f"/conversations/{cid}").get_data(as_text=True))
    client.post(f"/conversations/{cid}/reply", data={"text": "<img src=x onerror=alert(2)>", "key": key})
    for page in (client.get("/conversations/?show=all").get_data(as_text=True),
                 client.get(f"/conversations/{cid}").get_data(as_text=True)):
        assert "<b onmouseover" not in page and "&lt;b onmouseover=alert(1)&gt;" in page
    thread = client.get(f"/conversations/{cid}").get_data(as_text=True)
    assert "<script>alert('in')" not in thread and "&lt;script&gt;alert(&#39;in&#39;)" in thread
    assert "<img src=x" not in thread and "&lt;img src=x onerror=alert(2)&gt;" in thread


def test_handled_and_assign_are_audited(client, services):
    logged_in(client, services, role="staff")
    sato = add_staff(services)
    cid = receive(services, add_sim(services), "確認します").conversation_id
    client.post(f"/conversations/{cid}/handled", data={"handled": "1"})
    client.post(f"/conversations/{cid}/assign", data={"staff_id": str(sato)})
    row = services.db.one("SELECT handled, assigned_staff_id FROM conversations WHERE id=?", (cid,))
    assert (row["handled"], row["assigned_staff_id"]) == (1, sato)
    log = [(r["actor"], r["action"], r["detail"]) for r in services.audit_log(2)]
    assert log == [("user-staff", "conversation.assign", f"#{cid} → 佐藤"),
                   ("user-staff", "conversation.handled", f"#{cid}")]
    assert "確認します" not in client.get("/conversations/").get_data(as_text=True)      # handled: not open
    assert "確認します" in client.get("/conversations/?show=all").get_data(as_text=True)
    client.post(f"/conversations/{cid}/assign", data={"staff_id": "999"})
    assert services.db.one("SELECT assigned_staff_id FROM conversations")[0] == sato
