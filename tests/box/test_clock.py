"""A box without a real-time clock: customer messages wait while the clock is clearly wrong, and
staff, the dashboard and /health say why."""
from datetime import datetime, timedelta, timezone

from appliance import BUILD_DATE, timecheck
from appliance.clock import TOKYO, Clock, ManualClock
from appliance.services import Services
from modem.device import Modem
from tests.appliance.conftest import STAFF_PHONE, add_invoice, make_app, network, settle, smtp  # noqa: F401
from tests.modem.sim.conftest import simulator, wait_for  # noqa: F401
from web import create_app

CUSTOMER = "+819012345678"


def texts(network, number):
    return [m.text for m in network.network.handset(number).received]


def test_cclk_answers():
    assert timecheck.parse_cclk(['+CCLK: "26/12/03,19:25:07+36"']) == datetime(2026, 12, 3, 19, 25, 7, tzinfo=TOKYO)
    assert timecheck.parse_cclk(['+CCLK: "26/12/03,10:25:07-20"']).utcoffset() == timedelta(hours=-5)
    assert timecheck.parse_cclk(['+CCLK: "26/12/03,19:25:07"']) is None          # no zone: any zone's
    assert timecheck.parse_cclk(['+CCLK: "80/01/06,00:01:29+00"']).year == 1980    # never heard NITZ
    assert timecheck.parse_cclk(["OK"]) is None


def test_simulated_modem_tells_network_time(simulator):
    sim_modem = simulator.add_modem("quectel")
    simulator.network.settings.clock_offset = 3600.0
    with Modem(sim_modem.path, timeout=2.0) as modem:
        told = timecheck.read_network_time(modem)
    assert abs((told - datetime.now(timezone.utc)).total_seconds() - 3600) < 5


def test_a_clock_before_the_build_date_is_wrong_even_without_network_time():
    check = timecheck.ClockCheck()
    state = check.state(datetime(2021, 1, 1, 9, 0, tzinfo=TOKYO))       # a Pi that woke up in the past
    assert not state.ok and str(BUILD_DATE) in state.reason and state.network is None
    assert check.state(datetime.combine(BUILD_DATE, datetime.min.time(), TOKYO) + timedelta(days=1)).ok


def test_network_time_is_carried_forward_on_the_monotonic_clock():
    ticks = [100.0]
    check = timecheck.ClockCheck(monotonic=lambda: ticks[0])
    moment = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
    check.network_time(moment, "/dev/modem0")
    ticks[0] += 3600
    assert check.state(moment + timedelta(hours=1, minutes=5)).ok                      # within 10 minutes
    late = check.state(moment + timedelta(minutes=5))                                   # 55 minutes behind
    assert not late.ok and "55分遅れて" in late.reason and late.offset_seconds == -3300


def test_only_a_clock_that_follows_the_system_is_checked_by_default():
    assert timecheck.follows_system_time(Clock())
    assert not timecheck.follows_system_time(Clock(offset=timedelta(hours=5)))           # the demo at night
    assert not timecheck.follows_system_time(Clock(speed=60))
    assert not timecheck.follows_system_time(ManualClock(datetime.now(timezone.utc)))


def test_wrong_clock_holds_customer_messages_and_says_why(make_app, network):
    start = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
    # The network's time is two hours later than the box's clock.
    network.network.settings.clock_offset = (start + timedelta(hours=2) - datetime.now(timezone.utc)).total_seconds()
    app = make_app(start=start)
    app.clock_check.enabled = True                    # make_app's ManualClock is not checked by default
    add_invoice(app, "INV-1", "山田 太郎", CUSTOMER, 12000, "2026-12-10")   # its -3 step is due now
    app.outbox.enqueue(key="queued-before", kind="reminder", recipient=CUSTOMER, body="お支払いのお願い",
                       not_before=start, now=start)
    app.start()

    state = wait_for(lambda: (s := app.clock_check.state(app.clock.now())).network and s, what="network time")
    assert not state.ok and "携帯網の時刻" in state.reason and "2時間遅れて" in state.reason
    assert abs(state.offset_seconds + 7200) < 60 and state.source == app.workers[0].settings.device
    assert app.tick() == 0                            # the plans wait too
    wait_for(lambda: any("2時間遅れて" in t for t in texts(network, STAFF_PHONE)), what="staff told")
    settle(app, rounds=3)
    assert texts(network, CUSTOMER) == []
    # (when the first tick ran at start before a modem told the time, its reminder is held too)
    held = [r[0] for r in app.db.query("SELECT status FROM outbox WHERE kind='reminder'")]
    assert set(held) == {"queued"}

    # The dashboard's service and /health say why.
    services = Services(app.db, app.clock)
    services.appliance_health_source = app.health
    health = services.appliance_health()
    assert health["ok"] is False and health["scheduler"] is True
    assert health["clock"]["ok"] is False and state.reason in health["problems"]
    assert [m["alive"] and m["connected"] for m in health["modems"]] == [True]
    client = create_app(services, {"TESTING": True}).test_client()
    answer = client.get("/health").json
    assert answer["ok"] is False and "2時間遅れて" in answer["clock"]["reason"]
    assert answer["clock"]["network"] and answer["modems"][0]["device"] == app.workers[0].settings.device

    # Put right, the clock lets the message go.
    app.clock.set(network.network.now())
    # The first held reminder goes; the other one to the same phone waits for tomorrow morning
    # (at most one reminder a day per handset).
    wait_for(lambda: texts(network, CUSTOMER) == ["お支払いのお願い"], what="the held reminder sent")
    later = [(r[0], r[1]) for r in app.db.query("SELECT status, not_before FROM outbox"
                                                " WHERE kind='reminder' AND body != 'お支払いのお願い'")]
    assert later in ([], [("queued", "2026-12-07T23:00:00+00:00")]), later
    assert client.get("/health").json["ok"] is True


def test_health_without_an_appliance_is_just_ok(tmp_path):
    from appliance.db import Database
    services = Services(Database(tmp_path / "t.db"), ManualClock(datetime(2026, 12, 7, tzinfo=TOKYO)))
    assert create_app(services, {"TESTING": True}).test_client().get("/health").json == {"ok": True}
