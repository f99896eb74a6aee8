"""How busy the appliance keeps its modems, and the same campaign through gammu-smsd.

a. Software overhead: see pipeline().
b. With 0.2 s of radio time a part and 1, 2, 4 and 8 simulated modems, a campaign of
   BENCH_MESSAGES (default 1000) one-part messages: duration against the ideal
   (messages x 0.2 s / modems). Goal: at least 95 %.
c. The same campaign on 4 modems through gammu-smsd (files backend, one daemon per modem) on
   the same simulator, as packaged and tuned: our throughput divided by gammu-smsd's.
   Goal: at least 1.0. libgammu's AT driver sleeps 0.1 s after the "> " prompt, 0.5 s after
   the PDU and 0.1 s after Ctrl-Z (ATGEN_SendSMS, the last overlapping the radio), so each part
   costs it about 0.8 s where the radio needs 0.2 s, however fast the modem is.
"""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import tempfile
import time
from datetime import time as clock_time
from pathlib import Path

from appliance.app import Appliance
from appliance.clock import Clock, iso
from appliance.config import Config
from appliance.schedule import SendingRules
from appliance.worker import ModemSettings
from modem.sim.network import NetworkSettings
from modem.sim.simulator import Simulator

PART_TIME = 0.2
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1000"))
GAMMU_MODEMS = 4


def _network(part_time: float = PART_TIME) -> Simulator:
    return Simulator(NetworkSettings(part_time=part_time, delivery_delay=0.0, report_delay=0.0, daily_cap=100_000))


def ours(modems: int, messages: int, part_time: float = PART_TIME) -> float:
    """Seconds for the appliance to send `messages` over `modems` simulated modems."""
    folder = Path(tempfile.mkdtemp(prefix="tokusoku-bench-"))
    simulator = _network(part_time)
    settings = [ModemSettings(simulator.add_modem().path, number=None, daily_cap=100_000) for _ in range(modems)]
    settings = [ModemSettings(s.device, number=m.sim.number, daily_cap=100_000)
                for s, m in zip(settings, simulator.modems)]
    rules = SendingRules(quiet_start=clock_time(0), quiet_end=clock_time(0))      # no quiet hours here
    app = Appliance(Config(database=folder / "b.db", modems=settings, rules=rules, tick_seconds=3600), Clock())
    now = iso(app.clock.now())
    with app.db.write() as conn:
        conn.executemany("INSERT INTO outbox (idempotency_key, kind, recipient, body, parts, not_before, created_at,"
                         " updated_at) VALUES (?,?,?,?,?,?,?,?)",
                         [(f"b:{i}", "campaign", f"+8190{i:08d}", f"お支払いのお願い {i}", 1, now, now, now)
                          for i in range(messages)])
    try:
        app.start()
        while not all(w.modem for w in app.workers):
            time.sleep(0.01)
        began = time.perf_counter()
        while app.db.one("SELECT count(*) FROM outbox WHERE status IN ('queued','sending','retry')")[0]:
            time.sleep(0.05)
        return time.perf_counter() - began
    finally:
        app.stop()
        simulator.stop()
        shutil.rmtree(folder, ignore_errors=True)


# gammu-smsd as packaged (defaults but a 1 s loop), and tuned for throughput as its manual
# allows: no sleep between loops (a busy loop), no periodic status, signal, network or PIN checks.
GAMMU_SETTINGS = {"as packaged": "loopsleep = 1\n",
                  "tuned": "loopsleep = 0\nstatusfrequency = 0\ncheckbattery = 0\ncheckSignal = 0\n"
                           "checknetwork = 0\nchecksecurity = 0\nreceivefrequency = 3600\n"}


def gammu(modems: int, messages: int, settings: str) -> tuple[float, float] | None:
    """(seconds, CPU seconds of the daemons) for gammu-smsd, one daemon per modem, to send the
    same campaign; None without it."""
    binary = shutil.which("gammu-smsd")
    if not binary:
        return None
    folder = Path(tempfile.mkdtemp(prefix="tokusoku-gammu-"))
    simulator = _network()
    daemons = []
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        for m in range(modems):
            modem = simulator.add_modem()
            spool = folder / f"smsd{m}"
            for sub in ("inbox", "outbox", "sent", "error"):
                (spool / sub).mkdir(parents=True)
            (spool / "smsdrc").write_text(
                f"[gammu]\ndevice = {modem.path}\nconnection = at\n\n[smsd]\nservice = files\n"
                f"logfile = {spool}/log\ninboxpath = {spool}/inbox/\noutboxpath = {spool}/outbox/\n"
                f"sentsmspath = {spool}/sent/\nerrorsmspath = {spool}/error/\n"
                "transmitformat = unicode\ndeliveryreport = no\ncheckbattery = 0\n"
                + GAMMU_SETTINGS[settings], encoding="utf-8")
            for i in range(m, messages, modems):
                (spool / "outbox" / f"OUT+8190{i:08d}.txt").write_text(f"お支払いのお願い {i}", encoding="utf-8")
        began = time.perf_counter()
        daemons = [subprocess.Popen([binary, "-c", str(folder / f"smsd{m}" / "smsdrc")], cwd=folder,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for m in range(modems)]
        handsets = simulator.network.handsets
        deadline = began + messages * PART_TIME * 20 + 60
        while sum(len(h.received) for h in list(handsets.values())) < messages and time.perf_counter() < deadline:
            time.sleep(0.1)
        seconds = time.perf_counter() - began
    finally:
        for daemon in daemons:
            daemon.terminate()
            daemon.wait(timeout=15)
        simulator.stop()
        shutil.rmtree(folder, ignore_errors=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime


def pipeline(messages: int = 2000) -> dict:
    """a. The whole pipeline (claim, PDU, pty, +CMGS, status report, database) with a modem that
    takes no radio time: messages a second and CPU per message. The simulator runs in the same
    process, so the CPU figure covers both sides."""
    cpu = time.process_time()
    seconds = ours(1, messages, part_time=0.0)
    return {"pipeline_msg_per_s": round(messages / seconds, 1),
            "pipeline_cpu_ms_per_msg_incl_simulator": round((time.process_time() - cpu) / messages * 1000, 2)}


def run() -> dict:
    results = {**pipeline(), "messages": MESSAGES, "part_time_s": PART_TIME}
    seconds = {}
    for modems in (1, 2, 4, 8):
        seconds[modems] = ours(modems, MESSAGES)
        ideal = MESSAGES * PART_TIME / modems
        results[f"utilisation_{modems}_modems"] = round(ideal / seconds[modems], 3)
    results["utilisation_goal"] = ">= 0.95: " + ("met" if min(v for k, v in results.items() if k.startswith("utilisation_")
                                                               and isinstance(v, float)) >= 0.95 else "MISSED")
    ours_rate = MESSAGES / seconds[GAMMU_MODEMS]          # the same campaign, measured above
    results[f"ours_{GAMMU_MODEMS}_modems_msg_per_s"] = round(ours_rate, 2)
    for settings in GAMMU_SETTINGS:
        measured = gammu(GAMMU_MODEMS, MESSAGES, settings)
        name = "gammu_smsd_" + settings.replace(" ", "_")
        if measured is None:
            results[name] = "not installed"
            continue
        gammu_seconds, cpu = measured
        gammu_rate = MESSAGES / gammu_seconds
        results[f"{name}_{GAMMU_MODEMS}_modems_msg_per_s"] = round(gammu_rate, 2)
        results[f"{name}_cpu_ms_per_msg"] = round(cpu / MESSAGES * 1000, 2)
        results[f"ours_over_{name}"] = round(ours_rate / gammu_rate, 2)
    ratios = [v for k, v in results.items() if k.startswith("ours_over_gammu")]
    if ratios:
        results["ours_over_gammu_goal"] = ">= 1.0: " + ("met" if min(ratios) >= 1.0 else "MISSED")
    return results
