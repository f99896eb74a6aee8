"""From the records below the header to valid invoice rows and row errors. Pure.

Blank rows and totals rows (合計/小計/総計/Total with no invoice number of their own) are skipped.
A row whose quoting is broken (decode.records) is one row error, field 'row'.
Every other row is a data row: it becomes an `InvoiceRow` when all five fields parse, else one
`RowError` per bad field. A repeated invoice number is an error on every later row; the first
row with that number stands (it is never overwritten by a later one).
"""
from __future__ import annotations

from appliance.importing import fields
from appliance.importing.errors import FieldError
from appliance.importing.headers import FIELDS, Table
from appliance.importing.report import ImportReport, InvoiceRow, RowError

_PARSERS = {"number": fields.parse_number, "name": fields.parse_name,
            "phone": lambda cell: fields.require_sms(fields.parse_phone(cell)).e164,
            "amount": fields.parse_amount, "due_date": fields.parse_date}


def read_rows(table: Table, report: ImportReport) -> None:
    """Fill report.rows, .invoices, .errors and .skipped from the table's body."""
    first_row: dict[str, int] = {}
    for record in table.body:
        cells = {f: _cell(record.cells, table.columns[f]) for f in FIELDS}
        if not any(fields.clean(c) for c in record.cells):
            continue
        if record.problem:
            report.rows += 1
            report.errors.append(RowError(record.row, "row", record.problem, _number_or_none(cells["number"])))
            continue
        if _is_totals(record.cells, cells["number"]):
            report.skipped.append(record.row)
            continue
        report.rows += 1
        values, errors = _parse(record.row, cells)
        number = values.get("number")
        if number is not None:
            if number in first_row:
                errors.insert(0, RowError(record.row, "number",
                                          f"{first_row[number]}行目と同じ請求書番号です（最初の行を使い、"
                                          "この行は取り込みません）", number))
            else:
                first_row[number] = record.row
        if errors:
            report.errors.extend(errors)
        else:
            report.invoices.append(InvoiceRow(record.row, **values))


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _number_or_none(cell: str) -> str | None:
    try:
        return fields.parse_number(cell)
    except FieldError:
        return None


def _is_totals(cells: list[str], number_cell: str) -> bool:
    number = fields.clean(number_cell)
    return (not number or fields.is_total_label(number)) and any(fields.is_total_label(c) for c in cells)


def _parse(row: int, cells: dict[str, str]) -> tuple[dict, list[RowError]]:
    values, errors = {}, []
    for field in FIELDS:
        try:
            values[field] = _PARSERS[field](cells[field])
        except FieldError as error:
            errors.append(RowError(row, field, str(error)))
    number = values.get("number")
    return values, [RowError(e.row, e.field, e.message, number) for e in errors]
