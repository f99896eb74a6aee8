"""`tokusoku import invoices FILE [--dry-run] [--json] [--valid-only]`.

Exit status: 0 when invoices were imported (or, with --dry-run, would be), 1 when nothing was
imported because of row errors, 2 when the file is unusable (InvoiceImportError: a message naming the file on stderr).
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
    if args.dry_run and not Path(args.db).exists():
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
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if args.json else report.text())
    return 0 if report.imported else 1


ERRORS = (InvoiceImportError,)
