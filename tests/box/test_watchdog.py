"""sd_notify over a fake $NOTIFY_SOCKET: READY=1, WATCHDOG=1 only while the scheduler and every
modem worker are alive (a hung worker stops the pings), STOPPING=1."""
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from appliance import watchdog
from appliance.watchdog import Watchdog
from tests.appliance.conftest import make_app, network, smtp  # noqa: F401
from tests.modem.sim.conftest import simulator, wait_for  # noqa: F401


class NotifySocket:
    """What systemd listens on: a unix datagram socket; every message is kept with its time."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.05)
        self.messages: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            self.messages.append((time.monotonic(), data.decode()))

    def pings_since(self, moment: float) -> int:
        return sum(1 for at, text in list(self.messages) if at >= moment and text == "WATCHDOG=1")

    def texts(self) -> list[str]:
        return [text for _, text in list(self.messages)]

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def notify_socket(tmp_path):
    listener = NotifySocket(tmp_path / "notify")
    yield listener
    listener.close()


def test_a_hung_worker_stops_the_pings(make_app, notify_socket):
    app = make_app(modems=2)
    app.start()
    wait_for(lambda: all(w.modem for w in app.workers), what="modems connected")
    dog = Watchdog(app, address=notify_socket.path, interval=0.05, stale_after=0.5)
    dog.start()
    wait_for(lambda: notify_socket.pings_since(0) >= 5, what="pings")
    assert notify_socket.texts()[0] == "READY=1\nSTATUS=running"

    release = threading.Event()
    hung_worker = app.workers[1]
    carry_on = hung_worker._send_one
    hung_worker._send_one = lambda: release.wait() or carry_on()     # stuck inside its loop
    try:
        wait_for(lambda: any(t.startswith("STATUS=hung") for t in notify_socket.texts()), what="pings stopped")
        stopped = time.monotonic()
        wait_for(lambda: time.monotonic() - stopped > 0.5, what="a while")      # ten ping intervals
        assert notify_socket.pings_since(stopped) == 0
        modems = watchdog.health(app, stale_after=0.5)["modems"]
        assert [m["alive"] for m in modems] == [True, False]
        hung = next(t for t in notify_socket.texts() if t.startswith("STATUS=hung"))
        assert hung_worker.settings.device in hung
        hung_worker._send_one = carry_on
        release.set()
        back = time.monotonic()
        wait_for(lambda: notify_socket.pings_since(back) >= 3, what="pings again")   # it came round again
    finally:
        release.set()
        dog.stop()
    wait_for(lambda: "STOPPING=1" in notify_socket.texts(), what="STOPPING=1 read by the listener")
    assert notify_socket.texts()[-1] == "STOPPING=1"                     # and nothing after it


def test_a_stopped_scheduler_stops_the_pings(make_app, notify_socket):
    app = make_app(modems=1)
    app.start()
    dog = Watchdog(app, address=notify_socket.path, interval=0.05)
    dog.start()
    wait_for(lambda: notify_socket.pings_since(0) >= 2, what="pings")
    try:
        app.scheduler.shutdown(wait=False)
        wait_for(lambda: any(t.startswith("STATUS=hung") for t in notify_socket.texts()), what="pings stopped")
        stopped = time.monotonic()
        wait_for(lambda: time.monotonic() - stopped > 0.3, what="a while")
        assert notify_socket.pings_since(stopped) == 0
    finally:
        dog.stop()


def test_a_hung_scheduler_job_stops_the_pings_and_status_names_it(make_app, notify_socket):
    """The scheduler keeps `running` while its reminder tick hangs: the job itself must be seen."""
    app = make_app(modems=1)
    release = threading.Event()
    carry_on = app.tick
    app.tick = lambda: release.wait() and carry_on()             # the first tick hangs until released
    dog = Watchdog(app, address=notify_socket.path, interval=0.05, job_limit=0.5)    # before the first tick
    app.start()
    dog.start()
    try:
        wait_for(lambda: any(t.startswith("STATUS=hung") for t in notify_socket.texts()), what="pings stopped")
        assert app.scheduler.running
        hung = next(t for t in notify_socket.texts() if t.startswith("STATUS=hung"))
        assert "reminders" in hung, hung
        stopped = time.monotonic()
        wait_for(lambda: time.monotonic() - stopped > 0.5, what="a while")      # ten ping intervals
        assert notify_socket.pings_since(stopped) == 0
        state = watchdog.health(app, job_limit=0.5)
        assert not state["ok"] and [j["job"] for j in state["jobs"]] == ["reminders"]
        release.set()
        back = time.monotonic()
        wait_for(lambda: notify_socket.pings_since(back) >= 3, what="pings again after the tick returned")
        assert watchdog.health(app, job_limit=0.5)["jobs"] == []
    finally:
        release.set()
        dog.stop()


def test_a_quick_job_never_counts_as_hung(make_app):
    """Jobs that end (even before their submission is reported) leave nothing running behind."""
    app = make_app(modems=1)
    done = threading.Event()
    dog = Watchdog(app, address="", job_limit=0.0)
    app.start()
    for i in range(20):
        app.scheduler.add_job(lambda: None, id=f"quick{i}")
    app.scheduler.add_job(done.set, id="last")
    wait_for(done.is_set, what="the jobs ran")
    wait_for(lambda: watchdog.hung_jobs(app, job_limit=0.0) == [], what="every job seen to end")
    assert dog is not None


def test_tokusoku_run_notifies_systemd(tmp_path, notify_socket):
    """The runner's hook: READY=1 after start, pings at half of $WATCHDOG_USEC, STOPPING=1 on SIGTERM."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "t.toml").write_text(f'[appliance]\ndatabase = "{tmp_path / "t.db"}"\n[web]\nport = {port}\n')
    env = {"NOTIFY_SOCKET": notify_socket.path, "WATCHDOG_USEC": "200000", "PATH": "/usr/bin:/bin"}
    run = subprocess.Popen([sys.executable, "-m", "web.cli", "run", "--config", str(tmp_path / "t.toml")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        wait_for(lambda: notify_socket.pings_since(0) >= 3, timeout=30, what="READY and pings")
        assert notify_socket.texts()[0] == "READY=1\nSTATUS=running"
    finally:
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=20) == 0, run.stderr.read()
    assert "STOPPING=1" in notify_socket.texts()
