"""The `tokusoku` command line (the contract in DESIGN.md). Errors go to stderr, exit status 1-2."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from appliance import cli_box, cli_import, cli_modem, cli_state, cli_users
from appliance.cli_db import DEFAULT_DB, DatabaseFileError
from modem.sim.profiles import PROFILES


def _sim(args: argparse.Namespace) -> int:
    from modem.sim import service
    from modem.sim.simulator import ScriptError
    try:
        simulator = service.build(modems=args.modems, profile=args.profile, script=args.script,
                                  links=args.link, part_time=args.part_time,
                                  delivery_delay=args.delivery_delay, daily_cap=args.daily_cap)
    except (ScriptError, ValueError, OSError) as exc:
        print(f"tokusoku sim: {exc}", file=sys.stderr)
        return 2
    service.serve(simulator, args.control_port)
    return 0


def _run(args: argparse.Namespace) -> int:
    from appliance import runner
    return runner.run(args)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="tokusoku", description="督促 SMS payment-reminder appliance")
    top.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv: debug)")
    top.add_argument("--db", default=os.environ.get("TOKUSOKU_DB", DEFAULT_DB), metavar="FILE",
                     help=f"the SQLite database (default {DEFAULT_DB}, or $TOKUSOKU_DB)")
    commands = top.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="web + scheduler + modems; with no config: the built-in demo")
    run.add_argument("--config", help="configuration file (TOML)")
    run.add_argument("--speed", type=float, default=1.0, metavar="X",
                     help="run the clock X times faster (a demo can live a day in minutes)")
    run.add_argument("--port", type=int, metavar="PORT", help="port of the admin page (default: the config's, 8080)")
    run.set_defaults(handler=_run)

    sim = commands.add_parser("sim", help="virtual modems on pseudo-terminals, until stopped")
    sim.add_argument("--modems", type=int, default=1, metavar="N", help="how many modems (default 1)")
    sim.add_argument("--profile", default="generic", choices=sorted(PROFILES), help="modem family")
    sim.add_argument("--script", metavar="FILE.toml", help="network, modems, handsets and messages")
    sim.add_argument("--link", action="append", metavar="PATH",
                     help="stable symlink to a modem's device (repeat per modem; one is numbered)")
    sim.add_argument("--control-port", type=int, default=0, metavar="PORT",
                     help="port of the control interface on 127.0.0.1 (default: any free port)")
    sim.add_argument("--part-time", type=float, metavar="SECONDS", help="radio time per SMS part")
    sim.add_argument("--delivery-delay", type=float, metavar="SECONDS", help="SMSC to phone delay")
    sim.add_argument("--daily-cap", type=int, metavar="PARTS", help="carrier cap per SIM a day (default 200)")
    sim.set_defaults(handler=_sim)

    cli_modem.add_parsers(commands)
    cli_import.add_parsers(commands)
    cli_state.add_parsers(commands)
    cli_users.add_parsers(commands)
    cli_box.add_parsers(commands)
    return top


def main(argv: list[str] | None = None, frontend=None) -> int:
    """Run one command. `frontend(services, host, port) -> stop` serves the admin page in
    `tokusoku run` (web.cli passes it; without it `run` has no page)."""
    args = parser().parse_args(argv)
    args.frontend = frontend
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.handler(args)
    except cli_modem.ERRORS + cli_import.ERRORS as error:
        print(f"tokusoku {args.command}: {error}", file=sys.stderr)
        return 1
    except DatabaseFileError as error:
        print(f"tokusoku {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
