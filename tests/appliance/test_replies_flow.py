"""Replies reach staff by SMS and e-mail; keywords act; staff answer with '#<code> text'."""
import time
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest

from tests.appliance.conftest import STAFF_MAIL, STAFF_PHONE, add_invoice, settle
from tests.modem.sim.conftest import wait_for

CUSTOMER = "+819012345678"


def mails(smtp):
    return [message_from_bytes(m.original_content, policy=default) for m in smtp.messages]


def staff_texts(network):
    return [m.text for m in network.network.handset(STAFF_PHONE).received]


def started(make_app):
    app = make_app()
    customer, invoice = add_invoice(app, "INV-7", "山田 太郎", CUSTOMER, 5500, "2026-12-10")
    app.start()
    wait_for(lambda: all(w.modem for w in app.workers), what="modems connected")
    return app, customer, invoice


def test_reply_reaches_staff_by_sms_and_mail_within_two_seconds(make_app, network, smtp):
    app, _, _ = started(make_app)
    sim_number = network.modems[0].sim.number
    began = time.monotonic()
    network.send_sms(CUSTOMER, sim_number, "来週払います、すみません🙏")
    wait_for(lambda: staff_texts(network) and smtp.messages, timeout=5, what="forwards")
    elapsed = time.monotonic() - began
    (forward,) = staff_texts(network)
    assert forward.startswith("[#1 山田 太郎様 INV-7]") and "来週払います、すみません🙏" in forward
    (mail,) = mails(smtp)
    assert mail["To"] == STAFF_MAIL and "来週払います、すみません🙏" in mail.get_content()
    assert elapsed < 2.0, f"forwarding took {elapsed:.2f} s"


def test_stop_opts_out_and_cancels(make_app, network):
    from datetime import datetime
    from appliance.clock import TOKYO
    app = make_app(start=datetime(2026, 12, 7, 22, 0, tzinfo=TOKYO))      # quiet hours: reminders wait
    customer, _ = add_invoice(app, "INV-7", "山田 太郎", CUSTOMER, 5500, "2026-12-10")
    app.start()
    wait_for(lambda: all(w.modem for w in app.workers), what="modems connected")
    app.tick()                                     # the -3 step (10:00 today) waits for 08:00
    assert [r[0] for r in app.db.query("SELECT status FROM outbox WHERE kind='reminder'")] == ["queued"]
    network.send_sms(CUSTOMER, network.modems[0].sim.number, "停止")
    wait_for(lambda: app.db.one("SELECT opted_out FROM customers WHERE id=?", (customer,))[0] == 1)
    assert [r[0] for r in app.db.query("SELECT status FROM outbox WHERE kind='reminder'")] == ["cancelled"]
    wait_for(lambda: any("配信停止" in t for t in staff_texts(network)))
    app.clock.set(datetime(2026, 12, 8, 9, 0, tzinfo=TOKYO))                 # morning: nothing goes
    assert app.tick() == 0
    settle(app)
    assert network.network.handset(CUSTOMER).received == []


def test_paid_reply_pauses_reminders_and_asks_staff(make_app, network):
    app, customer, invoice = started(make_app)
    network.send_sms(CUSTOMER, network.modems[0].sim.number, "本日振り込みました")
    wait_for(lambda: any("入金連絡" in t for t in staff_texts(network)))
    assert app.db.one("SELECT reminders_paused FROM invoices WHERE id=?", (invoice,))[0] == 1
    assert app.tick() == 0


def test_multipart_reply_with_emoji_arrives_whole(make_app, network, smtp):
    app, _, _ = started(make_app)
    text = "いつもお世話になっております。😀" * 12                  # 4 parts
    assert network.send_sms(CUSTOMER, network.modems[0].sim.number, text) == 4
    wait_for(lambda: smtp.messages, what="the e-mail")
    assert [r[0] for r in app.db.query("SELECT text FROM inbox")] == [text]
    assert text in mails(smtp)[0].get_content()


def test_staff_answer_reaches_the_customer_from_the_sim_they_know(make_app, network):
    app = make_app(modems=2)
    add_invoice(app, "INV-8", "佐藤 花子", CUSTOMER, 3000, "2026-12-20")
    app.start()
    wait_for(lambda: all(w.modem for w in app.workers))
    known = network.modems[1].sim.number
    network.send_sms(CUSTOMER, known, "請求書が届いていません")
    wait_for(lambda: staff_texts(network))
    code = staff_texts(network)[0].split()[0].lstrip("[#")
    network.send_sms(STAFF_PHONE, network.modems[0].sim.number, f"#{code} 本日再送いたします。")
    phone = network.network.handset(CUSTOMER)
    wait_for(lambda: phone.received, what="the relayed answer")
    assert [(m.sender, m.text) for m in phone.received] == [(known, "本日再送いたします。")]


def test_missed_call_is_passed_on(make_app, network):
    app, _, _ = started(make_app)
    network.modems[0].ring(CUSTOMER, times=3, interval=0.01)
    wait_for(lambda: any("不在着信" in t for t in staff_texts(network)))
    settle(app)
    assert len(app.db.query("SELECT * FROM inbox WHERE kind='call'")) == 1


def test_a_withheld_call_reaches_staff_from_the_modem(make_app, network):
    """+CLIP: "" (caller id withheld) on a real pty: logged and passed on as 非通知."""
    app, _, _ = started(make_app)
    network.modems[0].ring("", times=2, interval=0.01)
    wait_for(lambda: any("非通知" in t and "不在着信" in t for t in staff_texts(network)))
    assert [r[0] for r in app.db.query("SELECT sender FROM inbox WHERE kind='call'")] == ["非通知"]


def test_unknown_number_is_marked_and_staff_told(make_app, network):
    network.add_handset("+819000000000", unknown=True)
    app = make_app()
    customer, _ = add_invoice(app, "INV-9", "不明", "+819000000000", 1000, "2026-12-10")
    other, _ = add_invoice(app, "INV-8", "株式会社不明", "+819000000000", 2000, "2026-12-31")  # same phone
    app.start()
    app.tick()                     # the scheduler's first tick may have queued it already
    wait_for(lambda: app.db.one("SELECT count(*) FROM outbox WHERE customer_id=?", (customer,))[0] == 1)
    wait_for(lambda: any("この番号は使われていません" in t for t in staff_texts(network)))
    assert app.db.one("SELECT sms_capable FROM customers WHERE id=?", (customer,))[0] == 0
    assert app.db.one("SELECT sms_capable FROM customers WHERE id=?", (other,))[0] == 0    # the handset's records
    assert app.db.one("SELECT status FROM outbox WHERE customer_id=?", (customer,))[0] == "failed"


def test_many_replies_at_once_reach_staff_as_a_digest(make_app, network):
    app = make_app()
    app.start()
    wait_for(lambda: all(w.modem for w in app.workers))
    network.network.settings.part_time = 0.3             # the modem is busy: forwards wait
    texts = [f"返信{i} 了解しました" for i in range(6)]
    for i, text in enumerate(texts):
        network.send_sms(f"+8180{i:08d}", network.modems[0].sim.number, text)
    wait_for(lambda: app.db.one("SELECT count(*) FROM inbox")[0] == 6)
    wait_for(lambda: app.db.one("SELECT count(*) FROM outbox WHERE status IN ('queued','sending')")[0] == 0,
             timeout=10)
    received = [m.text for m in network.network.handset(STAFF_PHONE).received]
    assert len(received) < 6                             # joined, not one SMS each
    assert all(any(text in r for r in received) for text in texts)


def test_reply_is_posted_to_the_webhook(make_app, network):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer
    posts = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        app = make_app(webhook_url=f"http://127.0.0.1:{server.server_address[1]}/hook")
        add_invoice(app, "INV-W", "山田 太郎", CUSTOMER, 1000, "2026-12-31")
        app.start()
        wait_for(lambda: all(w.modem for w in app.workers))
        network.send_sms(CUSTOMER, network.modems[0].sim.number, "払いました👍")
        wait_for(lambda: posts, what="the webhook post")
        assert {k: posts[0][k] for k in ("customer", "invoice", "text", "rule")} == {
            "customer": "山田 太郎", "invoice": "INV-W", "text": "払いました👍", "rule": "paid"}
        wait_for(lambda: app.db.one("SELECT status FROM webhooks")[0] == "sent", what="the post settled")
    finally:
        server.shutdown()


# -- opt-out, pause and the one-a-day limit belong to the handset, not to one customer record --

def _box(tmp_path):
    """A database with two customers on one handset (the importer keeps both: the names differ),
    each with an open invoice, and one reminder each queued for the quiet hours' end."""
    from appliance import reminders
    from appliance.db import Database
    from appliance.importing import import_invoices
    from appliance.outbox import Outbox
    from appliance.replies import Inbox
    from appliance.schedule import SendingRules
    from appliance.clock import TOKYO, ManualClock
    from datetime import datetime
    db = Database(tmp_path / "h.db")
    reminders.seed_defaults(db)
    clock = ManualClock(datetime(2026, 12, 7, 22, 0, tzinfo=TOKYO))      # quiet: reminders wait
    report = import_invoices(db, SAME_HANDSET, name="x.csv", clock=clock)
    assert report.imported == 2 and db.one("SELECT count(*) FROM customers")[0] == 2
    outbox = Outbox(db)
    with db.write() as conn:
        conn.execute("INSERT INTO sims (id, number) VALUES (1, '+817000000001')")

    def tick():
        return reminders.tick(db, outbox, clock.now(), SendingRules(), company="c", contact_phone="p")
    return db, clock, Inbox(db, outbox), tick


SAME_HANDSET = ("請求書番号,取引先名,電話番号,金額,支払期日\r\n"
                "INV-A,株式会社サンプル,090-1234-5678,1000,2026/12/10\r\n"
                "INV-B,(株)サンプル,090-1234-5678,2000,2026/12/10\r\n").encode()


def _reply(inbox, clock, text, sender=CUSTOMER):
    from modem import pdu
    (part,) = pdu.encode_deliver(sender, text, clock.now())
    return inbox.store_part(1, part.hex, pdu.decode(part.hex), clock.now())


@pytest.mark.parametrize("text, rule, flags", [
    ("停止", "opt-out", "SELECT opted_out FROM customers ORDER BY id"),
    ("振り込みました", "paid", "SELECT reminders_paused FROM invoices ORDER BY id")])
def test_a_reply_acts_for_every_customer_on_the_handset_and_cancels_their_queue(tmp_path, text, rule, flags):
    """停止 opts out, 払いました pauses: both customer records on the phone, not only the newest."""
    db, clock, inbox, tick = _box(tmp_path)
    assert tick() == 2
    assert _reply(inbox, clock, text).rule == rule
    assert [r[0] for r in db.query(flags)] == [1, 1]
    assert [r[0] for r in db.query("SELECT status FROM outbox WHERE kind='reminder'")] == ["cancelled"] * 2
    clock.advance(timedelta(days=3))
    assert tick() == 0


def test_a_customer_imported_later_on_an_opted_out_handset_gets_nothing(tmp_path):
    from appliance.importing import import_invoices
    db, clock, inbox, tick = _box(tmp_path)
    _reply(inbox, clock, "停止")
    later = ("請求書番号,取引先名,電話番号,金額,支払期日\r\n"
             "INV-C,サンプル商店,09012345678,3000,2026/12/10\r\n").encode()
    assert import_invoices(db, later, name="later.csv", clock=clock).imported == 1
    assert db.one("SELECT opted_out FROM customers WHERE name='サンプル商店'")[0] == 1
    clock.advance(timedelta(days=3))
    assert tick() == 0 and db.one("SELECT count(*) FROM outbox")[0] == 0


@pytest.mark.parametrize("text, told", [("#99 明日確認します", "#99 の会話が見つかりません。"),
                                        ("#1", "#1 の返信の本文がありません。")])
def test_a_staff_answer_that_cannot_be_relayed_is_answered_to_the_staff_phone(tmp_path, text, told):
    db, clock, inbox, _ = _box(tmp_path)
    with db.write() as conn:
        conn.execute("INSERT INTO staff (name, phone) VALUES ('佐藤', ?)", (STAFF_PHONE,))
    _reply(inbox, clock, "請求書が届いていません")                            # conversation #1
    received = _reply(inbox, clock, text, sender=STAFF_PHONE)
    assert received.staff_answer
    sent = [tuple(r) for r in db.query("SELECT recipient, kind, body FROM outbox WHERE recipient != ?"
                                       " OR body NOT LIKE '[#%'", (STAFF_PHONE,))]
    assert sent == [(STAFF_PHONE, "forward", told)]


def test_a_call_from_a_withheld_number_is_a_missed_call_from_hitsuchi(tmp_path):
    """+CLIP with an empty number (caller id withheld, TS 27.007 §7.6 CLI validity 1): logged and
    passed on as 非通知 once, and a staff answer to it is refused, not sent to nowhere."""
    db, clock, inbox, _ = _box(tmp_path)
    with db.write() as conn:
        conn.execute("INSERT INTO staff (name, phone) VALUES ('佐藤', ?)", (STAFF_PHONE,))
    call = inbox.record_call(1, "", clock.now())
    assert inbox.record_call(1, "", clock.now()) is None                         # the same call ringing on
    assert [tuple(r) for r in db.query("SELECT sender, kind FROM inbox")] == [("非通知", "call")]
    (forward,) = [r[0] for r in db.query("SELECT body FROM outbox WHERE recipient = ?", (STAFF_PHONE,))]
    assert forward == f"[#{call.conversation_id} 非通知] （不在着信）"
    _reply(inbox, clock, f"#{call.conversation_id} 折り返します", sender=STAFF_PHONE)
    assert db.one("SELECT body FROM outbox ORDER BY id DESC LIMIT 1")[0] == \
        f"#{call.conversation_id} は非通知の着信のため返信できません。"
