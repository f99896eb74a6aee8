"""`tokusoku run`: the appliance until SIGINT/SIGTERM, with or without a configuration file."""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from datetime import datetime, timezone

from appliance import config as config_module
from appliance import demo
from appliance.app import Appliance
from appliance.clock import Clock

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
    app = Appliance(config, clock)
    if simulator:
        demo.seed_invoices(app, clock.now().astimezone(config.rules.zone).date())
        print("Tokusoku デモ: 模擬モデムで動作しています（実機は README の「Piに載せる」を参照）")
        for modem in simulator.modems:
            print(f"  {modem.name}\t{modem.port.link}\tSIM {modem.sim.number}\t({modem.profile.name})")
        print(f"  データベース {config.database}   時計 {clock.now().astimezone(config.rules.zone):%Y-%m-%d %H:%M}"
              f" (×{args.speed:g})")
        print("  状態: tokusoku --db var/demo.db outbox / inbox      停止: Ctrl-C", flush=True)
    app.start()
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    try:
        while not done.wait(30):
            log.info("outbox %s", app.outbox.counts())
    finally:
        app.stop()
        if simulator:
            simulator.stop()
    return 0
