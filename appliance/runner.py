"""`tokusoku run`: the appliance until SIGINT/SIGTERM, with or without a configuration file."""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from datetime import datetime, timezone

from appliance import config as config_module
from appliance import backup, demo, watchdog
from appliance.app import Appliance
from appliance.clock import Clock
from modem.sim.control import ControlServer

log = logging.getLogger(__name__)


def run(args: argparse.Namespace) -> int:
    logging.getLogger("appliance").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)     # one line per tick is noise
    simulator = None
    if args.config:
        try:
            config = config_module.load(args.config)
        except config_module.ConfigError as error:
            print(f"tokusoku run: {error}", file=sys.stderr)
            return 2
        clock = Clock(speed=args.speed)
    else:
        simulator, config = demo.build()
        clock = demo.demo_clock(datetime.now(timezone.utc), config, args.speed)
    if getattr(args, "port", None) is not None:
        config.web_port = args.port
    lock = backup.RunningLock(config.database)
    if not lock.acquire():
        print(f"tokusoku run: {config.database} is already in use by another tokusoku run", file=sys.stderr)
        return 2
    app = Appliance(config, clock)
    if simulator:
        demo.seed_invoices(app, clock.now().astimezone(config.rules.zone).date())
        print("Tokusoku デモ: 模擬モデムで動作しています（実機は README の「Piに載せる」を参照）")
        for modem in simulator.modems:
            print(f"  {modem.name}\t{modem.port.link}\tSIM {modem.sim.number}\t({modem.profile.name})")
        print(f"  データベース {config.database}   時計 {clock.now().astimezone(config.rules.zone):%Y-%m-%d %H:%M}"
              f" (×{args.speed:g})")
        control = ControlServer(simulator).start()
        print(f"  模擬モデムの操作 (simulator control): {control.url}  (GET /modems, /handsets; POST /sms)")
        print("  状態: tokusoku --db var/demo.db outbox / inbox      停止: Ctrl-C", flush=True)
    try:
        stop_web = _start_frontend(args, app, config)
    except OSError as error:
        print(f"tokusoku run: 管理画面を {config.web_host}:{config.web_port} で開けません（{error.strerror or error}）。"
              " 別のポートを --port 8081 のように指定するか、設定ファイルの [web] port を変えてください"
              " (make run PORT=8081)", file=sys.stderr)
        app.db.close()
        if simulator:
            control.stop()
            simulator.stop()
        lock.release()
        return 2
    if stop_web and simulator:
        print(f"  管理画面: http://{config.web_host}:{config.web_port}/  （初回は管理者を作成）", flush=True)
    dog = watchdog.Watchdog(app)          # READY=1 and the pings, under systemd (Type=notify)
    app.start()
    dog.start()
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    try:
        while not done.wait(30):
            log.info("outbox %s", app.outbox.counts())
    finally:
        dog.stop()
        if stop_web:
            stop_web()
        app.stop()
        if simulator:
            control.stop()
            simulator.stop()
        lock.release()
    return 0


def _start_frontend(args, app: Appliance, config):
    """The admin page, when the caller gave one (web.cli does); returns its stop function.
    Raises OSError when its address cannot be had (the port is taken)."""
    if getattr(args, "frontend", None) is None:
        return None
    from appliance.services import Services
    services = Services(app.db, app.clock, defaults=app.settings.base)
    services.appliance_health_source = app.health          # Core.appliance_health
    return args.frontend(services, config.web_host, config.web_port)
