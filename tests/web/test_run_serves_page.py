"""`tokusoku run` serves the admin page (the console script composes web over appliance)."""
import signal
import socket
import subprocess
import sys
from urllib.error import HTTPError
from urllib.request import urlopen

from tests.modem.sim.conftest import wait_for


def test_run_serves_the_admin_page(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "t.toml"
    config.write_text(f'[appliance]\ndatabase = "{tmp_path / "t.db"}"\n[web]\nport = {port}\n', encoding="utf-8")
    run = subprocess.Popen([sys.executable, "-m", "web.cli", "run", "--config", str(config)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def health():
        try:
            with urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                return response.status == 200
        except (OSError, HTTPError):
            return False
    try:
        wait_for(health, timeout=20, what="the admin page")
        with urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.url.endswith("/setup") and "管理者を作成" in response.read().decode()
    finally:
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=20) == 0, run.stderr.read()
