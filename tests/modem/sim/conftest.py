"""Simulators with zero delays and clients on real pseudo-terminals."""
import pytest

from modem.sim.network import NetworkSettings
from modem.sim.simulator import Simulator
from tests.modem.sim.atclient import AtClient

FAST = dict(part_time=0.0, delivery_delay=0.0, report_delay=0.0)


@pytest.fixture
def simulator():
    sim = Simulator(NetworkSettings(**FAST))
    yield sim
    sim.stop()


@pytest.fixture
def modem(simulator):
    return simulator.add_modem("generic")


@pytest.fixture
def client(modem):
    at = AtClient(modem.path)
    at.ok("ATE0")
    yield at
    at.close()


def wait_for(predicate, timeout: float = 5.0, what: str = "condition"):
    """Poll `predicate` until true, failing after `timeout` seconds."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)
