"""A modem that refuses +CNMI announces nothing: the worker reads its storages now and then, so
replies are stored and forwarded and status reports applied all the same. A modem that does
announce is read now and then too, as a safety net."""
import pytest

from appliance import worker as worker_module
from appliance.worker import ModemSettings, ModemWorker
from tests.appliance.conftest import STAFF_PHONE
from tests.modem.sim.conftest import wait_for

CUSTOMER = "+819012345678"


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    monkeypatch.setattr(worker_module, "POLL_WITHOUT_NOTIFICATIONS", 0.2)
    monkeypatch.setattr(worker_module, "POLL_EVERY", 0.3)


def forwarded(network) -> list[str]:
    return [m.text for m in network.network.handset(STAFF_PHONE).received]


def without_notifications(make_app, network, tmp_path):
    """An appliance on one modem that answers ERROR to every +CNMI command."""
    app = make_app(modems=0)
    modem = network.add_modem(link=str(tmp_path / "silent"), unsupported=frozenset({"+CNMI"}))
    app.workers.append(ModemWorker(app, ModemSettings(modem.path, number=modem.sim.number, timeout=2.0)))
    return app, modem


def test_a_reply_to_a_modem_without_notifications_is_found_and_forwarded(make_app, network, tmp_path):
    app, modem = without_notifications(make_app, network, tmp_path)
    app.start()
    wait_for(lambda: app.workers[0].modem is not None, what="connected")
    assert app.workers[0].notifications is False
    network.send_sms(CUSTOMER, modem.sim.number, "来週払います")
    wait_for(lambda: app.db.one("SELECT count(*) FROM inbox WHERE text='来週払います'")[0] == 1,
             what="the reply stored")
    wait_for(lambda: any("来週払います" in text for text in forwarded(network)), what="the reply forwarded")
    wait_for(lambda: not modem.storages["SM"].used, what="deleted from the modem")


def test_status_reports_are_found_without_notifications(make_app, network, tmp_path):
    app, modem = without_notifications(make_app, network, tmp_path)
    app.start()
    wait_for(lambda: app.workers[0].modem is not None, what="connected")
    now = app.clock.now()
    message = app.outbox.enqueue(key="test:1", kind="test", recipient=CUSTOMER, body="テスト", not_before=now,
                                 now=now)
    wait_for(lambda: app.db.one("SELECT status FROM outbox WHERE id=?", (message,))[0] == "delivered",
             what="the report applied")


def test_an_unannounced_message_is_found_by_the_safety_net(make_app, network):
    app = make_app()
    app.start()
    wait_for(lambda: app.workers[0].modem is not None, what="connected")
    assert app.workers[0].notifications is True
    network.modems[0].settings.cnmi = (2, 0, 0, 2, 0)      # the modem forgot +CMTI (say, a firmware bug)
    network.send_sms(CUSTOMER, network.modems[0].sim.number, "払いました")
    wait_for(lambda: app.db.one("SELECT count(*) FROM inbox WHERE text='払いました'")[0] == 1,
             what="the reply stored")
