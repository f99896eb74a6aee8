"""python-gsmmodem-new 0.13 (package gsmmodem) driving simulated modems over real ptys.

It connects (its own init sequence: ATZ, ATE0, +CMEE, +CPIN?, +CPMS, +CNMI=2,1,0,2 ...), sends a
Japanese SMS in UCS-2 PDU mode and gets a received one through its callback, on every profile it
can cope with. Where it cannot, the test asserts the specific failure and names its cause.
"""
from __future__ import annotations

import contextlib
import threading

import pytest

from tests.peers.conftest import CUSTOMER, wait_for

gsmmodem = pytest.importorskip(
    "gsmmodem", reason="python-gsmmodem-new is not installed (pip install -e '.[test]')")
from gsmmodem.exceptions import CmsError, TimeoutException  # noqa: E402
from gsmmodem.modem import GsmModem  # noqa: E402

REMINDER = "請求書のお支払いをお願いいたします"
REPLY = "払いました、ありがとう"


@contextlib.contextmanager
def thread_errors():
    """Exceptions that kill gsmmodem's worker threads, collected instead of reported.

    Installed inside the test body: pytest swaps threading.excepthook around each phase.
    """
    errors: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)
    try:
        yield errors
    finally:
        threading.excepthook = previous


@contextlib.contextmanager
def connected(modem):
    """A GsmModem connected to the simulated `modem`; yields (client, received texts)."""
    received: list[tuple[str, str]] = []
    client = GsmModem(modem.path, 115200,
                      smsReceivedCallbackFunc=lambda sms: received.append((sms.number, sms.text)))
    client.connect()
    try:
        yield client, received
    finally:
        client.close()


def receive(simulator, modem, received) -> None:
    simulator.send_sms(CUSTOMER, modem.sim.number, REPLY)
    wait_for(lambda: received, timeout=10, what="the callback for the received SMS")
    assert received == [(CUSTOMER, REPLY)]
    # gsmmodem deletes the message after the callback, on its notification thread: let it finish
    # before the port closes, or its AT+CMGD times out later and fails whichever test runs then.
    wait_for(lambda: modem.storages.receive_storage.used == 0, timeout=10, what="gsmmodem's AT+CMGD")


@pytest.mark.parametrize("profile", ["generic", "huawei", "wavecom"])
def test_connect_send_and_receive(simulator, profile):
    modem = simulator.add_modem(profile)
    with thread_errors() as errors, connected(modem) as (client, received):
        assert client.imei == modem.imei
        sms = client.sendSms(CUSTOMER, REMINDER, waitForDeliveryReport=False)
        phone = simulator.network.handset(CUSTOMER)
        wait_for(lambda: phone.received, what="the SMS at the handset")
        assert [(m.text, m.sender) for m in phone.received] == [(REMINDER, modem.sim.number)]
        # gsmmodem asks for a status report (TP-SRR) and reads it from SR on +CDSI.
        wait_for(lambda: sms.report is not None, what="the status report read by gsmmodem")
        assert sms.report.deliveryStatus == 0 and sms.report.reference == sms.reference
        receive(simulator, modem, received)
    assert errors == []


def test_quectel_status_report_kills_the_notification_thread(simulator):
    """Pinned down: the quectel profile stores a status report in SR but announces it as
    +CDSI: "SM",<n> (profiles.QUECTEL). gsmmodem trusts the line (GsmModem._handleSmsStatusReport:
    AT+CPMS="SM", AT+CMGR=<n>), gets +CMS ERROR: 321 and the exception ends that notification
    thread: the report is lost. Sending and receiving still work."""
    modem = simulator.add_modem("quectel")
    with thread_errors() as errors, connected(modem) as (client, received):
        sms = client.sendSms(CUSTOMER, REMINDER, waitForDeliveryReport=False)
        phone = simulator.network.handset(CUSTOMER)
        wait_for(lambda: phone.received, what="the SMS at the handset")
        assert [m.text for m in phone.received] == [REMINDER]
        wait_for(lambda: errors, what="the notification thread's failure")
        assert [(type(e), e.code) for e in errors] == [(CmsError, 321)]
        assert sms.report is None
        receive(simulator, modem, received)


def test_simcom_send_times_out_at_the_prompt(simulator):
    """Pinned down: the simcom profile writes its +CMGS prompt as ">" CRLF (profiles.SIMCOM);
    gsmmodem waits for the exact bytes "> " (GsmModem.sendSms: expectedResponseTermSeq='> ',
    timeout 5 s) and raises TimeoutException with the lone ">" it saw. Connecting and receiving
    work; receiving is checked first, as after the timeout the modem still waits for the PDU."""
    modem = simulator.add_modem("simcom")
    with thread_errors() as errors, connected(modem) as (client, received):
        receive(simulator, modem, received)
        with pytest.raises(TimeoutException) as failure:
            client.sendSms(CUSTOMER, REMINDER, waitForDeliveryReport=False)
        assert failure.value.data == [">"]
        assert not simulator.network.handset(CUSTOMER).received
    assert errors == []
