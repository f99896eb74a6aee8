"""`tokusoku import invoices FILE [--dry-run] [--json] [--valid-only]`.

Exit status: 0 when invoices were imported (or, with --dry-run, would be), 1 when nothing was
imported because of row errors, 2 when the file is unusable (InvoiceImportError: a message naming the file on stderr).
The report starts with the database written to (or, with --dry-run, that would be); --json adds
it as `database`.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from appliance.cli_db import database_option
from appliance.importing import InvoiceImportError, import_invoices


def add_parsers(commands) -> None:
    command = commands.add_parser("import", help="import data from a file")
    kinds = command.add_subparsers(dest="kind", required=True)
    invoices = kinds.add_parser("invoices", parents=[database_option()],
                                help="invoices from CSV (UTF-8, Shift_JIS, UTF-16; comma or tab)")
    invoices.add_argument("file", metavar="FILE")
    invoices.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    invoices.add_argument("--json", action="store_true", help="machine-readable output")
    invoices.add_argument("--valid-only", action="store_true",
                          help="import the valid rows even when other rows have errors")
    invoices.set_defaults(handler=_invoices)


def _invoices(args) -> int:
    from appliance.cli_db import open_database
    from appliance.db import Database
    missing = not Path(args.db).exists()
    if args.dry_run and missing:
        db = Database(":memory:")          # a check against no invoices yet; writes no file
    else:
        db = open_database(args, create=True)
    try:
        report = import_invoices(db, args.file, dry_run=args.dry_run, valid_only=args.valid_only)
    except InvoiceImportError as error:
        print(f"tokusoku import: {error}", file=sys.stderr)
        return 2
    finally:
        db.close()
    if args.json:
        print(json.dumps({**report.as_dict(), "database": str(args.db)}, ensure_ascii=False, indent=2))
    else:
        print(f"取り込み先のデータベース: {args.db}"
              + ("（まだありません。取り込むときに作ります）" if args.dry_run and missing else ""))
        print(report.text())
    return 0 if report.imported else 1


ERRORS = (InvoiceImportError,)
