"""Moving the clock through a plan: each step goes out once, at an allowed hour, to the right
number with the right text; paying cancels what is queued."""
from datetime import datetime

from appliance import reminders
from appliance.clock import TOKYO
from tests.appliance.conftest import add_invoice, settle
from tests.modem.sim.conftest import wait_for

CUSTOMER = "+819012345678"


def texts(network, number=CUSTOMER):
    return [m.text for m in network.network.handset(number).received]


def statuses(app):
    return [r[0] for r in app.db.query("SELECT status FROM outbox WHERE kind='reminder' ORDER BY id")]


def test_plan_steps_go_out_once_at_allowed_hours(make_app, network):
    app = make_app(start=datetime(2026, 12, 6, 9, 0, tzinfo=TOKYO))
    _, invoice = add_invoice(app, "INV-1", "山田 太郎", CUSTOMER, 12000, "2026-12-10")
    app.start()
    assert app.tick() == 0                                              # -3 is on the 7th at 10:00

    app.clock.set(datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO))
    assert app.tick() == 1 and app.tick() == 0                          # once
    wait_for(lambda: texts(network))
    assert texts(network) == ["山田 太郎様 サンプル商事です。請求書INV-1（¥12,000）のお支払い期限は"
                              "12月10日です。お問い合わせ 03-1234-5678"]

    app.clock.set(datetime(2026, 12, 10, 22, 0, tzinfo=TOKYO))          # quiet hours
    assert app.tick() == 1
    settle(app)
    assert len(texts(network)) == 1 and statuses(app) == ["delivered", "queued"]

    app.clock.set(datetime(2026, 12, 11, 8, 0, tzinfo=TOKYO))           # morning
    wait_for(lambda: len(texts(network)) == 2)
    assert texts(network)[1].startswith("山田 太郎様 サンプル商事です。本日12月10日が請求書INV-1")

    app.clock.set(datetime(2026, 12, 13, 21, 30, tzinfo=TOKYO))
    assert app.tick() == 1                                              # +3, waits for the morning
    assert reminders.mark_paid(app.db, app.outbox, invoice, app.clock.now(), "staff") == 1
    app.clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=TOKYO))
    settle(app)
    assert app.tick() == 0 and len(texts(network)) == 2
    assert statuses(app)[-1] == "cancelled"
    assert all(r[0] == CUSTOMER for r in app.db.query("SELECT recipient FROM outbox"))


NOTICE = "山田 太郎様 サンプル商事です。請求書INV-1（¥12,000）のお支払い期限は12月10日です。お問い合わせ 03-1234-5678"
DUE_TODAY = "山田 太郎様 サンプル商事です。本日12月10日が請求書INV-1（¥12,000）のお支払い期限です。お済みでしたらご容赦ください。"
OVERDUE = ("山田 太郎様 サンプル商事です。請求書INV-1（¥12,000、期限12月10日）のご入金が確認できておりません。"
           "お手数ですがご確認ください。お問い合わせ 03-1234-5678")


def test_every_default_step_goes_out_once_at_an_allowed_hour_with_its_text(make_app, network):
    """The default plan (-3, 0, +3, +7, +14 days at 10:00) walked day by day: nothing before a
    step's time, that step's text once at its time, nothing more after +14."""
    from appliance.schedule import SendingRules, allowed
    app = make_app(start=datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO))
    add_invoice(app, "INV-1", "山田 太郎", CUSTOMER, 12000, "2026-12-10")
    app.start()
    for step, (day, text) in enumerate([(7, NOTICE), (10, DUE_TODAY), (13, OVERDUE), (17, OVERDUE),
                                        (24, OVERDUE)], start=1):
        app.clock.set(datetime(2026, 12, day, 9, 59, tzinfo=TOKYO))
        assert app.tick() == 0, f"step {step} before its time"
        app.clock.set(datetime(2026, 12, day, 10, 0, tzinfo=TOKYO))
        assert app.tick() == 1 and app.tick() == 0, f"step {step} once"
        wait_for(lambda: len(texts(network)) == step, what=f"step {step}")
        assert texts(network)[-1] == text
        # The handset may have it before the worker records +CMGS: wait for the record.
        sent_at = wait_for(lambda: app.db.one("SELECT sent_at FROM outbox WHERE kind='reminder' ORDER BY id DESC")[0],
                           what=f"step {step} recorded as sent")
        assert allowed(datetime.fromisoformat(sent_at), SendingRules())
    app.clock.set(datetime(2027, 1, 31, 10, 0, tzinfo=TOKYO))
    assert app.tick() == 0
    settle(app)
    assert len(texts(network)) == 5 and statuses(app) == ["delivered"] * 5


def test_at_most_one_reminder_per_customer_a_day(tmp_path):
    from appliance.db import Database
    from appliance.outbox import Outbox
    from appliance.schedule import SendingRules
    db = Database(tmp_path / "r.db")
    reminders.seed_defaults(db)
    holder = type("A", (), {"db": db, "clock": type("C", (), {"now": lambda self: datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)})()})()
    customer, _ = add_invoice(holder, "INV-A", "山田 太郎", CUSTOMER, 1000, "2026-12-10")
    with db.write() as conn:
        conn.execute("INSERT INTO invoices (number, customer_id, amount, due_date, created_at, updated_at)"
                     " VALUES ('INV-B', ?, 2000, '2026-12-10', '', '')", (customer,))
    now = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
    assert reminders.tick(db, Outbox(db), now, SendingRules(), company="c", contact_phone="p") == 2
    days = sorted(datetime.fromisoformat(r[0]).astimezone(TOKYO) for r in db.query("SELECT not_before FROM outbox"))
    assert days == [now, datetime(2026, 12, 8, 8, 0, tzinfo=TOKYO)]
    assert reminders.tick(db, Outbox(db), now, SendingRules(), company="c", contact_phone="p") == 0


def test_a_reminder_too_long_for_one_customer_does_not_stop_the_others(tmp_path):
    """A template that fits the preview invoice can overflow ten parts for a customer with a long
    name: that reminder is recorded as failed with the reason (staff see it on 送信履歴), the
    others are queued, and the next tick does not try it again."""
    from appliance.db import Database
    from appliance.outbox import Outbox
    from appliance.schedule import SendingRules
    db = Database(tmp_path / "r.db")
    reminders.seed_defaults(db)
    now = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
    holder = type("A", (), {"db": db, "clock": type("C", (), {"now": lambda self: now})()})()
    add_invoice(holder, "INV-S", "山田 太郎", CUSTOMER, 1000, "2026-12-10")
    add_invoice(holder, "INV-L", "長" * 100, "+819087654321", 1000, "2026-12-10")
    with db.write() as conn:
        conn.execute("UPDATE templates SET body = '{name}様' || ? WHERE name = '事前のご案内'", ("あ" * 580,))
    assert reminders.tick(db, Outbox(db), now, SendingRules(), company="c", contact_phone="p") == 1
    rows = {r["recipient"]: (r["status"], r["parts"], r["last_error"])
            for r in db.query("SELECT recipient, status, parts, last_error FROM outbox")}
    assert rows[CUSTOMER] == ("queued", 9, None)
    status, parts, error = rows["+819087654321"]
    assert (status, parts) == ("failed", 11) and "681文字" in error and "10通" in error
    assert reminders.tick(db, Outbox(db), now, SendingRules(), company="c", contact_phone="p") == 0
    assert db.one("SELECT count(*) FROM outbox")[0] == 2


def test_at_most_one_reminder_per_handset_a_day_across_customer_records(tmp_path):
    """Two customer records on one phone (names written differently) are one handset: their
    reminders go out on different days, never two the same day to that phone."""
    from appliance.db import Database
    from appliance.outbox import Outbox
    from appliance.schedule import SendingRules
    db = Database(tmp_path / "r.db")
    reminders.seed_defaults(db)
    now = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
    holder = type("A", (), {"db": db, "clock": type("C", (), {"now": lambda self: now})()})()
    add_invoice(holder, "INV-A", "株式会社サンプル", CUSTOMER, 1000, "2026-12-10")
    add_invoice(holder, "INV-B", "(株)サンプル", CUSTOMER, 2000, "2026-12-10")
    assert reminders.tick(db, Outbox(db), now, SendingRules(), company="c", contact_phone="p") == 2
    days = sorted(datetime.fromisoformat(r[0]).astimezone(TOKYO) for r in db.query("SELECT not_before FROM outbox"))
    assert days == [now, datetime(2026, 12, 8, 8, 0, tzinfo=TOKYO)]


def test_each_invoice_follows_its_plan_and_only_reachable_unpaused_open_ones_are_reminded(tmp_path):
    """An invoice on its own plan gets that plan's step; without a plan, or on a plan that has
    no steps, the default plan's; paused, paid, opted-out and unreachable ones get nothing. A
    second tick queues nothing new, and a later step is queued when its time comes."""
    from appliance.db import Database
    from appliance.outbox import Outbox
    from appliance.schedule import SendingRules
    db = Database(tmp_path / "r.db")
    reminders.seed_defaults(db)
    now = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)             # 3 days before 2026-12-10
    holder = type("A", (), {"db": db, "clock": type("C", (), {"now": lambda self: now})()})()
    with db.write() as conn:
        template = conn.execute("INSERT INTO templates (name, body) VALUES ('早め', '{name}様 早めのご案内')").lastrowid
        early = conn.execute("INSERT INTO plans (name) VALUES ('早め')").lastrowid
        conn.execute("INSERT INTO plan_steps (plan_id, offset_days, template_id, send_time) VALUES (?, -5, ?, '09:00')",
                     (early, template))
        empty = conn.execute("INSERT INTO plans (name) VALUES ('空')").lastrowid
    invoices = {name: add_invoice(holder, f"INV-{i}", name, f"+8190000000{i:02d}", 1000, "2026-12-10")[1]
                for i, name in enumerate(["標準", "早め", "空", "停止中", "支払済", "配信停止", "SMS不可"])}
    with db.write() as conn:
        conn.execute("UPDATE invoices SET plan_id = ? WHERE id = ?", (early, invoices["早め"]))
        conn.execute("UPDATE invoices SET plan_id = ? WHERE id = ?", (empty, invoices["空"]))
        conn.execute("UPDATE invoices SET reminders_paused = 1 WHERE id = ?", (invoices["停止中"],))
        conn.execute("UPDATE invoices SET status = 'paid' WHERE id = ?", (invoices["支払済"],))
        conn.execute("UPDATE customers SET opted_out = 1 WHERE name = '配信停止'")
        conn.execute("UPDATE customers SET sms_capable = 0 WHERE name = 'SMS不可'")

    def queued():
        return {(r["name"], r["idempotency_key"].rsplit(":", 1)[1]): r["body"][:10] for r in db.query(
            "SELECT c.name, o.idempotency_key, o.body FROM outbox o JOIN customers c ON c.id = o.customer_id")}

    assert reminders.tick(db, Outbox(db), now, SendingRules(), company="c", contact_phone="p") == 3
    assert set(queued()) == {("標準", "-3"), ("早め", "-5"), ("空", "-3")}
    assert queued()["早め", "-5"].startswith("早め様 早めのご案内")
    assert reminders.tick(db, Outbox(db), now, SendingRules(), company="c", contact_phone="p") == 0
    on_due_day = datetime(2026, 12, 10, 10, 0, tzinfo=TOKYO)
    assert reminders.tick(db, Outbox(db), on_due_day, SendingRules(), company="c", contact_phone="p") == 2
    assert set(queued()) == {("標準", "-3"), ("早め", "-5"), ("空", "-3"), ("標準", "0"), ("空", "0")}


def test_a_tick_queues_at_most_per_tick_longest_overdue_first_and_the_next_goes_on(tmp_path, monkeypatch):
    """After a large import a tick stays short: it queues PER_TICK reminders, those overdue
    longest first, and each following tick queues the next ones until every invoice has its."""
    from appliance.db import Database
    from appliance.outbox import Outbox
    from appliance.schedule import SendingRules
    monkeypatch.setattr(reminders, "PER_TICK", 2)
    db = Database(tmp_path / "r.db")
    reminders.seed_defaults(db)
    now = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
    holder = type("A", (), {"db": db, "clock": type("C", (), {"now": lambda self: now})()})()
    for i, due in enumerate(["2026-12-09", "2026-12-01", "2026-12-10", "2026-11-20", "2026-12-05"]):
        add_invoice(holder, f"INV-{i}", f"顧客{i}", f"+8190000000{i:02d}", 1000, due)

    def tick():
        return reminders.tick(db, Outbox(db), now, SendingRules(), company="c", contact_phone="p")

    def queued_due_dates():
        return [r[0] for r in db.query("SELECT i.due_date FROM outbox o JOIN invoices i ON i.id = o.invoice_id"
                                       " ORDER BY o.id")]

    assert tick() == 2 and queued_due_dates() == ["2026-11-20", "2026-12-01"]
    assert tick() == 2 and queued_due_dates()[2:] == ["2026-12-05", "2026-12-09"]
    assert tick() == 1 and queued_due_dates()[4:] == ["2026-12-10"]
    assert tick() == 0
