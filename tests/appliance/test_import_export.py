"""CSV export: UTF-8 with BOM for Excel, defused against formula injection, readable back."""
import csv
import io
from datetime import datetime, timezone

import pytest

from appliance.clock import ManualClock
from appliance.db import Database
from appliance.importing import check_file, export_invoices, import_invoices, to_csv
from appliance.importing.export import safe_cell

CLOCK = ManualClock(datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc))


def cells(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


@pytest.mark.parametrize("value, written", [
    ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"), ("+819012345678", "'+819012345678"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tTAB", "'\tTAB"), ("\rCR", "'\rCR"),
    ("山田 太郎", "山田 太郎"), ("a=b", "a=b"), ("", ""), (None, ""), (12000, 12000), (-5, -5),
])
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_to_csv_is_utf8_with_bom_crlf_and_defused():
    data = to_csv(["名前", "メモ"], [["=cmd|' /C calc'!A0", "カンマ, と\n改行"], ["髙橋 花子", 3300]])
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert cells(data) == [["名前", "メモ"], ["'=cmd|' /C calc'!A0", "カンマ, と\n改行"], ["髙橋 花子", "3300"]]


def test_exported_invoices_import_back_unchanged():
    db = Database(":memory:")
    source = ("請求書番号,取引先名,電話番号,金額,支払期日\r\n"
              "=1+1,@evil,090-1234-5678,12000,2026/12/10\r\n"
              "INV-2,\"株式会社アルファ, 東京支店\",080-4444-5555,77000,2026/12/18\r\n").encode()
    first = import_invoices(db, source, name="in.csv", clock=CLOCK)
    data = export_invoices(db)
    rows = cells(data)
    assert rows[0] == ["請求書番号", "取引先名", "電話番号", "金額", "支払期日", "状態"]
    assert rows[1] == ["'=1+1", "'@evil", "'+819012345678", "12000", "2026-12-10", "未入金"]
    assert rows[2] == ["INV-2", "株式会社アルファ, 東京支店", "'+818044445555", "77000", "2026-12-18", "未入金"]
    again = check_file(data, "export.csv")
    assert not again.errors
    assert {(i.number, i.name, i.phone, i.amount, i.due_date) for i in again.invoices} == \
        {(i.number, i.name, i.phone, i.amount, i.due_date) for i in first.invoices}


def test_export_by_status():
    db = Database(":memory:")
    import_invoices(db, "請求書番号,取引先名,電話番号,金額,支払期日\nA,山田,09012345678,1,2026/1/1\n".encode(),
                    name="x.csv", clock=CLOCK)
    assert len(cells(export_invoices(db, status="paid"))) == 1
    assert cells(export_invoices(db, status="open"))[1][-1] == "未入金"
