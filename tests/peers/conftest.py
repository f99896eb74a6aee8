"""Real modem software (gammu, gammu-smsd, smstools, python-gsmmodem-new) against the simulator.

Each external program runs in its own tmp_path working directory with its own config (made from
the templates in configs/, which come from ../shared/testdata/peer-clients/), under a timeout, and
everything it printed or logged is shown when a test fails. Tests are skipped only when the program
is not installed (`make test` installs them).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from modem.sim.network import NetworkSettings
from modem.sim.simulator import Simulator
from tests.modem.sim.conftest import wait_for

CONFIGS = Path(__file__).parent / "configs"
CLIENT_ENV = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
CUSTOMER = "+819012345678"
# Delivery and its report come a moment after +CMGS, as on a real network.
PEER_SETTINGS = dict(part_time=0.0, delivery_delay=0.1, report_delay=0.1)


def require(program: str) -> str:
    """The program's path; skips the test, saying what to install, when it is missing."""
    path = shutil.which(program) or next(
        (p for p in (f"/usr/sbin/{program}", f"/usr/bin/{program}") if os.access(p, os.X_OK)), None)
    if path is None:
        pytest.skip(f"{program} is not installed (apt-get install gammu gammu-smsd smstools; "
                    f"`make test` does it)")
    return path


def config_from_template(name: str, target: Path, **values: str) -> Path:
    """Copy configs/<name> to `target`, replacing each "{key}" placeholder line value.

    Templates are the peer-clients examples verbatim; `values` maps "old text" -> "new text".
    """
    text = (CONFIGS / name).read_text(encoding="utf-8")
    for old, new in values.items():
        assert old in text, f"{old!r} not in template {name}"
        text = text.replace(old, new)
    target.write_text(text, encoding="utf-8")
    return target


def _logs(cwd: Path) -> str:
    """Every *.log file a client wrote under its working directory, for failure messages."""
    parts = []
    for path in sorted(cwd.rglob("*")):
        if path.is_file() and path.suffix in (".log",):
            text = path.read_text(encoding="utf-8", errors="replace")
            parts.append(f"--- {path.relative_to(cwd)} (last 6000 chars) ---\n{text[-6000:]}")
    return "\n".join(parts)


class ClientFailed(AssertionError):
    """An external client failed; the message carries its output and logs."""


def run_client(args: list[str], cwd: Path, timeout: float = 60.0) -> subprocess.CompletedProcess:
    """Run one client command to completion in `cwd`; fail with all its output if rc != 0."""
    result = run_client_unchecked(args, cwd, timeout)
    if result.returncode != 0:
        raise ClientFailed(describe(result, cwd))
    return result


def run_client_unchecked(args: list[str], cwd: Path, timeout: float = 60.0) -> subprocess.CompletedProcess:
    """Run one client command to completion in `cwd`, whatever its exit status (fails on timeout)."""
    return run_clients([(args, cwd)], timeout)[0]


def run_clients(commands: list[tuple[list[str], Path]], timeout: float = 60.0) -> list[subprocess.CompletedProcess]:
    """Run several client commands at once (each in its own working directory), wait for all.

    gammu spends ~4 s in its own start-up pauses whatever the modem does, so a sweep over the
    simulator's profiles runs them side by side, each against its own modem.
    """
    processes = [(subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True, env=CLIENT_ENV), args, cwd)
                 for args, cwd in commands]
    results = []
    for process, args, cwd in processes:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            raise ClientFailed(f"{args} did not finish in {timeout}s\nstdout:\n{_text(out)}\n"
                               f"stderr:\n{_text(err)}\n{_logs(cwd)}") from None
        results.append(subprocess.CompletedProcess(args, process.returncode, _text(out), _text(err)))
    return results


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", "replace")


def describe(result: subprocess.CompletedProcess, cwd: Path) -> str:
    return (f"{result.args} exited {result.returncode}\nstdout:\n{result.stdout}\n"
            f"stderr:\n{result.stderr}\n{_logs(cwd)}")


class Daemon:
    """A long-running client (gammu-smsd, smsd) in the foreground, stopped cleanly by SIGTERM."""

    def __init__(self, args: list[str], cwd: Path):
        self.args, self.cwd = args, cwd
        self.output = cwd / "daemon-output.log"
        self._out = open(self.output, "wb")
        self.process = subprocess.Popen(args, cwd=cwd, stdout=self._out, stderr=subprocess.STDOUT,
                                        start_new_session=True, env=CLIENT_ENV)

    def wait_for(self, predicate, timeout: float, what: str):
        """Wait for `predicate`; on timeout (or if the daemon died) fail with its logs."""
        def check():
            if self.process.poll() is not None:
                raise ClientFailed(f"{self.args} exited early ({self.process.returncode}) "
                                   f"while waiting for {what}\n{_logs(self.cwd)}")
            return predicate()
        try:
            return wait_for(check, timeout=timeout, what=what)
        except AssertionError as exc:
            if isinstance(exc, ClientFailed):
                raise
            raise ClientFailed(f"{exc} ({self.args})\n{_logs(self.cwd)}") from None

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM to the daemon's process group, then SIGKILL if it does not end in time."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._out.close()
        return self.process.returncode

    def __enter__(self) -> "Daemon":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@pytest.fixture
def simulator():
    sim = Simulator(NetworkSettings(**PEER_SETTINGS))
    yield sim
    sim.stop()


def wait_until_stored(modem, count: int, timeout: float = 10.0) -> None:
    """Wait until `count` messages sit in the modem's receive storage and none wait at the SMSC."""
    wait_for(lambda: modem.storages.receive_storage.used >= count
             and modem.network.waiting_for(modem.sim.number) == 0,
             timeout=timeout, what=f"{count} messages stored in the modem")
