"""The appliance on simulated modems, a real SQLite file and a real local SMTP server."""
import socket
from datetime import datetime

import pytest
from aiosmtpd.controller import Controller

from appliance.app import Appliance
from appliance.clock import TOKYO, ManualClock, iso
from appliance.config import Config, StaffMember
from appliance.mailer import SmtpSettings
from appliance.worker import ModemSettings
from tests.modem.sim.conftest import simulator  # noqa: F401 (a fixture)

STAFF_PHONE = "+819099990000"
STAFF_MAIL = "sato@example.jp"


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    with socket.socket() as probe:                       # a free port (aiosmtpd cannot use 0)
        probe.bind(("127.0.0.1", 0))
        mailbox.port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def network(simulator):
    """The simulated network with zero delays (tests/modem/sim/conftest.py's simulator)."""
    return simulator


@pytest.fixture
def make_app(network, smtp, tmp_path):
    apps = []

    def make(modems: int = 1, start: datetime = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO),
             daily_cap: int = 180, **config):
        settings = []
        for i in range(modems):
            sim_modem = network.add_modem(link=str(tmp_path / f"modem{i}"))
            settings.append(ModemSettings(sim_modem.path, number=sim_modem.sim.number, daily_cap=daily_cap,
                                          timeout=2.0))
        cfg = Config(database=tmp_path / "tokusoku.db", company="サンプル商事", contact_phone="03-1234-5678",
                     tick_seconds=3600, modems=settings,
                     staff=[StaffMember("佐藤", phone=STAFF_PHONE, email=STAFF_MAIL)],
                     smtp=SmtpSettings("127.0.0.1", smtp.port, sender="tokusoku@example.jp"), **config)
        app = Appliance(cfg, ManualClock(start))
        apps.append(app)
        return app
    yield make
    for app in apps:
        app.stop()


def add_invoice(app, number: str, name: str, phone: str, amount: int, due: str) -> tuple[int, int]:
    """(customer id, invoice id)."""
    now = iso(app.clock.now())
    with app.db.write() as conn:
        customer = conn.execute("INSERT INTO customers (name, phone, created_at, updated_at) VALUES (?,?,?,?)",
                                (name, phone, now, now)).lastrowid
        invoice = conn.execute("INSERT INTO invoices (number, customer_id, amount, due_date, created_at,"
                               " updated_at) VALUES (?,?,?,?,?,?)", (number, customer, amount, due, now, now)).lastrowid
    return customer, invoice


def settle(app, rounds: int = 2) -> None:
    """Wait until every connected worker has gone round its loop `rounds` more times (so it has
    seen the current clock and queue) -- for asserting that something did NOT happen."""
    from tests.modem.sim.conftest import wait_for
    start = {w: w.rounds for w in app.workers}
    wait_for(lambda: all(w.rounds >= start[w] + rounds for w in app.workers if w.modem), what="workers")
