"""From the bytes of a file to rows of cells: encoding, then delimiter, then records.

Encodings, in the order they are tried: a BOM (UTF-8, UTF-16 LE/BE: Excel's "Unicode text"),
UTF-16 without BOM recognised by its zero bytes, strict UTF-8, then CP932 (Excel's and the
accounting tools' "Shift_JIS", which includes NEC/IBM extensions such as ① and 髙).
Delimiters: comma and tab; the one whose rows carry a recognisable header wins (headers.py).
Every record keeps its Excel row number: the 1-based count of records, blank ones included,
which is also the file line number unless an earlier cell held a line break.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from appliance.importing.errors import InvoiceImportError

MAX_BYTES = 20 * 1024 * 1024
DELIMITERS = (",", "\t")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Magic numbers of files people pick by mistake instead of a CSV.
_NOT_CSV = {b"PK\x03\x04": "Excelブック（.xlsx）かZIPファイル", b"\xd0\xcf\x11\xe0": "Excelブック（.xls）",
            b"%PDF": "PDF", b"\x89PNG": "PNG画像", b"\xff\xd8\xff": "JPEG画像"}


@dataclass(frozen=True)
class Record:
    row: int                  # as Excel numbers it, 1-based
    cells: list[str]


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding name) of a file's bytes. Raises InvoiceImportError, naming the file, when
    it is empty, too large, a known non-CSV format, or text in no supported encoding."""
    if len(data) > MAX_BYTES:
        raise InvoiceImportError(f"{name}: ファイルが大きすぎます（{MAX_BYTES // 1024 // 1024}MBまで）")
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise InvoiceImportError(f"{name}: ファイルが空です")
    for magic, what in _NOT_CSV.items():
        if data.startswith(magic):
            raise InvoiceImportError(f"{name}: CSVファイルではありません（{what}のようです）。"
                                     "Excelでは「CSV UTF-8」または「CSV」で保存してください")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_as(data, encoding, name), encoding
    guess = _utf16_without_bom(data)
    if guess:
        return _decode_as(data, guess, name), guess
    if b"\x00" in data:
        raise InvoiceImportError(f"{name}: テキストファイルではありません（CSVファイルを選んでください）")
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InvoiceImportError(f"{name}: 文字コードを判別できません（UTF-8、Shift_JIS、UTF-16に対応しています）")


def _utf16_without_bom(data: bytes) -> str | None:
    """utf-16-le/-be when many bytes of one parity are zero (the ASCII delimiters, digits and line
    ends of UTF-16 text) and almost none of the other. Excel writes a BOM; other tools may not."""
    head = data[:4096]
    pairs = len(head) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even, odd = head[0:pairs * 2:2].count(0), head[1:pairs * 2:2].count(0)
    if odd >= 0.3 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise InvoiceImportError(f"{name}: {encoding}として読めない文字が含まれています") from None
    return text.lstrip("\ufeff")


def records(text: str, delimiter: str, name: str) -> list[Record]:
    """The CSV records of `text` with their Excel row numbers (blank records kept, as []).
    Raises InvoiceImportError when the csv module cannot split the text (e.g. a NUL byte, a
    cell beyond the field size limit)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    try:
        return [Record(row, cells) for row, cells in enumerate(reader, start=1)]
    except csv.Error as error:
        raise InvoiceImportError(f"{name}: CSVとして読めません（{error}）") from None
