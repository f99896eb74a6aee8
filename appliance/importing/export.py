"""CSV export for Excel: UTF-8 with BOM (so Excel shows Japanese), CRLF, and safe against formula
injection (OWASP "CSV injection"): a text cell starting with = + - @ tab or CR gets a leading
apostrophe, so Excel shows it as text instead of running it. The importer removes that
apostrophe again (fields.clean), so an export can be imported back unchanged.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
INVOICE_HEADER = ["請求書番号", "取引先名", "電話番号", "金額", "支払期日", "状態"]
# An invoice's status in the words the pages use (web/filters.py STATUS takes these); the importer
# does not read 状態, so an export still imports back unchanged.
INVOICE_STATUS = {"open": "未入金", "paid": "入金済", "disputed": "確認中", "cancelled": "取消"}


def safe_cell(value) -> str | int:
    """The value as it may go into a CSV cell: numbers as they are, text defused."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_START) else text


def to_csv(header: list[str], rows: Iterable[Iterable]) -> bytes:
    """A whole CSV file as bytes: UTF-8 with BOM, CRLF line ends, every cell through safe_cell."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def export_invoices(db, status: str | None = None) -> bytes:
    """The invoices (all, or those with `status`) as a CSV the importer reads back."""
    sql = ("SELECT i.number, c.name, c.phone, i.amount, i.due_date, i.status FROM invoices i "
           "JOIN customers c ON c.id = i.customer_id")
    params: tuple = ()
    if status:
        sql, params = sql + " WHERE i.status = ?", (status,)
    rows = db.query(sql + " ORDER BY i.number", params)
    return to_csv(INVOICE_HEADER, [(*row[:-1], INVOICE_STATUS.get(row[-1], row[-1])) for row in rows])
