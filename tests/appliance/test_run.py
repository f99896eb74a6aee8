"""`tokusoku run` with a configuration file, the state commands, and configuration errors."""
import json
import signal
import subprocess
import sys

import pytest

from appliance.config import ConfigError, from_dict, load
from tests.appliance.conftest import add_invoice
from tests.modem.sim.conftest import wait_for
from tests.modem.sim.process import start_sim


def test_run_with_a_config_sends_and_the_state_commands_show_it(tmp_path):
    sim, lines = start_sim("--link", str(tmp_path / "modem"), "--part-time", "0", "--delivery-delay", "0")
    number = lines[0].split("\t")[2].split()[1]
    db = tmp_path / "t.db"
    (tmp_path / "t.toml").write_text(f"""
[appliance]
database = "{db}"
company = "テスト商事"
tick_seconds = 1

[sending]
quiet_start = "00:00"
quiet_end = "00:00"

[[modems]]
device = "{tmp_path / 'modem'}"
number = "{number}"
""", encoding="utf-8")
    from appliance.db import Database
    from appliance.clock import Clock
    database = Database(db)
    holder = type("A", (), {"db": database, "clock": Clock()})()
    add_invoice(holder, "INV-1", "山田 太郎", "+819012345678", 1000, "2020-01-01")
    run = subprocess.Popen([sys.executable, "-m", "appliance.cli", "run", "--config", str(tmp_path / "t.toml")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def outbox():
            result = subprocess.run([sys.executable, "-m", "appliance.cli", "--db", str(db), "outbox", "--json"],
                                    capture_output=True, text=True, timeout=30)
            return json.loads(result.stdout or "[]")
        wait_for(lambda: [m["status"] for m in outbox()] == ["delivered"], timeout=20, what="a delivered reminder")
        assert outbox()[0]["body"].startswith("山田 太郎様 テスト商事です。")
        text = subprocess.run([sys.executable, "-m", "appliance.cli", "--db", str(db), "outbox"],
                              capture_output=True, text=True, timeout=30).stdout
        assert "配達済" in text
    finally:
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=20) == 0, run.stderr.read()
        sim.terminate()
        sim.wait(timeout=10)


@pytest.mark.parametrize("text, message", [
    ("[appliance]\ncompnay = 'x'\n", "[appliance]: unknown key 'compnay'"),
    ("[[modems]]\nnumber = '+8170'\n", "[[modems]] #1: device is required"),
    ("[sending]\nquiet_start = '9pm'\n", "[sending] quiet_start: '9pm' is not a time"),
    ("[sending]\ndaily_cap = '200'\n", "[sending] daily_cap: expected a whole number"),
    ("[[modems]]\ndevice = '/dev/x'\nflow = 'cts'\n", "flow: 'cts' is not one of"),
    ("[extra]\n", "unknown section [extra]"),
    ("[appliance\n", "not valid TOML"),
])
def test_bad_config_names_file_and_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load(path)
    assert message in str(info.value) and str(path) in str(info.value)
    result = subprocess.run([sys.executable, "-m", "appliance.cli", "run", "--config", str(path)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_defaults():
    config = from_dict({})
    assert (config.rules.quiet_start.hour, config.rules.quiet_end.hour, str(config.rules.zone)) == (21, 8, "Asia/Tokyo")
    assert config.modems == [] and config.smtp is None


def test_inbox_command_shows_replies_newest_first_as_text_and_json(tmp_path):
    from datetime import datetime
    from appliance.clock import TOKYO
    from appliance.db import Database
    from appliance.outbox import Outbox
    from appliance.replies import Inbox
    from modem import pdu
    db_path = tmp_path / "t.db"

    def inbox(*args):
        result = subprocess.run([sys.executable, "-m", "appliance.cli", "--db", str(db_path), "inbox", *args],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        return result.stdout
    database = Database(db_path)
    assert "（受信はありません）" in inbox() and json.loads(inbox("--json")) == []
    now = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
    add_invoice(type("A", (), {"db": database, "clock": type("C", (), {"now": lambda self: now})()})(),
                "INV-1", "山田 太郎", "+819012345678", 1000, "2026-12-10")
    with database.write() as conn:
        conn.execute("INSERT INTO sims (id, number) VALUES (1, '+817000000001')")
    box = Inbox(database, Outbox(database))
    for text in ("来週払います", "停止"):
        (part,) = pdu.encode_deliver("09012345678", text, now)
        box.store_part(1, part.hex, pdu.decode(part.hex), now)
    box.record_call(1, "+818011112222", now)
    database.close()
    rows = json.loads(inbox("--json"))
    assert [(r["sender"], r["customer"], r["kind"], r["rule"], r["text"]) for r in rows] == [
        ("+818011112222", None, "call", None, "（不在着信）"),
        ("+819012345678", "山田 太郎", "sms", "opt-out", "停止"),
        ("+819012345678", "山田 太郎", "sms", None, "来週払います")]
    assert rows[1]["conversation_id"] == rows[2]["conversation_id"] and rows[2]["received_at"].startswith("2026-12-07T01:00")
    lines = inbox().splitlines()
    assert len(lines) == 3 and "2026-12-07 10:00 山田 太郎: 停止  [opt-out]" in lines[1]
    assert "+818011112222: （不在着信）" in lines[0]
    assert len(json.loads(inbox("--json", "--limit", "1"))) == 1
