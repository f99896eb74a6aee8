"""The box's commands: `tokusoku modem scan`, `tokusoku backup FILE`, `tokusoku restore FILE`."""
from __future__ import annotations

import argparse
import json
import sys

from appliance import backup
from appliance.cli_db import database_option
from modem import scan


def add_parsers(commands) -> None:
    """Register the commands; `modem scan` joins the `modem` command of cli_modem (registered
    before this one)."""
    scanner = _modem_actions(commands).add_parser(
        "scan", help="find the modems: which /dev/ttyUSB*, /dev/ttyACM* ports answer AT")
    scanner.add_argument("paths", nargs="*", metavar="PATH", help="more ports to probe")
    scanner.add_argument("--only", action="store_true", help="probe only the PATHs given")
    scanner.add_argument("--timeout", type=float, default=scan.TIMEOUT, metavar="SECONDS",
                         help=f"how long each port may take to answer (default {scan.TIMEOUT:g})")
    scanner.add_argument("--json", action="store_true", help="machine-readable output")
    scanner.set_defaults(handler=_scan)

    save = commands.add_parser("backup", parents=[database_option()],
                               help="copy the database (also while the appliance runs)")
    save.add_argument("file", metavar="FILE")
    save.set_defaults(handler=_backup)
    load = commands.add_parser("restore", parents=[database_option()],
                               help="replace the database with a backup (appliance stopped)")
    load.add_argument("file", metavar="FILE")
    load.set_defaults(handler=_restore)


def _modem_actions(commands) -> argparse._SubParsersAction:
    modem = commands.choices["modem"]
    return next(a for a in modem._actions if isinstance(a, argparse._SubParsersAction))


def _scan(args) -> int:
    ports = scan.scan(args.paths, defaults=not args.only, timeout=args.timeout)
    if args.json:
        print(json.dumps([p.as_dict() for p in ports], ensure_ascii=False, indent=2))
        return 0 if any(p.answered for p in ports) else 1
    for port in ports:
        state = "answers AT" if port.answered else port.error
        print(f"# {port.path}{f' ({port.stable})' if port.stable else ''}: {state}")
    snippet = scan.config_snippet(ports)
    if not snippet:
        busy = sum(1 for port in ports if "in use" in (port.error or ""))
        print(f"no free modem answered: {busy} in use by another program (stop tokusoku first:"
              " sudo systemctl stop tokusoku)" if busy else
              "no modem answered (plugged in? ModemManager stopped? see README)", file=sys.stderr)
        return 1
    print("\n# for /etc/tokusoku/tokusoku.toml:\n" + snippet)
    return 0


def _backup(args) -> int:
    try:
        made = backup.backup(args.db, args.file)
    except backup.BackupError as error:
        print(f"tokusoku backup: {error}", file=sys.stderr)
        return 1
    print(f"backup written: {made}")
    return 0


def _restore(args) -> int:
    try:
        kept = backup.restore(args.file, args.db)
    except backup.BackupError as error:
        print(f"tokusoku restore: {error}", file=sys.stderr)
        return 1
    print(f"restored {args.file} into {args.db}; the previous database is kept as {kept}")
    return 0
