"""A PIN the SIM refused is never offered again -- neither on reconnect nor after a restart -- until
the configuration holds another one: a SIM allows three tries before it wants its PUK."""
from dataclasses import replace

import pytest

from appliance import worker as worker_module
from appliance.app import Appliance
from appliance.clock import ManualClock
from tests.appliance.conftest import settle
from tests.modem.sim.conftest import wait_for


@pytest.fixture(autouse=True)
def quick_reconnects(monkeypatch):
    monkeypatch.setattr(worker_module, "RECONNECT_BACKOFF", (0.05,))


def pinned(make_app, network, configured: str):
    """An appliance whose one modem holds a SIM with PIN 1234, configured with `configured`."""
    app = make_app()
    network.modems[0].sim.pin = "1234"
    app.workers[0].settings = replace(app.workers[0].settings, pin=configured)
    return app


def sim_row(app):
    return app.db.one("SELECT * FROM sims")


def attempts(app, count: int) -> None:
    """Wait until the worker has tried to connect `count` more times."""
    worker = app.workers[0]
    start = worker.connects
    wait_for(lambda: worker.connects >= start + count, timeout=10, what=f"{count} connection attempts")


def test_a_wrong_pin_is_tried_once_and_the_page_is_told(make_app, network):
    app = pinned(make_app, network, "0000")
    sim = network.modems[0].sim
    app.start()
    attempts(app, 6)
    assert sim.pin_tries == 2 and sim.state == "SIM PIN"            # one try spent, never a second
    row = sim_row(app)
    assert row["sim_lock"] == "pin" and row["online"] == 0 and row["pin_refused"]
    assert "0000" not in row["pin_refused"]


def test_a_changed_pin_is_offered_and_the_sim_comes_up(make_app, network):
    app = pinned(make_app, network, "0000")
    app.start()
    attempts(app, 3)
    app.workers[0].settings = replace(app.workers[0].settings, pin="1234")     # staff fixed the file
    wait_for(lambda: app.workers[0].modem is not None, timeout=10, what="the SIM unlocked")
    settle(app)
    row = sim_row(app)
    assert row["online"] == 1 and row["sim_lock"] is None and row["pin_refused"] is None
    assert network.modems[0].sim.pin_tries == 3


def test_a_restart_does_not_offer_the_refused_pin_again(make_app, network):
    app = pinned(make_app, network, "0000")
    app.start()
    attempts(app, 2)
    app.stop()
    again = Appliance(app.config, ManualClock(app.clock.now()))
    again.workers[0].settings = app.workers[0].settings
    try:
        again.start()
        attempts(again, 4)
    finally:
        again.stop()
    assert network.modems[0].sim.pin_tries == 2
    assert sim_row(again)["sim_lock"] == "pin"


def test_a_sim_that_went_to_puk_says_so(make_app, network):
    app = pinned(make_app, network, "0000")
    network.modems[0].sim.pin_tries = 1                     # someone spent two tries before us
    app.start()
    attempts(app, 4)
    assert network.modems[0].sim.state == "SIM PUK" and network.modems[0].sim.puk_tries == 10
    assert sim_row(app)["sim_lock"] == "puk"
