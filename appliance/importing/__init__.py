"""CSV invoice import and export: what `tokusoku import invoices` and the admin page call.

    report = import_invoices(db, path_or_bytes, name=..., dry_run=False, valid_only=False)

reads the file (UTF-8 with or without BOM, CP932, UTF-16; comma or tab; header anywhere in the
first rows), checks every row, and stores the valid ones in one transaction: all of them, or,
when any row has an error and valid_only is False, none. It returns an `ImportReport`, or raises
`InvoiceImportError` when the file as a whole is unusable. It never raises anything else for
bad input.
"""
from __future__ import annotations

from pathlib import Path

from appliance.clock import Clock
from appliance.importing.decode import decode
from appliance.importing.errors import FieldError, InvoiceImportError
from appliance.importing.export import export_invoices, to_csv
from appliance.importing.headers import find_table
from appliance.importing.report import ImportReport, InvoiceRow, RowError
from appliance.importing.rows import read_rows
from appliance.importing.store import save

__all__ = ["import_invoices", "check_file", "read_file", "export_invoices", "to_csv", "ImportReport",
           "InvoiceRow", "RowError", "InvoiceImportError", "FieldError"]


def read_file(path: str | Path) -> bytes:
    """The bytes of `path`; InvoiceImportError naming it when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise InvoiceImportError(f"{path}: ファイルではなくフォルダです") from None
    except FileNotFoundError:
        raise InvoiceImportError(f"{path}: ファイルが見つかりません") from None
    except OSError as error:
        raise InvoiceImportError(f"{path}: ファイルを読めません（{error.strerror or error}）") from None


def check_file(data: bytes, name: str) -> ImportReport:
    """Parse and check a file without touching any database: the valid rows and the row errors."""
    text, encoding = decode(data, name)
    table = find_table(text, encoding, name)
    report = ImportReport(file=name, encoding=encoding)
    read_rows(table, report)
    if not report.rows:
        raise InvoiceImportError(f"{name}: {table.header_row}行目の見出しの下に請求データの行がありません")
    return report


def import_invoices(db, source: str | Path | bytes, *, name: str | None = None, dry_run: bool = False,
                    valid_only: bool = False, clock: Clock | None = None, actor: str = "cli") -> ImportReport:
    """Import a file (a path, or its bytes with `name` for messages) into `db`; see the module doc."""
    if isinstance(source, bytes):
        data, name = source, name or "アップロードされたファイル"
    else:
        data, name = read_file(source), name or str(source)
    report = check_file(data, name)
    report.dry_run, report.valid_only = dry_run, valid_only
    return save(db, report, clock=clock or Clock(), actor=actor)
