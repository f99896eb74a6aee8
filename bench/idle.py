"""Idle cost of `tokusoku run` with web, scheduler and 4 modems (goals: < 1 % of a core, < 80 MB).

The appliance runs as its own process against `tokusoku sim` (another process); CPU time and
resident memory are read from /proc while nothing is queued.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.modem.sim.process import start_sim

SETTLE, MEASURE = 5.0, 20.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run() -> dict:
    folder = Path(tempfile.mkdtemp(prefix="tokusoku-idle-"))
    sim, lines = start_sim("--modems", "4", "--link", str(folder / "modem"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    numbers = [line.split("\t")[2].split()[1] for line in lines[:4]]
    config = folder / "idle.toml"
    config.write_text(f'[appliance]\ndatabase = "{folder / "idle.db"}"\n[web]\nport = {port}\n'
                      + "".join(f'[[modems]]\ndevice = "{folder}/modem{i}"\nnumber = "{n}"\n'
                                for i, n in enumerate(numbers)), encoding="utf-8")
    run = subprocess.Popen([sys.executable, "-m", "web.cli", "run", "--config", str(config)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(SETTLE)
        before = _cpu_seconds(run.pid)
        time.sleep(MEASURE)
        cpu = (_cpu_seconds(run.pid) - before) / MEASURE * 100
        rss = _rss_mb(run.pid)
    finally:
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=20)
        sim.terminate()
        sim.wait(timeout=10)
    return {"idle_cpu_percent_of_a_core": round(cpu, 2), "idle_cpu_goal": f"< 1 %: {'met' if cpu < 1 else 'MISSED'}",
            "rss_mb_web_scheduler_4_modems": round(rss, 1),
            "rss_goal": f"< 80 MB: {'met' if rss < 80 else 'MISSED'}"}
