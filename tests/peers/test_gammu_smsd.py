"""gammu-smsd 1.42 (files backend) as a daemon against a simulated modem.

It sends what is put in its outbox, polls the modem for received messages and, with
`deliveryreport = sms`, stores delivery reports in the inbox as text files
(gammu-smsd-files(7), gammu-smsdrc(5)). Its AT traffic is in peer-clients/smsd*.txt.
"""
from pathlib import Path

import pytest

from tests.peers.conftest import CUSTOMER, Daemon, config_from_template, require

REMINDER = "請求書No.1234のお支払いをお願いいたします"
REPLY = "払いました"
# A +CNMI=? answer that offers status reports only as +CDS (ds 0,1): TM-06 at-cnmi/03 (gammu's
# tests/at-cnmi/03.dump), in the form the simulator prints.
CNMI_DS_0_1 = "(0-3),(0-3),(0-3),(0,1),(0,1)"


@pytest.fixture
def smsd(tmp_path):
    """smsd(modem) -> a running gammu-smsd for `modem`, spool folders under tmp_path/spool."""
    binary = require("gammu-smsd")
    daemons = []

    def start(modem) -> Daemon:
        for folder in ("inbox", "outbox", "sent", "error"):
            (tmp_path / "spool" / folder).mkdir(parents=True, exist_ok=True)
        # The outbox file is UTF-8; transmitformat = unicode sends it as UCS-2 (the default,
        # 7bit, would turn Japanese into "?").
        config = config_from_template("smsdrc.example", tmp_path / "smsdrc", **{
            "/dev/pts/N": modem.path,
            "deliveryreport = sms": "deliveryreport = sms\ntransmitformat = unicode"})
        daemon = Daemon([binary, "-c", str(config)], tmp_path)
        daemons.append(daemon)
        return daemon
    yield start
    for daemon in daemons:
        daemon.stop()


def inbox(tmp_path: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8", errors="replace")
            for p in sorted((tmp_path / "spool" / "inbox").glob("IN*"))}


def put_in_outbox(tmp_path: Path, number: str, text: str) -> Path:
    path = tmp_path / "spool" / "outbox" / f"OUT{number}.txt"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.rename(path)     # whole, so the daemon never reads half a file
    return path


def test_sends_the_outbox_and_stores_the_reply_and_the_delivery_report(simulator, smsd, tmp_path):
    modem = simulator.add_modem("generic", cnmi_test=CNMI_DS_0_1)
    simulator.add_handset(CUSTOMER, reply=REPLY, reply_after=0.2)
    daemon = smsd(modem)
    put_in_outbox(tmp_path, CUSTOMER, REMINDER)

    phone = simulator.network.handset(CUSTOMER)
    daemon.wait_for(lambda: phone.received, timeout=30, what="the reminder at the handset")
    assert [m.text for m in phone.received] == [REMINDER]
    daemon.wait_for(lambda: (tmp_path / "spool" / "sent" / f"OUT{CUSTOMER}.txt").exists(),
                    timeout=10, what="the outbox file moved to sent")
    daemon.wait_for(lambda: sorted(inbox(tmp_path).values()) == ["Delivered", REPLY],
                    timeout=30, what="the reply and the delivery report in the inbox")
    names = list(inbox(tmp_path))
    assert all(name.endswith(f"_{CUSTOMER}_00.txt") for name in names), names
    assert daemon.stop() == 0


def test_ds2_status_report_is_stored_empty(simulator, smsd, tmp_path):
    """Pinned down, a gammu 1.42 fault: given +CNMI ds=2 (the generic profile offers ds 0-2 and
    gammu prefers 2), the modem announces a stored report with +CDSI: "SR",<n> (TS 27.005
    §3.4.1). libgammu hands smsd a status-report stub that was never read, and
    SMSD_IncomingSMSCallback (smsd/core.c) stores it as it is: an empty file named
    IN000000_000000_00__00.txt. The reply still arrives, by polling."""
    modem = simulator.add_modem("generic")
    simulator.add_handset(CUSTOMER, reply=REPLY, reply_after=0.2)
    daemon = smsd(modem)
    put_in_outbox(tmp_path, CUSTOMER, REMINDER)
    daemon.wait_for(lambda: REPLY in inbox(tmp_path).values(), timeout=40, what="the reply")
    daemon.wait_for(lambda: "IN000000_000000_00__00.txt" in inbox(tmp_path), timeout=10,
                    what="the empty delivery report")
    assert inbox(tmp_path)["IN000000_000000_00__00.txt"] == ""
    assert modem.settings.cnmi[3] == 2
    assert daemon.stop() == 0
