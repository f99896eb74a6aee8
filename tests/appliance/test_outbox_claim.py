"""Which message a SIM claims next (Outbox.claim): groups in priority order, each with its room in
parts; within a group the SIM's own preferred work first, then work for no SIM in particular or
for an offline SIM; oldest not_before first, then lowest id. And what a claim costs must not
grow with the queue: a worker claims once per message."""
from datetime import datetime, timedelta

import pytest

from appliance.clock import TOKYO
from appliance.db import Database
from appliance.outbox import Outbox

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
SIM, OTHER_ONLINE, OFFLINE = 1, 2, 3
REMINDERS = [(("reminder",), 180)]
TWO_PARTS = "長" * 80                  # 80 UCS-2 characters: two parts


@pytest.fixture
def outbox(tmp_path):
    db = Database(tmp_path / "t.db")
    with db.write() as conn:
        conn.execute("INSERT INTO sims (id, number, online) VALUES (1, '+817000000001', 1),"
                     " (2, '+817000000002', 1), (3, '+817000000003', 0)")
    return Outbox(db, TOKYO)


def queue(outbox, key: str, *, kind: str = "reminder", minutes_ago: int = 0, prefer: int | None = None,
          body: str = "お知らせ") -> int:
    when = NOW - timedelta(minutes=minutes_ago)
    return outbox.enqueue(key=key, kind=kind, recipient="+819011110001", body=body, not_before=when,
                          now=when, prefer_sim_id=prefer, notify=False)


def set_status(outbox, message_id: int, status: str) -> None:
    with outbox.db.write() as conn:
        conn.execute("UPDATE outbox SET status=? WHERE id=?", (status, message_id))


def claims(outbox, sim: int = SIM, groups=REMINDERS) -> list[int]:
    """The ids claimed one after another until nothing is left for `sim`."""
    taken = []
    while (message := outbox.claim(sim, NOW, groups)) is not None:
        taken.append(message.id)
    return taken


def test_the_sims_own_preferred_work_goes_before_older_work_for_nobody(outbox):
    anyone = queue(outbox, "anyone", minutes_ago=30)
    mine = queue(outbox, "mine", minutes_ago=5, prefer=SIM)
    assert claims(outbox) == [mine, anyone]


def test_an_offline_sims_work_is_taken_and_another_online_sims_is_left(outbox):
    theirs = queue(outbox, "theirs", minutes_ago=30, prefer=OTHER_ONLINE)
    orphaned = queue(outbox, "orphaned", minutes_ago=5, prefer=OFFLINE)
    assert claims(outbox) == [orphaned]
    assert claims(outbox, sim=OTHER_ONLINE) == [theirs]


def test_work_for_nobody_and_an_offline_sims_work_go_oldest_first_together(outbox):
    newer_orphan = queue(outbox, "a", minutes_ago=5, prefer=OFFLINE)
    older = queue(outbox, "b", minutes_ago=20)
    old_orphan = queue(outbox, "c", minutes_ago=40, prefer=OFFLINE)
    assert claims(outbox) == [old_orphan, older, newer_orphan]


def test_oldest_not_before_first_then_lowest_id_across_kinds_and_statuses(outbox):
    late = queue(outbox, "late", kind="reminder", minutes_ago=1)
    tie_campaign = queue(outbox, "tie-1", kind="campaign", minutes_ago=10)
    tie_reminder_retry = queue(outbox, "tie-2", kind="reminder", minutes_ago=10)
    tie_reply = queue(outbox, "tie-3", kind="reply", minutes_ago=10)
    earliest = queue(outbox, "early", kind="reply", minutes_ago=60)
    set_status(outbox, tie_reminder_retry, "retry")
    customers = [(("reminder", "campaign", "reply"), 180)]
    assert claims(outbox, groups=customers) == [earliest, tie_campaign, tie_reminder_retry, tie_reply, late]


def test_only_queued_and_retry_messages_that_are_due_are_claimed(outbox):
    future = outbox.enqueue(key="future", kind="reminder", recipient="+819011110001", body="お知らせ",
                            not_before=NOW + timedelta(seconds=1), now=NOW, notify=False)
    retry = queue(outbox, "retry", minutes_ago=1)
    set_status(outbox, retry, "retry")
    for status in ("sending", "sent", "delivered", "failed", "expired", "uncertain", "cancelled"):
        set_status(outbox, queue(outbox, status, minutes_ago=60), status)
    assert claims(outbox) == [retry]
    assert outbox.claim(SIM, NOW + timedelta(seconds=1), REMINDERS).id == future


def test_groups_are_tried_in_order_each_within_its_room_in_parts(outbox):
    reminder = queue(outbox, "reminder", kind="reminder", minutes_ago=60)
    notice = queue(outbox, "notice", kind="forward", minutes_ago=1)
    long_notice = queue(outbox, "long", kind="test", minutes_ago=30, body=TWO_PARTS)
    staff, customers = ("forward", "test"), ("reminder",)
    assert outbox.claim(SIM, NOW, [(staff, 1), (customers, 180)]).id == notice
    assert outbox.claim(SIM, NOW, [(staff, 0), (customers, 180)]).id == reminder
    assert outbox.claim(SIM, NOW, [(staff, 1), (customers, 180)]) is None
    assert outbox.claim(SIM, NOW, [(staff, 2), (customers, 180)]).id == long_notice


def test_the_oldest_message_that_fits_the_room_is_taken_over_an_older_one_that_does_not(outbox):
    long = queue(outbox, "long", minutes_ago=60, body=TWO_PARTS)
    short = queue(outbox, "short", minutes_ago=1)
    assert outbox.claim(SIM, NOW, [(("reminder",), 1)]).id == short
    assert outbox.claim(SIM, NOW, [(("reminder",), 1)]) is None
    assert outbox.claim(SIM, NOW, [(("reminder",), 2)]).id == long


def test_a_claimed_message_is_sending_from_this_sim_with_one_more_attempt(outbox):
    message_id = queue(outbox, "a")
    message = outbox.claim(SIM, NOW, REMINDERS)
    row = outbox.db.one("SELECT status, sim_id, attempts FROM outbox WHERE id=?", (message_id,))
    assert (message.id, message.attempts) == (message_id, 1)
    assert tuple(row) == ("sending", SIM, 1)


def claim_cost(outbox, sim: int) -> int:
    """SQLite virtual-machine steps (in hundreds) that one claim takes: the work, without a clock."""
    steps = 0

    def count():
        nonlocal steps
        steps += 1
        return 0
    outbox.db.conn.set_progress_handler(count, 100)
    try:
        assert outbox.claim(sim, NOW, [(("forward", "test"), 180), (("reminder", "campaign", "reply"), 180)])
    finally:
        outbox.db.conn.set_progress_handler(None, 100)
    return steps


def fill(outbox, count: int, start: int) -> None:
    """`count` due reminders: most for nobody in particular, some for the other online SIM or the
    offline one, none for SIM 1 (its own walk must find nothing without reading the queue)."""
    prefer = (None, None, None, OTHER_ONLINE, OFFLINE)
    outbox.enqueue_many([{"key": f"r{i}", "kind": "reminder", "recipient": "+819011110001", "body": "お知らせ",
                          "not_before": NOW - timedelta(seconds=i), "prefer_sim_id": prefer[i % 5]}
                         for i in range(start, start + count)], NOW)


def test_what_a_claim_costs_does_not_grow_with_the_queue(outbox):
    fill(outbox, 10, 0)
    small = claim_cost(outbox, SIM)
    fill(outbox, 20_000, 10)
    large = claim_cost(outbox, SIM)
    assert large <= 2 * small, f"{small}00 steps with 10 queued, {large}00 with 20,010"

