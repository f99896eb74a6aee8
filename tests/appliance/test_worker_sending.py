"""A message is claimed just before it is written to the modem: quiet hours, cancellation and the
cap are judged at that moment, also after a pacing wait. Staff notices go before customers'
messages and may use the margin between the SIM's cap and the carrier's limit."""
import time
from dataclasses import replace
from datetime import datetime, timedelta

from appliance import campaigns, reminders
from appliance.clock import TOKYO
from tests.appliance.conftest import STAFF_PHONE, add_invoice, settle
from tests.modem.sim.conftest import wait_for


def paced(app, seconds: float):
    app.workers[0].settings = replace(app.workers[0].settings, pace=seconds)


def status(app, message_id: int) -> str:
    return app.db.one("SELECT status FROM outbox WHERE id=?", (message_id,))[0]


def sending(app) -> int:
    return app.db.one("SELECT count(*) FROM outbox WHERE status='sending'")[0]


def recorded(app, recipient: str) -> bool:
    """The message to `recipient` is recorded as sent (the handset may have it a moment before)."""
    return app.db.one("SELECT count(*) FROM outbox WHERE recipient=? AND status IN ('sent','delivered')",
                      (recipient,))[0] == 1


def received(network, number: str) -> list[str]:
    return [m.text for m in network.network.handset(number).received]


def queue_reminder(app, invoice: int, customer: int, phone: str, text: str) -> int:
    now = app.clock.now()
    return app.outbox.enqueue(key=f"reminder:{invoice}:1", kind="reminder", recipient=phone, body=text,
                              not_before=now, now=now, customer_id=customer, invoice_id=invoice)


def pace_passed(app) -> None:
    """Wait until the worker's pacing allows a send again and it has looked at the queue since."""
    worker = app.workers[0]
    wait_for(lambda: time.monotonic() > worker._not_before, timeout=10, what="the pace to pass")
    settle(app)


def test_quiet_hours_that_begin_during_the_pace_wait_hold_the_next_message(make_app, network):
    app = make_app(start=datetime(2026, 12, 7, 20, 59, 50, tzinfo=TOKYO))
    paced(app, 2.0)
    first = add_invoice(app, "INV-1", "山田 太郎", "+819011110001", 1000, "2026-12-31")[0]
    second = add_invoice(app, "INV-2", "鈴木 花子", "+819011110002", 1000, "2026-12-31")[0]
    campaigns.start(app.db, app.outbox, name="年末", body="年末のご案内", customer_ids=[first, second],
                    now=app.clock.now(), rules=app.rules, actor="test")
    app.start()
    wait_for(lambda: received(network, "+819011110001"), what="the first message")
    wait_for(lambda: recorded(app, "+819011110001"), what="the first message recorded")
    app.clock.set(datetime(2026, 12, 7, 21, 0, 30, tzinfo=TOKYO))         # during the pace wait
    assert sending(app) == 0              # nothing is claimed ahead of its send
    pace_passed(app)
    assert received(network, "+819011110002") == []
    assert [r[0] for r in app.db.query("SELECT status FROM outbox ORDER BY id")][-1] == "queued"
    app.clock.set(datetime(2026, 12, 8, 8, 0, tzinfo=TOKYO))
    wait_for(lambda: received(network, "+819011110002") == ["年末のご案内"], timeout=10, what="the morning")


def test_an_invoice_paid_during_the_pace_wait_is_cancelled_not_sent(make_app, network):
    app = make_app()
    paced(app, 2.0)
    customer1, invoice1 = add_invoice(app, "INV-1", "山田 太郎", "+819011110001", 1000, "2026-12-31")
    customer2, invoice2 = add_invoice(app, "INV-2", "鈴木 花子", "+819011110002", 1000, "2026-12-31")
    queue_reminder(app, invoice1, customer1, "+819011110001", "お支払いのお願い 1")
    later = queue_reminder(app, invoice2, customer2, "+819011110002", "お支払いのお願い 2")
    app.start()
    wait_for(lambda: received(network, "+819011110001"), what="the first reminder")
    wait_for(lambda: recorded(app, "+819011110001"), what="the first reminder recorded")
    assert status(app, later) == "queued" and sending(app) == 0
    assert reminders.mark_paid(app.db, app.outbox, invoice2, app.clock.now(), "staff") == 1
    pace_passed(app)
    assert status(app, later) == "cancelled" and received(network, "+819011110002") == []


def test_a_forward_goes_before_a_campaign_queued_earlier(make_app, network):
    network.network.settings.part_time = 0.02
    app = make_app()
    ids = [add_invoice(app, f"INV-{i}", f"顧客{i}", f"+8190{i:08d}", 1000, "2026-12-31")[0] for i in range(50)]
    campaigns.start(app.db, app.outbox, name="c", body="ご請求のお知らせ", customer_ids=ids,
                    now=app.clock.now(), rules=app.rules, actor="test")
    app.start()
    wait_for(lambda: sum(len(h.received) for h in network.network.handsets.values()) >= 3, what="a few sent")
    before = app.db.one("SELECT count(*) FROM outbox WHERE kind='campaign' AND status <> 'queued'")[0]
    now = app.clock.now()
    app.outbox.enqueue(key="forward:1", kind="forward", recipient=STAFF_PHONE, body="[#1] 払いました",
                       not_before=now, now=now)
    wait_for(lambda: received(network, STAFF_PHONE), what="the forward")
    wait_for(lambda: app.db.one("SELECT count(*) FROM outbox WHERE status IN ('queued','sending')")[0] == 0,
             timeout=15, what="the campaign")
    forwarded = network.network.handset(STAFF_PHONE).received[0].timestamp
    after = sum(1 for h in network.network.handsets.values() if h.number != STAFF_PHONE
                for m in h.received if m.timestamp > forwarded)
    assert before < 50 - 40 and after >= 50 - before - 1      # at most the send in flight went first


def test_a_sim_at_its_customer_cap_still_sends_a_staff_notice(make_app, network):
    app = make_app(daily_cap=3)
    customer, invoice = add_invoice(app, "INV-1", "山田 太郎", "+819011110001", 1000, "2026-12-31")
    app.start()
    wait_for(lambda: app.workers[0].sim_id, what="the SIM")
    sim = app.workers[0].sim_id
    today = app.clock.now().astimezone(TOKYO).date().isoformat()
    with app.db.write() as conn:
        conn.execute("INSERT INTO sim_usage (sim_id, day, parts) VALUES (?,?,3)", (sim, today))
    reminder = queue_reminder(app, invoice, customer, "+819011110001", "お支払いのお願い")
    app.notify_staff("test", "返信があります")
    wait_for(lambda: received(network, STAFF_PHONE) == ["返信があります"], what="the staff notice")
    settle(app)
    assert status(app, reminder) == "queued" and received(network, "+819011110001") == []
    assert app.outbox.parts_today(sim, app.clock.now()) == 4
    app.clock.set(app.clock.now() + timedelta(days=1))                 # a new day: the cap is free
    wait_for(lambda: received(network, "+819011110001"), what="the reminder the next day")
