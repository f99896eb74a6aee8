"""Whatever the file, the import gives a report or InvoiceImportError, never another exception,
and the database holds either every invoice the report says was imported or nothing."""
from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.clock import ManualClock
from appliance.db import Database
from appliance.importing import InvoiceImportError, import_invoices
from appliance.importing.headers import SYNONYMS

CLOCK = ManualClock(datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc))
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CELLS = {
    "number": st.one_of(st.sampled_from(["INV-1", "INV-2", "INV-1", "ＩＮＶ－３", "", "合計"]), st.text(max_size=8)),
    "name": st.one_of(st.sampled_from(["山田 太郎", "髙橋　花子", "渡辺①商店", "", "Total"]), st.text(max_size=12)),
    "phone": st.one_of(st.sampled_from(["090-1234-5678", "9012345678", "03-1234-5678", "０８０－２３４５－６７８９",
                                        "+81 70-1234-0001", "", "abc", "050-1234-5678"]), st.text(max_size=14)),
    "amount": st.one_of(st.sampled_from(["￥120,000", "1,980", "77,000円", "0", "-1", "abc", "", "12.5"]),
                        st.integers(-10, 10**13).map(str), st.text(max_size=8)),
    "due_date": st.one_of(st.sampled_from(["2026/12/10", "R8.12.20", "令和元年5月1日", "2026/13/01", "H31.4.30", ""]),
                          st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日"), st.text(max_size=10)),
    "extra": st.text(max_size=10),
}


@st.composite
def csv_files(draw):
    fields = draw(st.permutations(list(CELLS)))
    header = [draw(st.sampled_from(SYNONYMS[f])) if f in SYNONYMS else "備考" for f in fields]
    rows = draw(st.lists(st.fixed_dictionaries({f: CELLS[f] for f in fields}), max_size=8))
    delimiter = draw(st.sampled_from([",", "\t"]))
    title = draw(st.sampled_from([[], ["請求一覧 2026年12月"], [""]]))
    lines = title + [_join(header, delimiter)] + [_join([r[f] for f in fields], delimiter) for r in rows]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp932", "utf-16"]))
    return "\r\n".join(lines).encode(encoding, errors="replace")


def _join(cells, delimiter):
    return delimiter.join('"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\t\r\n') else c for c in cells)


def check(data: bytes, valid_only: bool) -> None:
    db = Database(":memory:")
    try:
        report = import_invoices(db, data, name="fuzz.csv", valid_only=valid_only, clock=CLOCK)
    except InvoiceImportError as error:
        assert str(error).startswith("fuzz.csv: ")
        report = None
    stored = db.one("SELECT count(*) FROM invoices")[0]
    customers = db.one("SELECT count(*) FROM customers")[0]
    if report is None or not report.committed:
        assert (stored, customers) == (0, 0)
        return
    assert stored == report.imported == len(report.invoices) > 0
    assert {r["number"] for r in db.query("SELECT number FROM invoices")} == {i.number for i in report.invoices}
    if not valid_only:
        assert report.errors == []
    report.as_dict()
    report.text()


@FUZZ
@given(st.binary(max_size=400), st.booleans())
def test_random_bytes(data, valid_only):
    check(data, valid_only)


@FUZZ
@given(csv_files(), st.booleans())
def test_random_csv(data, valid_only):
    check(data, valid_only)


@FUZZ
@given(st.sampled_from(["utf-8", "cp932", "utf-16"]), st.binary(max_size=300), st.booleans())
def test_header_then_random_bytes(encoding, tail, valid_only):
    header = "請求書番号,取引先名,電話番号,金額,支払期日\r\nINV-1,山田,090-1234-5678,100,2026/12/10\r\n"
    check(header.encode(encoding) + tail, valid_only)
