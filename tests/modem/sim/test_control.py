"""The control interface of `tokusoku sim` over real HTTP: every bad request is a 4xx with a JSON
error naming what is wrong; the server keeps answering afterwards."""
import http.client
import json

import pytest

from modem.sim.control import ControlServer, call
from modem.sim.network import NetworkSettings
from modem.sim.simulator import Simulator
from tests.modem.sim.conftest import FAST, wait_for

CUSTOMER = "+819012345678"


@pytest.fixture(scope="module")
def simulator():
    sim = Simulator(NetworkSettings(**FAST))
    sim.add_modem("huawei")
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def control(simulator):
    server = ControlServer(simulator).start()
    yield server
    server.stop()


def request(server, method, path, body=None, *, raw=None, headers=None):
    """Send one request; returns (status, decoded JSON). A dropped connection raises."""
    host, port = server.httpd.server_address
    connection = http.client.HTTPConnection(host, port, timeout=10)
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    connection.request(method, path, body=data, headers=headers or {"Content-Type": "application/json"})
    response = connection.getresponse()
    status, payload = response.status, response.read()
    connection.close()
    assert response.getheader("Content-Type", "").startswith("application/json"), payload
    return status, json.loads(payload)


BAD = [
    # (method, path, body or raw bytes, status, words the error must contain)
    ("POST", "/modems/9/fault", {"kind": "reboot"}, 404, ["9", "modem0"]),
    ("POST", "/modems/-1/fault", {"kind": "reboot"}, 404, ["-1"]),
    ("POST", "/modems/nokia/fault", {"kind": "reboot"}, 404, ["nokia"]),
    ("POST", "/modems/0/fault", [1, 2], 400, ["JSON object", "list"]),
    ("POST", "/modems/0/fault", "reboot", 400, ["JSON object", "str"]),
    ("POST", "/modems/0/fault", b"{not json", 400, ["JSON"]),
    ("POST", "/modems/0/fault", b"\xff\xfe", 400, ["JSON"]),
    ("POST", "/modems/0/fault", {}, 400, ["kind", "missing"]),
    ("POST", "/modems/0/fault", {"kind": 3}, 400, ["kind", "string"]),
    ("POST", "/modems/0/fault", {"kind": "explode"}, 400, ["unknown fault 'explode'", "reboot"]),
    ("POST", "/modems/0/fault", {"kind": "reboot", "now": True}, 400, ["reboot", "unknown field 'now'"]),
    ("POST", "/modems/0/fault", {"kind": "unplug", "seconds": "soon"}, 400, ["seconds", "number"]),
    ("POST", "/modems/0/fault", {"kind": "unplug", "seconds": -1}, 400, ["seconds", "negative"]),
    ("POST", "/modems/0/fault", {"kind": "sim_busy", "seconds": True}, 400, ["seconds", "number"]),
    ("POST", "/modems/0/fault", {"kind": "garbage", "hex": "zz"}, 400, ["hex", "hexadecimal"]),
    ("POST", "/modems/0/fault", {"kind": "storage_full", "full": "yes"}, 400, ["full", "true or false"]),
    ("POST", "/modems/0/fault", {"kind": "inject"}, 400, ["line", "missing"]),
    ("POST", "/modems/0/fault", {"kind": "inject", "line": "+CMTI", "where": "x"}, 400, ["where", "prompt"]),
    ("POST", "/modems/0/fault", {"kind": "urc", "line": ["RING"]}, 400, ["line", "string"]),
    ("POST", "/modems/0/fault", {"kind": "urc", "line": "RING\r\nOK"}, 400, ["line", "line end"]),
    ("POST", "/modems/0/fault", {"kind": "ring"}, 400, ["number", "missing"]),
    ("POST", "/modems/0/fault", {"kind": "ring", "number": CUSTOMER, "times": 1.5}, 400, ["times", "whole"]),
    ("POST", "/modems/0/fault", {"kind": "ring", "number": CUSTOMER, "times": 0}, 400, ["times", "at least 1"]),
    ("POST", "/handsets", {"number": "abc"}, 400, ["number", "'abc'"]),
    ("POST", "/handsets", {"number": 819012345678}, 400, ["number", "string"]),
    ("POST", "/handsets", {}, 400, ["number", "missing"]),
    ("POST", "/handsets", {"number": CUSTOMER, "reply_after": "later"}, 400, ["reply_after", "number"]),
    ("POST", "/handsets", {"number": CUSTOMER, "unknown": 1}, 400, ["unknown", "true or false"]),
    ("POST", "/handsets", {"number": CUSTOMER, "colour": "red"}, 400, ["unknown field 'colour'"]),
    ("POST", "/handsets", [CUSTOMER], 400, ["JSON object"]),
    ("POST", "/sms", {"from": CUSTOMER, "to": "modem0"}, 400, ["text", "missing"]),
    ("POST", "/sms", {"from": "+81-abc", "to": "modem0", "text": "x"}, 400, ["from", "'+81-abc'"]),
    ("POST", "/sms", {"from": CUSTOMER, "to": "+817099999999", "text": "x"}, 404, ["+817099999999"]),
    ("POST", "/sms", {"from": CUSTOMER, "to": 7, "text": "x"}, 400, ["to", "string"]),
    ("POST", "/sms", {"from": CUSTOMER, "to": "modem0", "text": None}, 400, ["text", "string"]),
    ("POST", "/nothing", {}, 404, ["/nothing"]),
    ("POST", "/modems", {}, 405, ["POST", "/modems"]),
    ("GET", "/modems/0/fault", None, 405, ["GET", "/modems/0/fault"]),
    ("GET", "/nothing", None, 404, ["/nothing"]),
    ("PUT", "/handsets", {}, 405, ["PUT"]),
    ("DELETE", "/handsets", None, 405, ["DELETE"]),
]


@pytest.mark.parametrize("method, path, body, status, words", BAD, ids=[f"{m} {p} {b!r}"[:60] for m, p, b, *_ in BAD])
def test_bad_request_gets_a_4xx_naming_what_is_wrong(control, method, path, body, status, words):
    raw = body if isinstance(body, bytes) else None
    got, payload = request(control, method, path, None if raw else body, raw=raw)
    assert (got, set(payload)) == (status, {"error"}), payload
    for word in words:
        assert word in payload["error"], payload
    assert "Traceback" not in payload["error"]
    assert request(control, "GET", "/modems")[0] == 200     # still serving


def test_bad_content_length_is_a_400(control):
    status, payload = request(control, "POST", "/handsets", raw=b"{}",
                              headers={"Content-Length": "lots", "Content-Type": "application/json"})
    assert status == 400 and "Content-Length" in payload["error"]


def test_fault_on_an_unplugged_modem_that_needs_it_plugged_is_a_409(control):
    assert call(control.url, "/modems/0/fault", {"kind": "unplug"})["plugged"] is False
    status, payload = request(control, "POST", "/modems/0/fault", {"kind": "reboot"})
    assert status == 409 and "modem0" in payload["error"] and "unplugged" in payload["error"]
    assert call(control.url, "/modems/0/fault", {"kind": "replug"})["plugged"] is True


def test_good_requests_still_work(control, simulator):
    assert call(control.url, "/handsets", {"number": "09012345678", "reply": "はい", "reply_after": 0})["number"] \
        == CUSTOMER
    assert call(control.url, "/sms", {"from": "AMAZON", "to": "modem0", "text": "x"}) == {"parts": 1}
    status = call(control.url, "/modems/0/fault", {"kind": "unplug", "seconds": 0})
    assert status["name"] == "modem0"
    wait_for(lambda: simulator.modems[0].port.is_open, what="replug after 0 s")
    assert call(control.url, "/modems/0/fault", {"kind": "ring", "number": CUSTOMER, "times": 1})["plugged"]
