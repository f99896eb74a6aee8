"""kill -9 of `tokusoku run` during a campaign while replies arrive and modems are unplugged or
reboot, then restart: nothing lost, nothing duplicated, at most one uncertain message per modem
per crash or fault.

The short form runs in `make test`; TOKUSOKU_CHAOS_ROUNDS sets how many kills (default 3).
"""
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from appliance.clock import Clock, iso
from appliance.db import Database
from modem.sim.control import call
from tests.modem.sim.conftest import wait_for
from tests.modem.sim.process import start_sim

ROUNDS = int(os.environ.get("TOKUSOKU_CHAOS_ROUNDS", "3"))
MESSAGES = 500
MODEMS = 2
REPLIES = 20


def seed(db_path, count: int) -> None:
    db = Database(db_path)
    now = iso(Clock().now())
    with db.write() as conn:
        for i in range(count):
            customer = conn.execute("INSERT INTO customers (name, phone, created_at, updated_at) VALUES (?,?,?,?)",
                                    (f"顧客{i}", f"+8190{i:08d}", now, now)).lastrowid
            conn.execute("INSERT INTO outbox (idempotency_key, kind, customer_id, recipient, body, parts, not_before,"
                         " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                         (f"campaign:chaos:{customer}", "campaign", customer, f"+8190{i:08d}",
                          f"年末のご案内 {i}", 1, now, now, now))
    db.close()


def status_counts(db_path) -> dict[str, int]:
    db = Database(db_path)
    try:
        return {r[0]: r[1] for r in db.query("SELECT status, count(*) FROM outbox WHERE kind='campaign' GROUP BY status")}
    finally:
        db.close()


@pytest.mark.timeout(600)
def test_kill_9_during_a_campaign_loses_and_duplicates_nothing(tmp_path):
    sim, lines = start_sim("--modems", str(MODEMS), "--link", str(tmp_path / "modem"), "--part-time", "0.05",
                           "--delivery-delay", "0", "--daily-cap", "1000")
    url = lines[-1].split("\t")[1]
    numbers = [line.split("\t")[2].split()[1] for line in lines[:MODEMS]]
    db_path = tmp_path / "chaos.db"
    seed(db_path, MESSAGES)
    config = tmp_path / "chaos.toml"
    config.write_text(f'[appliance]\ndatabase = "{db_path}"\ntick_seconds = 3600\n'
                      '[sending]\nquiet_start = "00:00"\nquiet_end = "00:00"\ndaily_cap = 1000\n'
                      + "".join(f'[[modems]]\ndevice = "{tmp_path}/modem{i}"\nnumber = "{n}"\n'
                                for i, n in enumerate(numbers)), encoding="utf-8")
    rng = random.Random(7)
    replies_sent = 0
    crashes = faults = 0
    try:
        for round_ in range(ROUNDS + 1):
            run = subprocess.Popen([sys.executable, "-m", "appliance.cli", "run", "--config", str(config)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + rng.uniform(0.8, 2.0)
            while time.monotonic() < deadline and replies_sent < REPLIES:
                call(url, "/sms", {"from": f"+8180{replies_sent:08d}", "to": f"modem{rng.randrange(MODEMS)}",
                                   "text": f"返信{replies_sent} 払いました🙏" + "。" * rng.choice([0, 80])})
                replies_sent += 1
                time.sleep(0.05)
            if round_ < ROUNDS:
                time.sleep(max(0.0, deadline - time.monotonic()) / 2)
                fault = rng.choice(["unplug", "reboot", None])      # the modems misbehave too
                if fault:
                    call(url, f"/modems/modem{rng.randrange(MODEMS)}/fault",
                         {"kind": fault, **({"seconds": rng.uniform(0.2, 1.0)} if fault == "unplug" else {})})
                    faults += 1
                time.sleep(max(0.0, deadline - time.monotonic()))
                run.send_signal(signal.SIGKILL)
                run.wait(timeout=10)
                crashes += 1
        try:
            wait_for(lambda: not {"queued", "sending", "retry"} & set(status_counts(db_path)), timeout=120)
        except AssertionError:
            raise AssertionError(f"the campaign did not finish: {status_counts(db_path)}") from None
        wait_for(lambda: Database(db_path).one("SELECT count(*) FROM inbox")[0] == REPLIES, timeout=30,
                 what="every reply")
    finally:
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=20)
        handsets = call(url, "/handsets")
        sim.terminate()
        sim.wait(timeout=10)

    counts = status_counts(db_path)
    db = Database(db_path)
    statuses = dict(db.query("SELECT body, status FROM outbox WHERE kind='campaign'"))
    received = [m["text"] for h in handsets for m in h["received"]]
    recorded_as_sent = {body for body, status in statuses.items() if status in ("sent", "delivered")}
    report = {"crashes": crashes, "modem faults": faults, **counts,
              "lost": len(recorded_as_sent - set(received)),
              "duplicated": len(received) - len(set(received)),
              "uncertain but received": len({b for b, s in statuses.items() if s == "uncertain"} & set(received)),
              "integrity_check": db.one("PRAGMA integrity_check")[0]}
    print("chaos:", ", ".join(f"{key} {value}" for key, value in report.items()))
    assert sum(counts.values()) == MESSAGES
    assert set(counts) <= {"sent", "delivered", "failed", "cancelled", "uncertain"}, counts
    assert set(received) <= set(statuses), "a handset got a message nobody sent"
    assert report["lost"] == 0 and report["duplicated"] == 0, report
    # At most one per modem per kill (each kill stops both modems' sends) or fault (one modem's).
    assert counts.get("uncertain", 0) <= MODEMS * crashes + faults, counts
    texts = sorted(r[0] for r in db.query("SELECT text FROM inbox"))
    assert len(texts) == REPLIES == len(set(texts))
    assert report["integrity_check"] == "ok"
