"""`tokusoku run` with no configuration: the built-in demo, as a newcomer first starts it.

It runs in a fresh working directory (state under ./var), on a free port, and must show what
it promises: the admin page URL, the modem devices and the simulator's control interface;
reminders that go out and are delivered; a customer's reply in the inbox; a clean stop on Ctrl-C.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.request import urlopen

import pytest

from modem.sim.control import call
from tests.modem.sim.conftest import wait_for

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo(tmp_path):
    """The demo process started in tmp_path; yields (process, printed lines, stderr file)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NOTIFY_SOCKET", None)
    stderr = (tmp_path / "stderr.txt").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "web.cli", "run", "--port", str(port)], cwd=tmp_path,
                               env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()
    yield process, lines, port, tmp_path
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
    stderr.close()


def state(tmp_path: Path, what: str) -> list[dict]:
    result = subprocess.run([sys.executable, "-m", "appliance.cli", "--db", str(tmp_path / "var" / "demo.db"),
                             what, "--json"], capture_output=True, text=True, timeout=30, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def answers(url: str) -> bool:
    try:
        return urlopen(url, timeout=5).status == 200
    except OSError:
        return False


def printed(lines: list[str], words: str) -> str | None:
    return next((line for line in list(lines) if words in line), None)


def test_demo_without_config_sends_hears_a_reply_and_stops_on_ctrl_c(demo):
    process, lines, port, cwd = demo
    stderr = cwd / "stderr.txt"
    admin = f"http://127.0.0.1:{port}/"
    wait_for(lambda: printed(lines, admin) or process.poll() is not None, timeout=60, what="the admin page URL")
    assert process.poll() is None, stderr.read_text()
    for i in (0, 1):
        assert printed(lines, str(cwd / "var" / f"modem{i}")), lines          # the modem devices
    controls = [word for line in lines for word in line.split() if word.startswith("http://") and admin not in word]
    assert controls, f"no way to reach the simulator's control interface printed: {lines}"
    assert [m["profile"] for m in call(controls[0].rstrip("/"), "/modems")] == ["quectel", "huawei"]
    wait_for(lambda: answers(admin + "login"), timeout=30, what="the admin page answering")

    wait_for(lambda: any(m["status"] == "delivered" for m in state(cwd, "outbox")), timeout=90,
             what="a demo reminder delivered")
    reminders = [m for m in state(cwd, "outbox") if m["kind"] == "reminder"]
    assert {m["status"] for m in reminders} & {"sent", "delivered"}
    customers = {m["recipient"] for m in reminders}
    wait_for(lambda: any(r["sender"] in customers for r in state(cwd, "inbox")), timeout=90,
             what="a demo customer's reply in the inbox")

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert "Traceback" not in stderr.read_text()


def test_demo_on_a_port_already_taken_stops_and_says_how_to_choose_another(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        env.pop("NOTIFY_SOCKET", None)
        result = subprocess.run([sys.executable, "-m", "web.cli", "run", "--port", str(port)], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"127.0.0.1:{port}" in result.stderr and "--port" in result.stderr, result.stderr
    assert f"http://127.0.0.1:{port}/" not in result.stdout          # no admin page promised that is not there
    assert "Traceback" not in result.stderr
