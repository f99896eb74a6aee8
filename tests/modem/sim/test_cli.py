"""`tokusoku sim` as a user runs it: a real process, its printed devices and the control interface."""
import os
import signal
import subprocess
import sys

import pytest

from modem import pdu
from modem.sim.control import call
from tests.modem.sim.atclient import AtClient
from tests.modem.sim.conftest import wait_for
from tests.modem.sim.process import start_sim

CUSTOMER = "+819012345678"


@pytest.fixture
def sim_process(tmp_path):
    process, lines = start_sim("--modems", "2", "--profile", "huawei", "--link", str(tmp_path / "modem"),
                               "--part-time", "0", "--delivery-delay", "0")
    yield process, lines
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


def test_prints_each_device_and_the_control_url(sim_process, tmp_path):
    process, lines = sim_process
    assert len(lines) == 3
    for i, line in enumerate(lines[:2]):
        name, device, rest = line.split("\t", 2)[0], line.split("\t")[1], line
        assert name == f"modem{i}"
        assert device.startswith("/dev/pts/") and f"-> {tmp_path}/modem{i}" in device
        assert "(huawei)" in rest
    assert lines[2].startswith("control\thttp://127.0.0.1:")


def test_control_interface_injects_lists_and_faults(sim_process, tmp_path):
    process, lines = sim_process
    url = lines[2].split("\t")[1]
    modems = call(url, "/modems")
    assert [m["profile"] for m in modems] == ["huawei", "huawei"]
    client = AtClient(str(tmp_path / "modem0"))
    client.ok("ATE0;+CNMI=2,1,0,0,0")
    call(url, "/sms", {"from": CUSTOMER, "to": "modem0", "text": "振り込みました👍"})
    client.read_until(lambda b: b"+CMTI" in b)
    _, body = client.ok("AT+CMGR=1")
    assert pdu.decode(body).text == "振り込みました👍"
    (part,) = pdu.encode_submit(CUSTOMER, "受領しました")
    assert client.send_pdu(part.hex, part.tpdu_length)[-1] == "OK"
    wait_for(lambda: any(h["number"] == CUSTOMER and h["received"] for h in call(url, "/handsets")))
    (phone,) = [h for h in call(url, "/handsets") if h["number"] == CUSTOMER]
    assert [m["text"] for m in phone["received"]] == ["受領しました"]
    status = call(url, "/modems/modem0/fault", {"kind": "unplug"})
    assert status["plugged"] is False and not os.path.lexists(tmp_path / "modem0")
    call(url, "/modems/0/fault", {"kind": "replug"})
    assert os.path.exists(tmp_path / "modem0")
    client.close()


def test_bad_control_request_says_what_is_wrong(sim_process):
    from urllib.error import HTTPError
    url = sim_process[1][2].split("\t")[1]
    with pytest.raises(HTTPError) as info:
        call(url, "/modems/0/fault", {"kind": "explode"})
    assert info.value.code == 400 and "unknown fault 'explode'" in info.value.read().decode()


def test_stops_cleanly_on_sigterm(sim_process, tmp_path):
    process, _ = sim_process
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert not os.path.lexists(tmp_path / "modem0")


def test_script_sets_up_network_modems_and_phones(tmp_path):
    script = tmp_path / "demo.toml"
    script.write_text(f"""
[network]
part_time = 0.0
delivery_delay = 0.0
daily_cap = 150

[[modems]]
profile = "quectel"
number = "+817011112222"
link = "{tmp_path}/q"

[[handsets]]
number = "{CUSTOMER}"
name = "山田"
reply = "払いました"

[[messages]]
from = "+819099998888"
to = "+817011112222"
text = "台本から"
""", encoding="utf-8")
    process, lines = start_sim("--script", str(script))
    try:
        url = lines[-1].split("\t")[1]
        (modem,) = call(url, "/modems")
        assert (modem["number"], modem["profile"], modem["daily_cap"]) == ("+817011112222", "quectel", 150)
        client = AtClient(str(tmp_path / "q"))
        client.ok("ATE0")
        wait_for(lambda: "+CMGL" in "".join(client.ok("AT+CMGL=4")), what="scripted message")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("content, message", [
    ("[[modems]]\nprofil = 'x'\n", "modems[0]: unknown key 'profil'"),
    ("[[modems]]\nprofile = 'nokia'\n", "unknown modem profile 'nokia'"),
    ("[network]\nspeed = 1\n", "[network]: unknown key 'speed'"),
    ("[network\n", "demo.toml"),
])
def test_bad_script_is_named_not_a_traceback(tmp_path, content, message):
    script = tmp_path / "demo.toml"
    script.write_text(content)
    result = subprocess.run([sys.executable, "-m", "appliance.cli", "sim", "--script", str(script)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
