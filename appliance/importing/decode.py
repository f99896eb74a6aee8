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
    line: int = 0             # the file line it starts on, 1-based
    problem: str | None = None   # why it could not be read (a broken quote), in Japanese


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

    Quoting is read strictly, one record at a time: a quote that never closes (it would
    swallow every later row) or text right after a closing quote makes that record's first
    line a `Record` with a `problem`, and reading resumes on the next line, so no later row is
    lost. A line break inside a properly quoted cell (Excel writes them) stays in the cell, and
    a quote in the middle of an unquoted cell is kept as written. Raises InvoiceImportError when
    the csv module cannot split the text for another reason (e.g. a NUL character, a cell
    beyond the field size limit)."""
    lines = io.StringIO(text, newline="").readlines()
    feed = _Lines(lines)
    reader, result = _reader(feed, delimiter), []
    while True:
        begun = feed.position
        try:
            cells = next(reader)
        except StopIteration:
            return result
        except csv.Error as error:
            if not _is_quote_error(error):
                raise InvoiceImportError(f"{name}: CSVとして読めません（{error}）") from None
            result.append(_malformed(len(result) + 1, lines, begun, feed.position, delimiter))
            feed.position = begun + 1
            reader = _reader(feed, delimiter)
            continue
        result.append(Record(len(result) + 1, cells, begun + 1))


class _Lines:
    """The file's lines for csv.reader, remembering how many it has taken (to resume after a
    malformed record)."""

    def __init__(self, lines: list[str]):
        self.lines, self.position = lines, 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


def _reader(feed: _Lines, delimiter: str):
    return csv.reader(feed, delimiter=delimiter, quotechar='"', strict=True)


def _is_quote_error(error: csv.Error) -> bool:
    """csv's strict-mode errors about quotes: "unexpected end of data" (a quoted cell still open
    at the end of the file) and "',' expected after '\"'" (text after a closing quote)."""
    message = str(error)
    return "unexpected end of data" in message or "expected after" in message


def _malformed(row: int, lines: list[str], begun: int, reached: int, delimiter: str) -> Record:
    """The record starting on line `begun` (0-based) whose quote is broken: its line's cells as a
    lenient reader sees them (to name the invoice number), with the problem in Japanese."""
    line = begun + 1
    cells = next(csv.reader([lines[begun]], delimiter=delimiter, quotechar='"', strict=False), [])
    if reached - begun > 1 or reached >= len(lines):
        problem = (f"ファイルの{line}行目の引用符（\"）が閉じていません（この行は取り込みません）。"
                   "セルの中の \" は \"\" と2つ重ねるか、セル全体を \" で囲んでください")
    else:
        problem = (f"ファイルの{line}行目で、閉じた引用符（\"）のすぐ後に文字が続いています（この行は取り込みません）。"
                   "セルの中の \" は \"\" と2つ重ねてください")
    return Record(row, cells, line, problem)
