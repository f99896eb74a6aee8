"""Work spread over SIMs: a SIM at its daily cap stops, an unplugged modem's work moves on."""
from appliance import campaigns
from tests.appliance.conftest import STAFF_PHONE, add_invoice
from tests.modem.sim.conftest import wait_for


def customers(app, count: int) -> list[int]:
    return [add_invoice(app, f"INV-{i}", f"顧客{i}", f"+8190{i:08d}", 1000, "2026-12-31")[0]
            for i in range(count)]


def delivered_to_handsets(network) -> dict[str, list[str]]:
    """What each customer's phone received (the staff phone gets notices, left out here)."""
    return {h.number: [m.text for m in h.received] for h in network.network.handsets.values()
            if h.received and h.number != STAFF_PHONE}


def per_sim(app) -> dict[int, int]:
    return {r[0]: r[1] for r in app.db.query("SELECT sim_id, count(*) FROM outbox WHERE status IN"
                                             " ('sent','delivered') AND kind='campaign' GROUP BY sim_id")}


def test_sim_at_its_cap_stops_and_the_others_take_the_rest(make_app, network):
    app = make_app(modems=2)
    app.workers[0].settings = app.workers[0].settings.__class__(**{**vars(app.workers[0].settings),
                                                                   "daily_cap": 3})
    ids = customers(app, 12)
    app.start()
    wait_for(lambda: all(w.modem for w in app.workers))
    assert campaigns.start(app.db, app.outbox, name="年末", body="年末のご挨拶", customer_ids=ids,
                           now=app.clock.now(), rules=app.rules, actor="test") == 12
    wait_for(lambda: sum(per_sim(app).values()) == 12, timeout=10, what="all sent")
    counts = per_sim(app)
    assert sorted(counts.values()) == [3, 9]
    assert app.outbox.parts_today(app.workers[0].sim_id, app.clock.now()) == 3
    assert all(texts == ["年末のご挨拶"] for texts in delivered_to_handsets(network).values())
    assert len(delivered_to_handsets(network)) == 12


def test_carrier_block_moves_the_message_to_another_sim(make_app, network):
    app = make_app(modems=2)
    network.modems[0].sim.daily_cap = 2             # the carrier blocks earlier than our own cap
    ids = customers(app, 8)
    app.start()
    wait_for(lambda: all(w.modem for w in app.workers))
    campaigns.start(app.db, app.outbox, name="c", body="お知らせ", customer_ids=ids, now=app.clock.now(),
                    rules=app.rules, actor="test")
    wait_for(lambda: sum(per_sim(app).values()) == 8, timeout=10, what="all sent")
    wait_for(lambda: any("送信が止められました" in m.text for m in network.network.handset(STAFF_PHONE).received),
             what="staff told")
    assert all(texts == ["お知らせ"] for texts in delivered_to_handsets(network).values())
    assert len(delivered_to_handsets(network)) == 8


def test_unplugged_modem_work_moves_to_the_others(make_app, network):
    network.network.settings.part_time = 0.05
    app = make_app(modems=2)
    ids = customers(app, 30)
    app.start()
    wait_for(lambda: all(w.modem for w in app.workers))
    campaigns.start(app.db, app.outbox, name="c", body="ご請求のお知らせ", customer_ids=ids,
                    now=app.clock.now(), rules=app.rules, actor="test")
    wait_for(lambda: sum(per_sim(app).values()) >= 4)
    network.modems[0].unplug()
    wait_for(lambda: not app.workers[0].modem, what="worker notices")
    wait_for(lambda: app.db.one("SELECT count(*) FROM outbox WHERE status IN ('queued','retry','sending')")[0] == 0,
             timeout=15, what="queue drained")
    statuses = dict(app.db.query("SELECT status, count(*) FROM outbox WHERE kind='campaign' GROUP BY status"))
    assert statuses.get("uncertain", 0) <= 1
    assert statuses.get("sent", 0) + statuses.get("delivered", 0) + statuses.get("uncertain", 0) == 30
    received = delivered_to_handsets(network)
    assert all(texts == ["ご請求のお知らせ"] for texts in received.values())    # nobody twice
    assert len(received) >= 29


def test_a_bug_in_the_worker_does_not_end_it(make_app, network, monkeypatch):
    from appliance.worker import ModemWorker
    app = make_app()
    ids = customers(app, 3)
    calls = {"n": 0}
    take = ModemWorker._drain

    def broken_once(self, *args):
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyError("a bug")
        return take(self, *args)
    monkeypatch.setattr(ModemWorker, "_drain", broken_once)
    app.start()
    campaigns.start(app.db, app.outbox, name="c", body="再接続後", customer_ids=ids, now=app.clock.now(),
                    rules=app.rules, actor="test")
    wait_for(lambda: sum(per_sim(app).values()) == 3, timeout=10, what="sent after the worker recovered")
    assert calls["n"] >= 2


def test_pacing_spaces_the_sends_of_a_modem(make_app, network):
    from appliance.config import from_dict
    assert from_dict({"modems": [{"device": "/dev/x", "pace": 2}]}).modems[0].pace == 2.0
    app = make_app()
    app.workers[0].settings = app.workers[0].settings.__class__(**{**vars(app.workers[0].settings), "pace": 0.3})
    ids = customers(app, 3)
    app.start()
    campaigns.start(app.db, app.outbox, name="c", body="間隔をあけて", customer_ids=ids, now=app.clock.now(),
                    rules=app.rules, actor="test")
    wait_for(lambda: sum(per_sim(app).values()) == 3, timeout=10)
    times = sorted(m.timestamp for h in network.network.handsets.values() for m in h.received
                   if m.text == "間隔をあけて")
    assert all((b - a).total_seconds() >= 0.25 for a, b in zip(times, times[1:])), times
