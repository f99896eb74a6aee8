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

from modem.sim.modem import SimModem
from modem.sim.simulator import Simulator

log = logging.getLogger(__name__)


def _inject(modem: SimModem, line: str, where: str = "response") -> None:
    target = modem.faults.after_prompt if where == "prompt" else modem.faults.in_response
    target.append(line)


# kind -> (callable(modem, **args)), the faults a test or an operator can trigger.
FAULTS = {
    "unplug": lambda m, seconds=None: m.unplug(seconds),
    "replug": lambda m: m.replug(),
    "reboot": lambda m: m.reboot(),
    "garbage": lambda m, hex=None: m.send_garbage(bytes.fromhex(hex) if hex else None),
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
        sim = self.simulator
        if self.path == "/modems":
            return self._reply(200, [modem_status(m) for m in sim.modems])
        if self.path == "/handsets":
            return self._reply(200, [h.as_dict() for h in sim.network.handsets.values()])
        self._reply(404, {"error": f"no such resource {self.path}"})

    def do_POST(self):
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            result = self._post(self.path.strip("/").split("/"), body)
        except (KeyError, ValueError, TypeError) as exc:
            return self._reply(400, {"error": str(exc)})
        self._reply(200, result)

    def _post(self, parts: list[str], body: dict):
        sim = self.simulator
        if parts == ["sms"]:
            return {"parts": sim.send_sms(body["from"], str(body["to"]), body["text"])}
        if parts == ["handsets"]:
            return sim.add_handset(**body).as_dict()
        if len(parts) == 3 and parts[0] == "modems" and parts[2] == "fault":
            modem = sim.modem(parts[1])
            kind = body.pop("kind")
            if kind not in FAULTS:
                raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULTS)}")
            FAULTS[kind](modem, **body)
            return modem_status(modem)
        raise KeyError(f"no such resource /{'/'.join(parts)}")

    def _reply(self, status: int, payload) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def call(url: str, path: str, payload: dict | None = None):
    """A client for the control interface (GET without payload, POST with one)."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    request = Request(url + path, data=data, headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=10) as response:
        return json.loads(response.read())
