"""An `uncertain` message keeps the references +CMGS confirmed; they count toward the SIM's day,
and a status report that arrives later settles the message -- matched by (SIM, reference,
recipient), never by the reference alone."""
from datetime import datetime

import pytest

from appliance.clock import TOKYO
from appliance.db import Database
from appliance.outbox import Outbox
from appliance.worker import ModemSettings, ModemWorker
from modem.errors import PortGone, SendFailed

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
DELIVERED, EXPIRED = 0x00, 0x46
YAMADA, SUZUKI = "+819011110001", "+819011110002"
TWO_PARTS = "長" * 80                  # 80 UCS-2 characters: two parts


@pytest.fixture
def outbox(tmp_path):
    db = Database(tmp_path / "t.db")
    with db.write() as conn:
        conn.execute("INSERT INTO sims (id, number) VALUES (1, '+817000000001'), (2, '+817000000002')")
    return Outbox(db, TOKYO)


def claimed(outbox, key: str, recipient: str, body: str = "お知らせ", sim: int = 1):
    outbox.enqueue(key=key, kind="reminder", recipient=recipient, body=body, not_before=NOW, now=NOW,
                   notify=False)
    return outbox.claim(sim, NOW, [(("reminder",), 180)])


def status(outbox, message_id: int) -> str:
    return outbox.db.one("SELECT status FROM outbox WHERE id=?", (message_id,))[0]


def test_confirmed_parts_and_the_one_in_flight_count_toward_the_day(outbox):
    message = claimed(outbox, "a", YAMADA, TWO_PARTS)
    assert message.parts == 2
    outbox.uncertain(message.id, "port gone", NOW, sim_id=1, references=[17])
    assert outbox.parts_today(1, NOW) == 2           # part 1 confirmed, part 2 may have gone out
    parts = outbox.db.query("SELECT seq, reference FROM outbox_parts WHERE outbox_id=?", (message.id,))
    assert [tuple(p) for p in parts] == [(1, 17)]


def test_a_report_matching_reference_and_recipient_settles_only_that_message(outbox):
    # Two messages on the same SIM with the same reference (TP-MR wraps at 256), to different people.
    yamada = claimed(outbox, "a", YAMADA, TWO_PARTS)
    outbox.uncertain(yamada.id, "port gone", NOW, sim_id=1, references=[17])
    suzuki = claimed(outbox, "b", SUZUKI)
    outbox.sent(suzuki.id, 1, [17], NOW)               # the newer of the two
    assert outbox.report(1, 17, YAMADA, DELIVERED, NOW) == yamada.id
    assert status(outbox, suzuki.id) == "sent"
    assert status(outbox, yamada.id) == "uncertain"    # part 2 not known yet
    assert outbox.report(1, 18, YAMADA, DELIVERED, NOW) == yamada.id   # the part +CMGS never confirmed
    assert status(outbox, yamada.id) == "delivered" and status(outbox, suzuki.id) == "sent"
    assert outbox.report(1, 17, SUZUKI, DELIVERED, NOW) == suzuki.id
    assert status(outbox, suzuki.id) == "delivered"


def test_the_unconfirmed_part_is_never_given_to_another_recipient_or_sim(outbox):
    yamada = claimed(outbox, "a", YAMADA)
    outbox.uncertain(yamada.id, "port gone", NOW, sim_id=1)
    assert outbox.report(1, 40, SUZUKI, DELIVERED, NOW) is None
    assert outbox.report(2, 40, YAMADA, DELIVERED, NOW) is None
    assert status(outbox, yamada.id) == "uncertain"
    assert outbox.report(1, 40, YAMADA, EXPIRED, NOW) == yamada.id
    assert status(outbox, yamada.id) == "expired"


def test_two_uncertain_messages_to_one_person_are_not_guessed_between(outbox):
    first, second = claimed(outbox, "a", YAMADA), claimed(outbox, "b", YAMADA)
    for message in (first, second):
        outbox.uncertain(message.id, "port gone", NOW, sim_id=1)
    assert outbox.report(1, 41, YAMADA, DELIVERED, NOW) is None
    assert {status(outbox, first.id), status(outbox, second.id)} == {"uncertain"}


def test_a_killed_process_s_message_is_settled_by_its_report(outbox):
    message = claimed(outbox, "a", YAMADA)
    assert outbox.recover(NOW) == 1                       # kill -9 while it was being written
    assert outbox.parts_today(1, NOW) == 1
    assert outbox.report(1, 99, YAMADA, DELIVERED, NOW) == message.id
    assert status(outbox, message.id) == "delivered"


def test_the_worker_keeps_the_confirmed_references(make_app):
    app = make_app(modems=0)
    worker = ModemWorker(app, ModemSettings("/dev/null"))          # never started: only its bookkeeping
    worker.sim_id = app.register_sim("+817000000009", "/dev/null", 180)
    now = app.clock.now()
    app.outbox.enqueue(key="a", kind="reminder", recipient=YAMADA, body=TWO_PARTS * 2, not_before=now, now=now)
    message = app.outbox.claim(worker.sim_id, now, [(("reminder",), 180)])
    with pytest.raises(PortGone):
        worker._send_failed(message, SendFailed(PortGone("unplugged"), 3, 3, [5, 6]), now, "2026-12-07")
    assert status(app.outbox, message.id) == "uncertain"
    assert app.outbox.parts_today(worker.sim_id, now) == 3
    assert app.outbox.report(worker.sim_id, 6, YAMADA, DELIVERED, now) == message.id
