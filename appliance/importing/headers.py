"""The header row: where it is and which column holds which field.

A file may have a title line ("請求一覧 2026年12月") or blank lines above its header, and any
number of columns this import does not use (担当者, 備考, 件名 ...), which are ignored. Labels are
compared after NFKC, case folding and removal of spaces, underscores and hyphens, so
"Due date", "due_date" and "ＤＵＥ　ＤＡＴＥ" are the same label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from appliance.importing.decode import DELIMITERS, Record, records
from appliance.importing.errors import InvoiceImportError
from appliance.importing.fields import fold

FIELDS = ("number", "name", "phone", "amount", "due_date")
LABELS = {"number": "請求書番号", "name": "取引先名", "phone": "電話番号", "amount": "金額",
          "due_date": "支払期日"}
SYNONYMS = {
    "number": ["請求書番号", "請求書No", "請求書No.", "請求番号", "取引番号", "伝票番号", "invoice",
               "invoice number", "invoice no", "invoice no.", "invoice_no", "invoice id", "number"],
    "name": ["取引先名", "取引先", "請求先名", "請求先", "得意先名", "得意先", "顧客名", "お客様名", "氏名",
             "会社名", "name", "customer", "customer name", "client"],
    "phone": ["電話番号", "電話", "携帯電話", "携帯電話番号", "携帯番号", "携帯", "顧客電話番号", "TEL",
              "phone", "phone number", "mobile", "mobile number", "tel"],
    "amount": ["金額", "請求金額", "請求額", "金額(税込)", "税込金額", "請求金額(税込)", "ご請求金額", "合計金額",
               "amount", "total amount", "amount due"],
    "due_date": ["支払期日", "支払期限", "支払日", "お支払期限", "入金期限", "入金予定日", "振込期限",
                 "due date", "due", "payment due", "due_date"],
}
# Used for the invoice number only when no column above names one: cloud invoicing exports
# identify a bill by its billing code (請求先コード) and have no separate invoice number.
FALLBACK = {"number": ["請求先コード", "請求コード", "取引先コード", "得意先コード", "顧客コード", "code"]}
HEADER_SEARCH_ROWS = 30


def label_key(cell: str) -> str:
    return re.sub(r"[_\-]", "", fold(cell))


_INDEX = {label_key(label): field for field, labels in SYNONYMS.items() for label in labels}
_FALLBACK_INDEX = {label_key(label): field for field, labels in FALLBACK.items() for label in labels}


@dataclass(frozen=True)
class Table:
    """A file read: its header row and columns, and the records below the header."""
    encoding: str
    delimiter: str
    header_row: int
    columns: dict[str, int]           # field -> column index
    body: list[Record]


def map_header(cells: list[str]) -> dict[str, int]:
    """field -> column index for the labels this import knows (the first column wins)."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = _INDEX.get(label_key(cell))
        if field and field not in columns:
            columns[field] = index
    if "number" not in columns:
        for index, cell in enumerate(cells):
            if _FALLBACK_INDEX.get(label_key(cell)) == "number":
                columns["number"] = index
                break
    return columns


def find_table(text: str, encoding: str, name: str) -> Table:
    """The header row within the first rows, trying each delimiter; the row that names the most
    fields (at least two) wins. Raises InvoiceImportError naming the file when no header is
    found, or when the header lacks a required column (which columns, in Japanese)."""
    best: tuple[int, str, Record, dict[str, int], list[Record]] | None = None
    for delimiter in DELIMITERS:
        rows = records(text, delimiter, name)
        for position, record in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns = map_header(record.cells)
            if len(columns) >= 2 and (best is None or len(columns) > best[0]):
                best = (len(columns), delimiter, record, columns, rows[position + 1:])
    if best is None:
        raise InvoiceImportError(f"{name}: 見出し行が見つかりません（「請求書番号」「取引先名」「電話番号」"
                                 "「金額」「支払期日」などの列名が必要です）")
    _, delimiter, header, columns, body = best
    missing = [LABELS[field] for field in FIELDS if field not in columns]
    if missing:
        raise InvoiceImportError(f"{name}: {header.row}行目の見出しに必要な列がありません: "
                                 + "、".join(f"「{label}」" for label in missing))
    return Table(encoding, delimiter, header.row, columns, body)
