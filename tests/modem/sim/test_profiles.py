"""Each profile's quirks, as the transcripts in ../shared/testdata/modem-transcripts show them."""
import pytest

from modem import pdu
from modem.sim.profiles import PROFILES
from tests.modem.sim.atclient import AtClient

CUSTOMER = "+819012345678"


@pytest.fixture
def open_modem(simulator):
    clients = []

    def opener(profile: str, **kwargs):
        modem = simulator.add_modem(profile, **kwargs)
        client = AtClient(modem.path)
        client.write("ATE0\r")
        client.read_until(lambda b: b.endswith(b"OK\r\n"))
        clients.append(client)
        return modem, client
    yield opener
    for client in clients:
        client.close()


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_profile_sends_and_receives(open_modem, simulator, profile):
    modem, client = open_modem(profile)
    client.write("AT+CNMI=2,1,0,2,0\r")
    client.read_final()
    for part in pdu.encode_submit(CUSTOMER, "お支払いのお願い" * 10):
        assert client.send_pdu(part.hex, part.tpdu_length)[-1] == "OK"
    simulator.send_sms(CUSTOMER, modem.sim.number, "承知しました")
    assert b"+CMTI:" in client.read_until(lambda b: b"+CMTI:" in b)


def test_huawei_unknown_command_and_status_lines(open_modem, simulator):
    # TM-11: Huawei E1752 answers unknown commands "COMMAND NOT SUPPORT".
    modem, client = open_modem("huawei")
    assert client.raw("AT+WIND?") == b"\r\nCOMMAND NOT SUPPORT\r\n"
    assert client.raw("AT+ZPAS?") == b"\r\nCOMMAND NOT SUPPORT\r\n"
    assert client.ok("AT+CGMM") == ["E1752"]
    assert client.ok("AT+CPMS=?") == ['+CPMS: ("ME","SM","SR"),("ME","SM"),("ME","SM")']
    modem.urc("^RSSI:18")     # the periodic lines come every few seconds; this one on demand
    assert client.read_until(lambda b: b"^RSSI" in b) == b"\r\n^RSSI:18\r\n"


def test_huawei_periodic_lines_arrive_unasked(simulator, monkeypatch):
    from modem.sim import profiles
    fast = profiles.HUAWEI.with_overrides(periodic_interval=0.02)
    monkeypatch.setitem(profiles.PROFILES, "huawei", fast)
    modem = simulator.add_modem("huawei")
    client = AtClient(modem.path)
    data = client.read_until(lambda b: all(x in b for x in (b"^MODE", b"^BOOT", b"^RSSI")))
    assert b"\r\n^RSSI:18\r\n" in data and b"\r\n^MODE:5,4\r\n" in data
    client.close()


def test_simcom_prompt_has_no_space(open_modem):
    _, client = open_modem("simcom")
    client.write("AT+CMGS=10\r")
    assert client.read_until(lambda b: b.endswith(b">\r\n")) == b"\r\n>\r\n"
    client.write("\x1b")
    assert client.read_final() == b"\r\nOK\r\n"


def test_quectel_cdsi_names_sm_but_report_sits_in_sr(open_modem):
    modem, client = open_modem("quectel")
    client.write("AT+CNMI=2,1,0,2,0\r")
    client.read_final()
    (part,) = pdu.encode_submit(CUSTOMER, "report", status_report=True)
    client.send_pdu(part.hex, part.tpdu_length)
    assert client.read_until(lambda b: b"+CDSI" in b) == b'\r\n+CDSI: "SM",1\r\n'
    client.write("AT+CMEE=1\r")
    client.read_final()
    assert client.lines("AT+CMGR=1") == ["+CMS ERROR: 321"]            # SM is empty
    client.ok('AT+CPMS="SR"')
    assert isinstance(pdu.decode(client.ok("AT+CMGR=1")[1]), pdu.StatusReport)


def test_quectel_lte_creg_searching_while_cereg_registered(open_modem):
    # DESIGN.md: on LTE-only networks +CREG? can say searching while attached.
    _, client = open_modem("quectel")
    assert client.ok("AT+CREG?") == ["+CREG: 0,2"]
    assert client.ok("AT+CEREG?") == ["+CEREG: 0,1"]


def test_wavecom_cpin_without_final_ok(open_modem):
    # TM-09: Wavecom answers AT+CPIN? with the information line only.
    _, client = open_modem("wavecom")
    client.write("AT+CPIN?\r")
    assert client.read_until(lambda b: b.endswith(b"READY\r\n")) == b"\r\n+CPIN: READY\r\n"
    assert client.read_for(0.1) == b""
    assert client.ok("AT+CGMM") == [" MULTIBAND  900E  1800"]       # TM-05 at-model/01
    assert client.lines("AT+CGMR") == ["ERROR"]


def test_boot_lines_after_reboot(open_modem):
    modem, client = open_modem("simcom")
    modem.reboot()
    data = client.read_until(lambda b: b"PB DONE" in b)
    assert data == b"\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n\r\nPB DONE\r\n"


def test_pin_then_puk(open_modem):
    modem, client = open_modem("generic", pin="1234")
    client.ok("AT+CMEE=1")
    assert client.ok("AT+CPIN?") == ["+CPIN: SIM PIN"]
    assert client.lines("AT+CIMI") == ["+CME ERROR: 11"]
    assert client.lines("AT+CMGL=4") == ["+CMS ERROR: 311"]
    assert client.ok("AT+CREG?") == ["+CREG: 0,0"]
    for _ in range(3):
        assert client.lines('AT+CPIN="0000"') == ["+CME ERROR: 16"]
    assert client.ok("AT+CPIN?") == ["+CPIN: SIM PUK"]
    assert client.lines('AT+CPIN="1234"') == ["+CME ERROR: 16"]           # the PIN no longer helps
    client.ok('AT+CPIN="12345678","4321"')
    assert client.ok("AT+CPIN?") == ["+CPIN: READY"]
    assert client.ok("AT+CIMI") == [modem.sim.imsi]
    modem.reboot()
    client.read_until(lambda b: b"RDY" in b)
    client.write("ATE0;+CMEE=1\r")
    client.read_final()
    client.ok('AT+CPIN="4321"')


def test_sim_busy_after_power_on(open_modem):
    # TM-12 (Qualcomm M6280): SIM commands answer +CME ERROR: 14 for a while after power-on.
    modem, client = open_modem("generic")
    client.ok("AT+CMEE=1")
    modem.set_sim_busy(0.3)
    assert client.lines("AT+CPIN?") == ["+CME ERROR: 14"]
    assert client.lines("AT+CMGL=4") == ["+CMS ERROR: 314"]
    client.read_for(0.35)
    assert client.ok("AT+CPIN?") == ["+CPIN: READY"]


def test_quectel_boot_lines_end_with_qind_sms_and_pb_done(open_modem):
    # Quectel EC25 manual: after power-on RDY, +CFUN, +CPIN, +QUSIM, then +QIND: SMS DONE / PB DONE
    # (no transcript shows a Quectel boot; TM-08 only its USSD).
    modem, client = open_modem("quectel")
    modem.reboot()
    data = client.read_until(lambda b: b"+QIND: PB DONE\r\n" in b)
    assert data == (b"\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n"
                    b"\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n")
    assert client.raw("AT") == b"AT\r\r\nOK\r\n"                      # rebooted: echo back on


def test_quectel_qind_csq_arrives_unasked(simulator, monkeypatch):
    from modem.sim import profiles
    monkeypatch.setitem(profiles.PROFILES, "quectel", profiles.QUECTEL.with_overrides(periodic_interval=0.02))
    modem = simulator.add_modem("quectel")
    client = AtClient(modem.path)
    data = client.read_until(lambda b: b.count(b'+QIND: "csq"') >= 2)
    assert data.startswith(b'\r\n+QIND: "csq",18,99\r\n\r\n+QIND: "csq",18,99\r\n')
    client.close()



def test_simcom_tells_its_own_clock_until_ctzu_is_on(open_modem, simulator):
    """SIMCom: AT+CTZU=0 by default, +CCLK? counts from 2000-01-01 at power-on; with AT+CTZU=1 it
    gives the network's time, and the setting survives a reboot (non-volatile)."""
    modem, client = open_modem("simcom")
    assert client.ok("AT+CTZU?") == ["+CTZU: 0"]
    assert client.ok("AT+CCLK?")[0].startswith('+CCLK: "00/01/01,00:0')
    client.ok("AT+CTZU=1")
    network = simulator.network.now()
    assert client.ok("AT+CCLK?")[0].startswith(f'+CCLK: "{network:%y/%m/%d},')
    modem.reboot()
    client.read_until(lambda b: b"PB DONE" in b)
    client.ok("ATE0")
    assert client.ok("AT+CTZU?") == ["+CTZU: 1"]
    assert client.lines("AT+CTZU=2")[-1] == "ERROR"


def test_other_profiles_follow_the_network_time_out_of_the_box(open_modem, simulator):
    modem, client = open_modem("quectel")
    assert client.ok("AT+CCLK?")[0].startswith(f'+CCLK: "{simulator.network.now():%y/%m/%d},')
