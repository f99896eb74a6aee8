"""Faults on demand: unplug, reboot, garbage, stuck prompt, lines where they hurt."""
import os

import pytest
import serial

from modem import pdu
from tests.modem.sim.atclient import AtClient
from tests.modem.sim.conftest import wait_for

CUSTOMER = "+819012345678"


@pytest.fixture
def linked(simulator, tmp_path):
    modem = simulator.add_modem(link=str(tmp_path / "ttyMODEM"))
    client = AtClient(modem.path)
    client.ok("ATE0")
    yield modem, client
    client.close()


def test_link_points_at_the_device(linked, tmp_path):
    modem, _ = linked
    assert os.path.realpath(tmp_path / "ttyMODEM") == modem.port.path


def test_unplug_removes_the_device_and_replug_brings_a_new_one(linked, tmp_path):
    modem, client = linked
    old = modem.port.path
    created = os.stat(old).st_ctime_ns
    modem.unplug()
    assert not os.path.lexists(tmp_path / "ttyMODEM")
    # The device node itself goes, not just the link: the kernel removes it once the pty's last
    # end is released, a moment later. Any process may be given its number at once: then the
    # node there is a new one, made later.
    wait_for(lambda: not _same_node(old, created), what="the old device node removed")
    with pytest.raises(serial.SerialException):
        for _ in range(50):
            client.write("AT\r")
            client.port.read(100)
    modem.replug()
    assert os.path.exists(tmp_path / "ttyMODEM")
    again = AtClient(str(tmp_path / "ttyMODEM"))
    assert again.raw("AT") == b"AT\r\r\nOK\r\n"       # freshly powered: echo on
    again.close()
    # The old client still holds the old pty, so the kernel cannot hand its number out again:
    # a new device, and the link follows it.
    assert modem.port.path != old and os.path.exists(modem.port.path)
    assert os.path.realpath(tmp_path / "ttyMODEM") == modem.port.path


def _same_node(path: str, created: int) -> bool:
    try:
        return os.stat(path).st_ctime_ns == created
    except FileNotFoundError:
        return False


def test_unplug_for_a_while_comes_back_by_itself(linked, tmp_path):
    modem, _ = linked
    modem.unplug(for_seconds=0.1)
    wait_for(lambda: os.path.exists(tmp_path / "ttyMODEM"), what="replug")


def test_messages_wait_while_unplugged_and_arrive_after(linked, simulator, tmp_path):
    modem, client = linked
    modem.unplug()
    simulator.send_sms(CUSTOMER, modem.sim.number, "抜けている間に")
    wait_for(lambda: simulator.network.waiting_for(modem.sim.number) == 1)
    modem.replug()
    client = AtClient(str(tmp_path / "ttyMODEM"))
    client.ok("ATE0")
    wait_for(lambda: simulator.network.waiting_for(modem.sim.number) == 0)
    _, body = client.ok("AT+CMGL=4")
    assert pdu.decode(body).text == "抜けている間に"
    client.close()


def test_reboot_resets_settings_and_turns_echo_on(linked):
    modem, client = linked
    client.ok("AT+CMEE=2;+CMGF=1;+CNMI=2,1,0,2,0")
    modem.reboot()
    assert client.read_until(lambda b: b"RDY" in b) == b"\r\nRDY\r\n"
    assert client.raw("AT+CMGF?") == b'AT+CMGF?\r\r\n+CMGF: 0\r\n\r\nOK\r\n'
    assert client.lines("AT+CNMI?")[1] == "+CNMI: 0,0,0,0,0"


def test_reboot_by_cfun(linked):
    modem, client = linked
    assert client.raw("AT+CFUN=1,1") == b"\r\nOK\r\n"
    assert b"RDY" in client.read_until(lambda b: b"RDY" in b)


def test_garbage_then_normal_service(linked):
    modem, client = linked
    modem.send_garbage(b"\xff\xfe\x00\x8fjunk")
    assert client.read_until(lambda b: b"junk" in b) == b"\xff\xfe\x00\x8fjunk"
    assert client.raw("AT") == b"\r\nOK\r\n"


def test_prompt_that_never_comes_is_cancelled_by_escape(linked, simulator):
    modem, client = linked
    modem.faults.stall_prompt = True
    client.write("AT+CMGS=28\r")
    assert client.read_for(0.2) == b""
    client.write("\x1b")
    assert client.read_final() == b"\r\nOK\r\n"
    assert client.raw("AT") == b"\r\nOK\r\n"


def test_line_injected_inside_a_response(linked):
    modem, client = linked
    modem.faults.in_response.append('+CMTI: "SM",3')
    assert client.raw("AT+CSQ") == b'\r\n+CSQ: 18,99\r\n+CMTI: "SM",3\r\n\r\nOK\r\n'
    modem.faults.in_response.append("RING")
    assert client.raw("AT") == b"\r\nRING\r\n\r\nOK\r\n"


def test_line_between_prompt_and_cmgs(linked):
    modem, client = linked
    modem.faults.after_prompt.append('+CMTI: "SM",1')
    client.write("AT+CMGS=10\r")
    assert client.read_until(lambda b: b"+CMTI" in b) == b'\r\n> \r\n+CMTI: "SM",1\r\n'


def test_cds_header_and_pdu_apart(linked):
    modem, client = linked
    client.ok("AT+CNMI=2,1,0,1,0")
    modem.faults.split_delay = 0.05
    (part,) = pdu.encode_submit(CUSTOMER, "x", status_report=True)
    client.send_pdu(part.hex, part.tpdu_length)
    head = client.read_until(lambda b: b"+CDS:" in b and b.endswith(b"\r\n"))
    assert head.startswith(b"\r\n+CDS: ") and head.count(b"\r\n") == 2
    body = client.read_until(lambda b: b.endswith(b"\r\n"))
    assert isinstance(pdu.decode(body.strip().decode()), pdu.StatusReport)


def test_lost_coverage_fails_sends_as_no_network_service(linked):
    modem, client = linked
    client.ok("AT+CMEE=1;+CREG=2")
    modem.set_coverage(False)
    assert client.read_until(lambda b: b"+CREG: 2" in b) == b"\r\n+CREG: 2\r\n"
    (part,) = pdu.encode_submit(CUSTOMER, "x")
    assert client.send_pdu(part.hex, part.tpdu_length) == ["+CMS ERROR: 331"]
    modem.set_coverage(True)
    assert b'+CREG: 1,"1A2B"' in client.read_until(lambda b: b"+CREG: 1" in b)
