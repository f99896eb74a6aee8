"""The simulator's local control interface: small JSON over HTTP on 127.0.0.1.

    GET  /modems                       each modem: path, SIM number, profile, state, storages
    GET  /handsets                     each phone and what it received
    POST /sms       {"from", "to", "text"}              a phone sends an SMS to a modem's SIM
    POST /handsets  {"number", "reply", "reply_after", "off_for", "unknown", "slow", "name"}
    POST /modems/<modem>/fault  {"kind": ..., ...}      see FAULTS
"""
from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.request import Request, urlopen

from modem.sim.control_requests import FAULT_FIELDS, HANDSET, NEEDS_PLUG, SMS, BadRequest, check, \
    check_fault, parse_body
from modem.sim.modem import SimModem
from modem.sim.simulator import Simulator

log = logging.getLogger(__name__)


def _inject(modem: SimModem, line: str, where: str = "response") -> None:
    target = modem.faults.after_prompt if where == "prompt" else modem.faults.in_response
    target.append(line)


# kind -> callable(modem, **args), the faults a test or an operator can trigger; their arguments
# are checked by control_requests.FAULT_FIELDS first.
FAULTS = {
    "unplug": lambda m, seconds=None: m.unplug(seconds),
    "replug": lambda m: m.replug(),
    "reboot": lambda m: m.reboot(),
    "garbage": lambda m, hex=None: m.send_garbage(hex),
    "stall_prompt": lambda m: setattr(m.faults, "stall_prompt", True),
    "storage_full": lambda m, full=True: m.set_storage_full(full),
    "sim_busy": lambda m, seconds=10.0: m.set_sim_busy(seconds),
    "inject": _inject,
    "answer_delay": lambda m, seconds=5.0: setattr(m.faults, "answer_delay", seconds),
    "split_urc": lambda m, seconds=0.05: setattr(m.faults, "split_delay", seconds),
    "coverage": lambda m, covered=True: m.set_coverage(covered),
    "ring": lambda m, number, times=3, interval=3.0: m.ring(number, times, interval),
    "urc": lambda m, line: m.urc(line),
}


def modem_status(modem: SimModem) -> dict:
    return {
        "name": modem.name, "path": modem.path, "device": modem.port.path,
        "number": modem.sim.number, "profile": modem.profile.name, "plugged": modem.port.is_open,
        "registered": modem.registered, "sim": modem.sim.state,
        "sent_today": modem.sim.parts_sent(modem.network.now().date()), "daily_cap": modem.sim.daily_cap,
        "storages": {n: {"used": s.used, "capacity": s.capacity} for n, s in modem.storages.by_name.items()},
        "waiting_at_smsc": modem.network.waiting_for(modem.sim.number),
    }


class ControlServer:
    """Serves the control interface for `simulator` on 127.0.0.1:`port` (0: any free port)."""

    def __init__(self, simulator: Simulator, port: int = 0):
        self.simulator = simulator
        handler = type("Handler", (_Handler,), {"simulator": simulator})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="sim-control", daemon=True)

    def start(self) -> "ControlServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    simulator: Simulator

    def log_message(self, fmt, *args):
        log.debug("control: " + fmt, *args)

    def do_GET(self):
        self._answer(self._get)

    def do_POST(self):
        self._answer(self._post)

    def do_PUT(self):
        self._answer(None)

    do_DELETE = do_PATCH = do_PUT

    def _answer(self, handler) -> None:
        """Run `handler`; whatever goes wrong is answered in JSON, never a dropped connection."""
        try:
            if handler is None:
                raise BadRequest(f"{self.command} is not supported; use GET or POST", 405)
            return self._reply(200, handler(self.path.split("?")[0].strip("/").split("/")))
        except BadRequest as exc:
            return self._reply(exc.status, {"error": str(exc)})
        except LookupError as exc:
            return self._reply(404, {"error": exc.args[0] if exc.args else str(exc)})
        except Exception as exc:     # a bug of ours: say so, keep serving
            log.exception("control: %s %s failed", self.command, self.path)
            return self._reply(500, {"error": f"the simulator failed: {exc!r}"})

    def _get(self, parts: list[str]):
        sim = self.simulator
        if parts == ["modems"]:
            return [modem_status(m) for m in sim.modems]
        if parts == ["handsets"]:
            return [h.as_dict() for h in sim.network.handsets.values()]
        raise _no_such(parts, "GET")

    def _post(self, parts: list[str]):
        sim = self.simulator
        body = parse_body(self._read_body())
        if parts == ["sms"]:
            args = check(body, SMS, "/sms")
            try:
                return {"parts": sim.send_sms(args["from"], args["to"], args["text"])}
            except ValueError as exc:       # no SIM has that number
                raise BadRequest(str(exc), 404) from None
        if parts == ["handsets"]:
            return sim.add_handset(**check(body, HANDSET, "/handsets")).as_dict()
        if len(parts) == 3 and parts[0] == "modems" and parts[2] == "fault":
            modem = sim.modem(parts[1])
            kind, args = check_fault(body)
            if kind in NEEDS_PLUG and not modem.port.is_open:
                raise BadRequest(f"{modem.name} is unplugged; replug it before {kind!r}", 409)
            FAULTS[kind](modem, **args)
            return modem_status(modem)
        raise _no_such(parts, "POST")

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            raise BadRequest(f"Content-Length {length!r} is not a number of bytes")
        return self.rfile.read(int(length))

    def _reply(self, status: int, payload) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _no_such(parts: list[str], method: str) -> BadRequest:
    path = "/" + "/".join(parts)
    if path in ("/modems", "/handsets", "/sms") or (len(parts) == 3 and parts[2] == "fault"):
        return BadRequest(f"{method} is not supported on {path}", 405)
    return BadRequest(f"no such resource {path}", 404)


def call(url: str, path: str, payload: dict | None = None):
    """A client for the control interface (GET without payload, POST with one)."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    request = Request(url + path, data=data, headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=10) as response:
        return json.loads(response.read())
