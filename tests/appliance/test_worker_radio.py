"""Signal, registration and operator are read at connect and every few minutes, between sends,
and kept with the SIM for the dashboard and the modems page."""
import pytest

from appliance import worker as worker_module
from tests.modem.sim.conftest import wait_for


@pytest.fixture(autouse=True)
def quick_reads(monkeypatch):
    monkeypatch.setattr(worker_module, "RADIO_READ_EVERY", 0.2)


def radio(app):
    row = app.db.one("SELECT signal_dbm, registration, operator FROM sims")
    return tuple(row) if row else None


def test_the_radio_is_read_at_connect_and_again_later(make_app, network):
    app = make_app()
    app.start()
    wait_for(lambda: radio(app) == (-77, "home", "NTT DOCOMO"), what="the first reading")   # rssi 18
    network.modems[0].signal = 25
    wait_for(lambda: radio(app)[0] == -63, what="a later reading")
    network.modems[0].set_coverage(False)
    wait_for(lambda: radio(app) == (None, "searching", None), what="out of coverage")
