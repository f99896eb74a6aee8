"""The built-in demo: what `tokusoku run` does with no configuration.

State under ./var; two simulated modems; customers whose phones reply some of the time; a staff
phone that is told of every reply; invoices due around today, so plan steps are due at once.
Quiet hours hold in the demo too: started at night, the demo clock begins at 10:00 instead.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from pathlib import Path

from appliance.app import Appliance
from appliance.clock import Clock
from appliance.config import Config, StaffMember
from appliance.importing import import_invoices
from appliance.phones import national
from appliance.schedule import allowed
from appliance.worker import ModemSettings
from modem.sim.network import NetworkSettings
from modem.sim.simulator import Simulator

log = logging.getLogger(__name__)

STAFF = StaffMember("佐藤（経理）", phone="+819099990000", email=None)
# name, phone, days from today to the due date, amount, how the phone behaves
CUSTOMERS = (
    ("山田 太郎", "+819012340001", -3, 12000, dict(reply="本日振り込みました。", reply_after=8)),
    ("株式会社サンプル商事", "+819012340002", 0, 120000, dict(reply="来週払います🙏 すみません", reply_after=12)),
    ("髙橋 花子", "+818012340003", 3, 33000, {}),
    ("鈴木 一郎", "+817012340004", -7, 15000, dict(off_for=90)),
    ("渡辺①商店", "+819012340005", -14, 1980, dict(reply="停止", reply_after=20)),
    ("小林 さくら", "+817012340006", 3, 3300, dict(reply="請求書の金額が違うようです。確認お願いします。" * 2,
                                                  reply_after=15)),
    ("(存在しない番号)", "+819012349999", 0, 5000, dict(unknown=True)),
)


def demo_clock(now: datetime, config: Config, speed: float) -> Clock:
    """Real time -- unless that is before the plans' 10:00 or inside quiet hours: then today
    10:00 in the business zone, so that the demo shows reminders going out at any hour."""
    local = now.astimezone(config.rules.zone)
    if allowed(now, config.rules) and local.time() >= time(10, 0):
        return Clock(speed=speed)
    morning = datetime.combine(local.date(), time(10, 0), tzinfo=config.rules.zone)
    return Clock(offset=morning - now, speed=speed)


def build(state: Path = Path("var")) -> tuple[Simulator, Config]:
    state.mkdir(parents=True, exist_ok=True)
    simulator = Simulator(NetworkSettings(part_time=(0.5, 1.5), delivery_delay=1.0))
    modems = []
    for i, profile in enumerate(("quectel", "huawei")):
        sim_modem = simulator.add_modem(profile, link=str(state.resolve() / f"modem{i}"))
        modems.append(ModemSettings(sim_modem.path, number=sim_modem.sim.number))   # the default cap
    simulator.add_handset(STAFF.phone, name=STAFF.name)
    for name, phone, _, _, behaviour in CUSTOMERS:
        simulator.add_handset(phone, name=name, **behaviour)
    config = Config(database=state / "demo.db", company="トクソク商事", contact_phone="03-1234-5678",
                    tick_seconds=20, modems=modems, staff=[STAFF])
    return simulator, config


def seed_invoices(app: Appliance, today: date) -> int:
    """The demo customers and invoices (once; a restarted demo keeps its history), imported as
    staff would: a Shift_JIS CSV in the shape Excel saves, through the same importer."""
    if app.db.one("SELECT 1 FROM invoices LIMIT 1"):
        return 0
    rows = ["請求書番号,取引先名,電話番号,請求金額,支払期日"]
    for i, (name, phone, due_in, amount, _) in enumerate(CUSTOMERS, start=1):
        due = today + timedelta(days=due_in)
        rows.append(f'DEMO-{i:04d},{name},{national(phone)},"￥{amount:,}",{due.year}/{due.month}/{due.day}')
    report = import_invoices(app.db, ("\r\n".join(rows) + "\r\n").encode("cp932"), name="デモ請求一覧.csv",
                             clock=app.clock, actor="demo")
    return report.imported
