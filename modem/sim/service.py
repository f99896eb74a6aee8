"""`tokusoku sim`: virtual modems for other programs, until stopped."""
from __future__ import annotations

import signal
import sys
import threading

from modem.sim.control import ControlServer
from modem.sim.network import NetworkSettings
from modem.sim.simulator import Simulator


def build(*, modems: int = 1, profile: str = "generic", script: str | None = None,
          links: list[str] | None = None, part_time: float | None = None,
          delivery_delay: float | None = None, daily_cap: int | None = None) -> Simulator:
    """A simulator from a script, or `modems` modems of one profile with the given links."""
    timing = {"part_time": part_time, "delivery_delay": delivery_delay, "daily_cap": daily_cap}
    if script:
        return Simulator.from_script(script, **timing)
    links = list(links or [])
    if len(links) == 1 and modems > 1:
        links = [f"{links[0]}{i}" for i in range(modems)]
    simulator = Simulator(NetworkSettings(**{k: v for k, v in timing.items() if v is not None}))
    try:
        for i in range(modems):
            simulator.add_modem(profile, link=links[i] if i < len(links) else None)
    except Exception:
        simulator.stop()
        raise
    return simulator


def describe(simulator: Simulator, control_url: str | None) -> str:
    """What a user needs to reach the simulator: one line per modem, then the control URL."""
    lines = []
    for modem in simulator.modems:
        link = f" -> {modem.port.link}" if modem.port.link else ""
        lines.append(f"{modem.name}\t{modem.port.path}{link}\tSIM {modem.sim.number}\t({modem.profile.name})")
    if control_url:
        lines.append(f"control\t{control_url}")
    return "\n".join(lines)


def serve(simulator: Simulator, control_port: int = 0) -> None:
    """Print the devices and the control URL, then run until SIGINT or SIGTERM."""
    control = ControlServer(simulator, control_port).start()
    print(describe(simulator, control.url), flush=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    try:
        done.wait()
    finally:
        control.stop()
        simulator.stop()
        print("simulator stopped", file=sys.stderr, flush=True)
