"""The built-in demo: what `tokusoku run` does with no configuration.

For now it runs the simulated network with two modems and a few customers' phones; the
appliance core and the admin page join it as they are built.
"""
from __future__ import annotations

import argparse
import sys

from modem.sim import service
from modem.sim.network import NetworkSettings
from modem.sim.simulator import Simulator

DEMO_HANDSETS = (
    dict(number="+819012340001", name="山田 太郎", reply="振り込みました。ご確認ください。", reply_after=5),
    dict(number="+819012340002", name="佐藤 花子", reply="来週払います🙏", reply_after=8),
    dict(number="+819012340003", name="鈴木 一郎", off_for=60),
    dict(number="+819000000000", name="(存在しない番号)", unknown=True),
)


def build() -> Simulator:
    simulator = Simulator(NetworkSettings())
    simulator.add_modem("quectel")
    simulator.add_modem("huawei")
    for handset in DEMO_HANDSETS:
        simulator.add_handset(**handset)
    return simulator


def run(args: argparse.Namespace) -> int:
    if args.config:
        print("tokusoku run: configuration files come with the appliance core; "
              "run without --config for the demo", file=sys.stderr)
        return 2
    simulator = build()
    print("Tokusoku demo: simulated modems (open them with gammu, minicom or `tokusoku modem`):")
    service.serve(simulator)
    return 0
