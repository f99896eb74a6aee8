"""Simulator and engine benchmarks, side by side in one run.

a. AT round trips per second over a real pty (AT -> OK), through pyserial.
b. SMS sends per second with zero radio time (AT+CMGS, prompt, PDU, +CMGS), one modem.
c. The same with 0.05 s radio time per part against the ideal (parts x 0.05 s): how much the
   simulator itself adds to a modem's time.
"""
from __future__ import annotations

import time

from modem import pdu
from modem.sim.network import NetworkSettings
from modem.sim.simulator import Simulator
from tests.modem.sim.atclient import AtClient

def _round_trips(client: AtClient, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        client.raw("AT")
    return count / (time.perf_counter() - start)


def _sends(client: AtClient, count: int) -> tuple[float, float]:
    (part,) = pdu.encode_submit("+819012345678", "お支払いのお願い")
    cpu, start = time.process_time(), time.perf_counter()
    for _ in range(count):
        client.send_pdu(part.hex, part.tpdu_length)
    return count / (time.perf_counter() - start), (time.process_time() - cpu) / count


def run() -> dict:
    """The figures, by name."""
    results = {}
    sim = Simulator(NetworkSettings(part_time=0.0, delivery_delay=0.0, report_delay=0.0))
    try:
        client = AtClient(sim.add_modem().path)
        client.ok("ATE0")
        results["at_round_trips_per_s"] = round(_round_trips(client, 2000), 1)
        rate, cpu = _sends(client, 500)
        results["sends_per_s_zero_radio_time"] = round(rate, 1)
        results["cpu_ms_per_send_both_sides"] = round(cpu * 1000, 3)
        sim.network.settings.part_time = 0.05
        rate, _ = _sends(client, 60)
        results["radio_time_utilisation_at_0.05s"] = round(rate * 0.05, 3)
        client.close()
    finally:
        sim.stop()
    return results
