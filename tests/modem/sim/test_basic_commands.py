"""V.250 framing, identification, error formats -- byte-exact as in the transcripts."""
import pytest

from tests.modem.sim.atclient import AtClient


def test_framing_is_byte_exact(client):
    assert client.raw("AT") == b"\r\nOK\r\n"
    assert client.raw("AT+CSQ") == b"\r\n+CSQ: 18,99\r\n\r\nOK\r\n"       # peer-clients/smstools.txt
    assert client.raw("AT+CSCS?") == b'\r\n+CSCS: "IRA"\r\n\r\nOK\r\n'     # peer-clients/identify.txt
    assert client.raw("AT+CSCS=?") == b'\r\n+CSCS: ("IRA","GSM","UCS2")\r\n\r\nOK\r\n'


def test_echo_is_on_after_power_on_and_follows_ate(modem):
    at = AtClient(modem.path)
    try:
        assert at.raw("AT") == b"AT\r\r\nOK\r\n"
        assert at.raw("ATE0") == b"ATE0\r\r\nOK\r\n"
        assert at.raw("AT") == b"\r\nOK\r\n"
        assert at.raw("ATE1") == b"\r\nOK\r\n"
        assert at.raw("AT+CGMI").startswith(b"AT+CGMI\r\r\n")
    finally:
        at.close()


def test_identification(client, modem):
    assert client.ok("AT+CGMI") == ["Tokusoku"]
    assert client.ok("AT+CGMM") == ["SIM-LTE"]
    assert client.ok("AT+CGMR") == ["1.0.0"]
    assert client.ok("AT+CGSN") == [modem.imei]
    assert client.ok("AT+CIMI") == [modem.sim.imsi]
    assert client.ok("ATI")[0] == "Tokusoku"


@pytest.mark.parametrize("cmee, expected", [
    ("0", "ERROR"), ("1", "+CME ERROR: 50"), ("2", "+CME ERROR: incorrect parameters")])
def test_error_format_follows_cmee(client, cmee, expected):
    client.ok(f"AT+CMEE={cmee}")
    assert client.lines("AT+CFUN=7")[-1] == expected


@pytest.mark.parametrize("cmee, expected", [
    ("0", "ERROR"), ("1", "+CMS ERROR: 321"), ("2", "+CMS ERROR: invalid memory index")])
def test_sms_error_format_follows_cmee(client, cmee, expected):
    client.ok(f"AT+CMEE={cmee}")
    assert client.lines("AT+CMGR=49")[-1] == expected


def test_unknown_commands_answer_error(client):
    for command in ("AT+MODE=2", "AT+CPROT=?", "AT$TSSPCSW=?", "AT+WIND?", "garbageAT+XYZ"):
        assert client.lines(command) == ["ERROR"], command


@pytest.mark.parametrize("command", ["AT+CMEE=x", "AT+CNMI=a,1", "AT+CFUN=x", "AT+CMGD=1,5", "AT+CMGD=1,x",
                                     "AT+COPS=3,x", "AT+CMGF=2x", "AT+CREG=-1", "ATE5", "ATV2"])
def test_bad_parameters_are_refused_and_the_modem_keeps_answering(client, command):
    """TS 27.007 §9.2.1: 50 "incorrect parameters"; plain ERROR before AT+CMEE=1."""
    assert client.lines(command) == ["ERROR"]
    client.ok("AT+CMEE=1")
    assert client.lines(command) == ["+CME ERROR: 50"]
    assert client.ok("AT") == []


def test_chained_commands_answer_once(client):
    assert client.raw("AT+CMEE=1;+CREG=2") == b"\r\nOK\r\n"             # smstools sends this
    assert client.raw("AT+CMEE?;+CREG?") == (
        b'\r\n+CMEE: 1\r\n+CREG: 2,1,"1A2B","01C3D4E5",7\r\n\r\nOK\r\n')


def test_chain_stops_at_first_error(client):
    assert client.lines("AT+CMEE=1;+CFUN=9;+CMGF=1") == ["+CME ERROR: 50"]
    assert client.ok("AT+CMGF?") == ["+CMGF: 0"]


def test_atz_restores_defaults(client):
    client.ok("AT+CMEE=2;+CMGF=1")
    client.raw("ATZ")
    client.write("ATE0\r")
    client.read_until(lambda b: b.endswith(b"OK\r\n"))
    assert client.ok("AT+CMEE?;+CMGF?") == ["+CMEE: 0", "+CMGF: 0"]


def test_atv0_gives_numeric_results(client):
    assert client.port.write(b"ATV0\r") and client.read_until(lambda b: b == b"0\r")
    client.write("AT+CFUN=9\r")
    assert client.read_until(lambda b: b.endswith(b"4\r")) == b"4\r"


def test_network_time(client):
    (line,) = client.ok("AT+CCLK?")
    assert line.startswith('+CCLK: "') and line.endswith('+36"')           # Japan: 9 h = 36 quarters


def test_registration_operator_and_signal(client):
    assert client.ok("AT+CREG?") == ["+CREG: 0,1"]
    assert client.ok("AT+CEREG?") == ["+CEREG: 0,1"]
    assert client.ok("AT+CGATT?") == ["+CGATT: 1"]
    assert client.ok("AT+COPS?") == ['+COPS: 0,0,"NTT DOCOMO",7']
    client.ok("AT+COPS=3,2")
    assert client.ok("AT+COPS?") == ['+COPS: 0,2,"44010",7']


def test_cfun_off_deregisters_and_creg_says_so(client):
    client.ok("AT+CREG=1")
    client.ok("AT+CFUN=4")
    assert b"+CREG: 0" in client.read_until(lambda b: b"+CREG: 0" in b)
    assert client.ok("AT+CSQ") == ["+CSQ: 99,99"]
    client.ok("AT+CFUN=1")
    assert b"+CREG: 1" in client.read_until(lambda b: b"+CREG: 1" in b)


def test_ussd_balance_answer(client):
    client.ok('AT+CUSD=1,"*100#",15')
    assert b'+CUSD: 0,"Balance: 1234 JPY",15' in client.read_until(lambda b: b"+CUSD" in b)
    client.ok('AT+CSCS="UCS2"')
    client.ok('AT+CUSD=1,"002A0031003000300023",15')
    data = client.read_until(lambda b: b",72\r\n" in b).decode()
    hexpart = data.split('"')[1]
    assert bytes.fromhex(hexpart).decode("utf-16-be") == "残高は1,234円です。"


def test_incoming_call_rings_with_caller_id(client, modem):
    client.ok("AT+CLIP=1")
    modem.ring("+819012345678", times=2, interval=0.01)
    data = client.read_until(lambda b: b.count(b"+CLIP") == 2)
    assert data.count(b"\r\nRING\r\n") == 2
    assert b'\r\n+CLIP: "+819012345678",145,"",0,"",0\r\n' in data


def test_smsc_address_follows_the_character_set(client, simulator):
    # TM-04 at-smsc/05: under AT+CSCS="UCS2" the SMSC comes back UCS-2 hex inside quotes.
    smsc = simulator.network.settings.smsc
    assert client.ok("AT+CSCA?") == [f'+CSCA: "{smsc}",145']
    client.ok('AT+CSCS="UCS2"')
    assert client.ok("AT+CSCA?") == [f'+CSCA: "{smsc.encode("utf-16-be").hex().upper()}",145']
    client.ok('AT+CSCA="' + "+81900000000".encode("utf-16-be").hex().upper() + '",145')
    client.ok('AT+CSCS="GSM"')
    assert client.ok("AT+CSCA?") == ['+CSCA: "+81900000000",145']


def test_sms_service_and_mode_settings(client):
    assert client.ok("AT+CSMS?") == ["+CSMS: 0,1,1,1"]
    assert client.ok("AT+CSMS=0") == ["+CSMS: 1,1,1"]
    assert client.ok("AT+CMGF=?") == ["+CMGF: (0,1)"]
    assert client.ok("AT+CMMS=2;+CMMS?") == ["+CMMS: 2"]
    assert client.ok("AT+CSMP=49,167,0,8;+CSMP?") == ["+CSMP: 49,167,0,8"]
    assert client.ok("AT+CNMI=?") == ["+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)"]
    assert client.ok("AT+CNMI=2,1,0,2,0;+CNMI?") == ["+CNMI: 2,1,0,2,0"]
    assert client.ok("AT+CNUM")[0].endswith(",145")


def test_sim_busy_for_a_while_after_power_on(simulator):
    from tests.modem.sim.atclient import AtClient
    modem = simulator.add_modem(sim_busy=0.3)
    client = AtClient(modem.path)
    client.ok("ATE0;+CMEE=1")
    assert client.lines("AT+CPIN?") == ["+CME ERROR: 14"]
    assert client.ok("AT+CREG?") == ["+CREG: 0,2"]
    client.read_for(0.35)
    assert client.ok("AT+CPIN?") == ["+CPIN: READY"]
    client.close()


def _creg_shape(line: str) -> str:
    """'+CREG: 0,1,"5E25","605F",2' -> '<n>,<stat>,"<hex>","<hex>",<d>': the shape, not the values."""
    import re
    body = line.split(":", 1)[1].strip()
    return re.sub(r"[0-9A-F]+", lambda m: "<hex>" if len(m.group()) > 1 else "<d>", body)


def test_cgreg_read_set_and_test_forms_follow_the_creg_transcripts(client):
    # TS 27.007 §10.1.20: +CGREG answers like +CREG (§7.2); TM-03 (gammu at-creg/telit.dump) shows
    # the full form with quoted LAC/CI and AcT.
    from tests.conftest import testdata_path
    transcript = testdata_path("modem-transcripts", "03-gammu-creg-variants.txt").read_text()
    telit = transcript.split("=== at-creg/telit.dump ===")[1].splitlines()[2]
    assert client.ok("AT+CGREG?") == ["+CGREG: 0,1"]
    assert client.ok("AT+CGREG=?") == ["+CGREG: (0-2)"]
    client.ok("AT+CGREG=2")
    (line,) = client.ok("AT+CGREG?")
    assert line == '+CGREG: 2,1,"1A2B","01C3D4E5",7'
    assert _creg_shape(line) == _creg_shape(telit) == '<d>,<d>,"<hex>","<hex>",<d>'
    assert client.lines("AT+CGREG=3") == ["ERROR"]


@pytest.mark.parametrize("mode, lost, back", [
    (1, b"\r\n+CGREG: 2\r\n", b"\r\n+CGREG: 1\r\n"),
    (2, b"\r\n+CGREG: 2\r\n", b'\r\n+CGREG: 1,"1A2B","01C3D4E5",7\r\n')])
def test_cgreg_unsolicited_when_coverage_comes_and_goes(client, modem, mode, lost, back):
    client.ok(f"AT+CGREG={mode}")
    modem.set_coverage(False)
    assert client.read_until(lambda b: b.endswith(b"\r\n") and b"+CGREG" in b) == lost
    modem.set_coverage(True)
    assert client.read_until(lambda b: b.endswith(b"\r\n") and b"+CGREG" in b) == back


def test_cgreg_stays_quiet_when_not_asked(client, modem):
    modem.set_coverage(False)
    modem.set_coverage(True)
    modem.urc("MARK")                       # everything before this line has been written
    assert client.read_until(lambda b: b"MARK\r\n" in b) == b"\r\nMARK\r\n"
