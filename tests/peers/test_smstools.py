"""smstools 3 (smsd) in the foreground against a simulated modem.

smsd sends the message files put in its outgoing folder and polls the modem (AT+CPMS?, AT+CMGR,
AT+CMGD) for received ones, which it writes to its incoming folder (smsd.conf(5); its AT traffic
is in peer-clients/smstools.txt).
"""
from pathlib import Path

import pytest

from tests.peers.conftest import CUSTOMER, Daemon, config_from_template, require

REMINDER = "こんにちは、お支払いのお願いです"
REPLY = "払いました、ありがとう"
FOLDERS = ("outgoing", "checked", "failed", "incoming", "sent", "report")


@pytest.fixture
def smstools(tmp_path):
    """smstools(modem) -> a running smsd (-t: in the terminal, not daemonised) for `modem`."""
    binary = require("smsd")
    daemons = []

    def start(modem) -> Daemon:
        for folder in FOLDERS:
            (tmp_path / "sms" / folder).mkdir(parents=True, exist_ok=True)
        # smsd changes directory, so every path is absolute; delaytime 1 polls the modem every
        # second instead of every ten; incoming_utf8 writes received UCS-2 text as UTF-8 (the
        # default, ISO-8859-15, drops every Japanese character).
        config = config_from_template("smsd.conf.example", tmp_path / "smsd.conf", **{
            "./": f"{tmp_path}/", "/dev/pts/N": modem.path,
            "loglevel = 7": "loglevel = 7\ndelaytime = 1\nincoming_utf8 = yes"})
        daemon = Daemon([binary, "-t", "-c", str(config)], tmp_path)
        daemons.append(daemon)
        return daemon
    yield start
    for daemon in daemons:
        daemon.stop()


def incoming(tmp_path: Path) -> list[str]:
    """The received message files smstools has finished: it writes the header first and the
    text after it, so a file whose text is not there yet is not taken (it would read as empty)."""
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted((tmp_path / "sms" / "incoming").iterdir())]
    return [text for text in texts if text.partition("\n\n")[2].strip()]


def test_sends_one_and_receives_one(simulator, smstools, tmp_path):
    modem = simulator.add_modem("generic")
    daemon = smstools(modem)
    outgoing = tmp_path / "sms" / "outgoing" / "reminder"
    tmp = tmp_path / "reminder.tmp"
    tmp.write_text(f"To: {CUSTOMER.lstrip('+')}\nAlphabet: UTF-8\n\n{REMINDER}", encoding="utf-8")
    tmp.rename(outgoing)

    phone = simulator.network.handset(CUSTOMER)
    daemon.wait_for(lambda: phone.received, timeout=30, what="the message at the handset")
    assert [(m.text, m.sender) for m in phone.received] == [(REMINDER, modem.sim.number)]
    daemon.wait_for(lambda: (tmp_path / "sms" / "sent" / "reminder").exists(), timeout=10,
                    what="the message file moved to sent")

    simulator.send_sms(CUSTOMER, modem.sim.number, REPLY)
    files = daemon.wait_for(lambda: incoming(tmp_path), timeout=30, what="a file in incoming")
    [text] = files
    header, _, body = text.partition("\n\n")
    assert f"From: {CUSTOMER.lstrip('+')}" in header.splitlines(), text
    assert body.strip() == REPLY, text
    daemon.wait_for(lambda: modem.storages.receive_storage.used == 0, timeout=10,
                    what="the message deleted from the modem (AT+CMGD)")
    daemon.stop()


def test_received_text_is_cut_at_the_first_character_from_u8000(simulator, smstools, tmp_path):
    """Pinned down, an smstools 3.1.21 fault, not the modem's: with incoming_utf8 = yes its UCS-2
    to UTF-8 conversion stops at the first character at or above U+8000 (here 週, U+9031), so
    "来週払います" is stored as "来" although the modem returned every octet (the PDU in
    smstools.log has all six characters)."""
    modem = simulator.add_modem("generic")
    daemon = smstools(modem)
    simulator.send_sms(CUSTOMER, modem.sim.number, "来週払います")
    [text] = daemon.wait_for(lambda: incoming(tmp_path), timeout=30, what="a file in incoming")
    assert text.partition("\n\n")[2].strip() == "来", text
    assert "0C6765903162553044307E3059" in (tmp_path / "smstools.log").read_text()
    daemon.stop()
