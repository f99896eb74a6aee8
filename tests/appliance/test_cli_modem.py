"""`tokusoku modem` and `tokusoku pdu` as an operator runs them, against `tokusoku sim`."""
import json
import subprocess
import sys

import pytest

from modem.sim.control import call
from tests.modem.sim.conftest import wait_for
from tests.modem.sim.process import start_sim

CUSTOMER = "+819012345678"
TEXTS = ["お支払いのお願い🙇", "長文です。" * 40, "Paid in full €5 {ok}"]


def tokusoku(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "appliance.cli", *args], capture_output=True,
                            text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sim")
    process, lines = start_sim("--profile", "quectel", "--link", str(folder / "modem"),
                               "--part-time", "0", "--delivery-delay", "0")
    yield str(folder / "modem"), lines[-1].split("\t")[1]
    process.terminate()
    process.wait(timeout=10)


def test_identify_json_fields(sim):
    device, _ = sim
    info = json.loads(tokusoku("modem", "identify", "--device", device, "--json").stdout)
    assert set(info) == {"manufacturer", "model", "revision", "imei", "signal", "registered", "operator"}
    assert (info["manufacturer"], info["registered"], info["operator"]) == ("Quectel", True, "NTT DOCOMO")


def test_send_delivers_exactly_the_texts(sim):
    device, url = sim
    for text in TEXTS:
        sent = json.loads(tokusoku("modem", "send", "--device", device, "--to", CUSTOMER, "--text", text,
                                   "--json").stdout)
        assert sent["parts"] == len(sent["references"]) >= 1
    phone = lambda: next(h for h in call(url, "/handsets") if h["number"] == CUSTOMER)
    wait_for(lambda: len(phone()["received"]) == len(TEXTS))
    assert [m["text"] for m in phone()["received"]] == TEXTS


def test_inbox_lists_exactly_the_texts_joined(sim):
    device, url = sim
    tokusoku("modem", "inbox", "--device", device, "--delete")
    for text in TEXTS:
        call(url, "/sms", {"from": CUSTOMER, "to": "modem0", "text": text})
    wait_for(lambda: call(url, "/modems")[0]["storages"]["SM"]["used"] >= 1 + 3 + 1)
    listed = json.loads(tokusoku("modem", "inbox", "--device", device, "--json").stdout)
    assert sorted(m["text"] for m in listed) == sorted(TEXTS)
    assert {m["sender"] for m in listed} == {CUSTOMER}
    assert all(set(m) >= {"sender", "text", "timestamp"} for m in listed)


def test_pdu_decode_json_names():
    gammu = "079118092143658711000C911809214365870008FF0E30533093306B3061306F4E16754C"
    decoded = json.loads(tokusoku("pdu", "decode", gammu, "--json").stdout)
    assert {k: decoded[k] for k in ("type", "smsc", "recipient", "text", "encoding", "concat")} == {
        "type": "submit", "smsc": "+819012345678", "recipient": "+819012345678",
        "text": "こんにちは世界", "encoding": "ucs2", "concat": None}


def test_pdu_encode_then_decode():
    parts = json.loads(tokusoku("pdu", "encode", "--to", CUSTOMER, "--text", "督促" * 40, "--json").stdout)
    assert len(parts) == 2
    texts = [json.loads(tokusoku("pdu", "decode", p["pdu"], "--json").stdout)["text"] for p in parts]
    assert "".join(texts) == "督促" * 40


@pytest.mark.parametrize("args, message", [
    (("pdu", "decode", "0011ZZ"), "tokusoku pdu: "),
    (("pdu", "encode", "--to", CUSTOMER, "--text", "あ" * 671), "tokusoku pdu: "),
    (("modem", "identify", "--device", "/dev/does-not-exist"), "cannot open /dev/does-not-exist"),
])
def test_errors_go_to_stderr_without_traceback(args, message):
    result = tokusoku(*args, check=False)
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("recipient", ["abc", "+81-90", "", "+", "0901234567x"])
@pytest.mark.parametrize("command", [("pdu", "encode"), ("modem", "send")])
def test_a_recipient_must_be_a_phone_number(sim, command, recipient):
    device, _ = sim
    extra = ("--device", device) if command[0] == "modem" else ()
    result = tokusoku(*command, *extra, "--to", recipient, "--text", "x", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"recipient {recipient!r} is not a phone number" in result.stderr


def test_watch_prints_what_arrives_until_stopped(sim):
    device, url = sim
    tokusoku("modem", "inbox", "--device", device, "--delete")
    watch = subprocess.Popen([sys.executable, "-m", "appliance.cli", "modem", "watch", "--device", device,
                              "--json", "--delete"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "watching" in watch.stderr.readline()
        call(url, "/sms", {"from": CUSTOMER, "to": "modem0", "text": "見ています👀"})
        record = ""
        while not record.rstrip().endswith("}"):
            record += watch.stdout.readline()
        message = json.loads(record)
        assert (message["type"], message["sender"], message["text"]) == ("deliver", CUSTOMER, "見ています👀")
    finally:
        watch.terminate()
        watch.wait(timeout=10)
