"""Storing an import: one transaction, all-or-nothing or --valid-only, dry runs, upserts,
customer matching, the audit row."""
import json
from datetime import datetime, timezone

import pytest

from appliance.clock import ManualClock
from appliance.db import Database
from appliance.importing import import_invoices

CLOCK = ManualClock(datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc))
HEADER = "請求書番号,取引先名,電話番号,金額,支払期日"


def csv_bytes(*rows):
    return "\r\n".join([HEADER, *rows]).encode("utf-8")


GOOD = csv_bytes("INV-1,山田 太郎,090-1234-5678,12000,2026/12/10", "INV-2,鈴木 一郎,080-2345-6789,3300,2026/12/20")
MIXED = csv_bytes("INV-1,山田 太郎,090-1234-5678,12000,2026/12/10", "INV-2,有限会社テスト,03-1234-5678,800,2026/12/1",
                  "INV-3,鈴木 一郎,080-2345-6789,abc,2026/12/20")


@pytest.fixture
def db():
    return Database(":memory:")


def run(db, data, **options):
    return import_invoices(db, data, name="test.csv", clock=CLOCK, **options)


def invoices(db):
    return {r["number"]: (r["amount"], r["due_date"], r["customer_id"])
            for r in db.query("SELECT number, amount, due_date, customer_id FROM invoices")}


def counts(db):
    return tuple(db.one(f"SELECT count(*) FROM {table}")[0] for table in ("invoices", "customers", "audit"))


def test_clean_file_is_imported_with_one_audit_row(db):
    report = run(db, GOOD)
    assert (report.imported, report.created, report.committed) == (2, 2, True)
    assert counts(db) == (2, 2, 1)
    audit = db.one("SELECT * FROM audit")
    assert (audit["action"], audit["actor"], audit["at"]) == ("import", "cli", "2026-11-30T01:00:00+00:00")
    assert json.loads(audit["detail"])["imported"] == 2
    customer = db.one("SELECT * FROM customers WHERE name = '山田 太郎'")
    assert (customer["phone"], customer["sms_capable"], customer["created_at"]) == \
        ("+819012345678", 1, "2026-11-30T01:00:00+00:00")


def test_any_row_error_imports_nothing_by_default(db):
    report = run(db, MIXED)
    assert (report.imported, report.committed, counts(db)) == (0, False, (0, 0, 0))
    assert [(e.row, e.field) for e in report.errors] == [(3, "phone"), (4, "amount")]
    data = report.as_dict()
    assert [i["number"] for i in data["invoices"]] == [i["number"] for i in data["valid"]] == ["INV-1"]


def test_valid_only_imports_the_valid_rows(db):
    report = run(db, MIXED, valid_only=True)
    assert (report.imported, report.committed, list(invoices(db))) == (1, True, ["INV-1"])
    assert len(report.errors) == 2


def test_dry_run_writes_nothing_but_reports_what_would_happen(db):
    run(db, GOOD)
    before = (invoices(db), counts(db))
    report = run(db, csv_bytes("INV-1,山田 太郎,090-1234-5678,15000,2026/12/10",
                               "INV-9,新規 顧客,070-5555-6666,100,2026/12/31"), dry_run=True)
    assert (report.imported, report.created, report.updated, report.committed) == (2, 1, 1, False)
    assert (invoices(db), counts(db)) == before
    assert "書き込んでいません" in report.text()


def test_dry_run_with_errors_reports_them_and_writes_nothing(db):
    report = run(db, MIXED, dry_run=True, valid_only=True)
    assert (report.imported, counts(db)) == (1, (0, 0, 0))


def test_a_dry_run_with_errors_lists_the_valid_rows_as_invoices(db):
    """DESIGN.md's `import --json`: `invoices` are the rows that would be imported, also when
    row errors keep a dry run from importing anything."""
    data = run(db, MIXED, dry_run=True).as_dict()
    assert (data["rows"], data["imported"], [e["row"] for e in data["errors"]]) == (3, 0, [3, 4])
    assert data["invoices"] == [{"row": 2, "number": "INV-1", "name": "山田 太郎", "phone": "+819012345678",
                                 "amount": 12000, "due_date": "2026-12-10"}]
    assert data["valid"] == data["invoices"]


def test_open_invoice_is_updated(db):
    run(db, GOOD)
    report = run(db, csv_bytes("INV-1,山田 太郎,090-1234-5678,15000,2026/12/25"))
    assert (report.created, report.updated) == (0, 1)
    assert invoices(db)["INV-1"][:2] == (15000, "2026-12-25")


@pytest.mark.parametrize("status, message", [("paid", "支払済み"), ("cancelled", "取消済み"),
                                             ("disputed", "係争中")])
def test_closed_invoice_is_an_error_and_keeps_its_values(db, status, message):
    run(db, GOOD)
    with db.write() as conn:
        conn.execute("UPDATE invoices SET status = ? WHERE number = 'INV-1'", (status,))
    before = invoices(db)
    changed = csv_bytes("INV-1,山田 太郎,090-1234-5678,99999,2026/12/25", "INV-2,鈴木 一郎,080-2345-6789,1,2026/12/21")
    report = run(db, changed)
    assert [(e.row, e.field, e.number) for e in report.errors] == [(2, "number", "INV-1")]
    assert message in report.errors[0].message
    assert (report.imported, invoices(db)) == (0, before)          # all-or-nothing: INV-2 untouched too
    report = run(db, changed, valid_only=True)
    assert (report.imported, invoices(db)["INV-1"], invoices(db)["INV-2"][0]) == (1, before["INV-1"], 1)


def test_customers_matched_by_phone_and_normalised_name(db):
    run(db, GOOD)
    run(db, csv_bytes("INV-3,山田　太郎,090-1234-5678,100,2026/12/10",       # ideographic space: same customer
                      "INV-4,山田太郎,０９０－１２３４－５６７８,100,2026/12/10",   # no space, full-width phone: same
                      "INV-5,山田 花子,090-1234-5678,100,2026/12/10",        # same phone, other name: new customer
                      "INV-6,山田 太郎,090-9999-0000,100,2026/12/10"))       # same name, other phone: new customer
    rows = invoices(db)
    assert rows["INV-1"][2] == rows["INV-3"][2] == rows["INV-4"][2]
    assert len({rows[n][2] for n in ("INV-1", "INV-5", "INV-6")}) == 3
    assert counts(db)[1] == 4


def test_rows_of_one_customer_in_one_file_share_the_customer(db):
    run(db, csv_bytes("INV-1,鈴木 一郎,080-2345-6789,100,2026/12/10", "INV-2,鈴木 一郎,080-2345-6789,200,2026/12/11"))
    assert counts(db)[:2] == (2, 1)


def test_a_failure_while_writing_leaves_nothing(db, monkeypatch):
    from appliance.importing import store

    def explode(conn, invoice, now, outcome):
        if invoice.number == "INV-2":
            raise RuntimeError("disk full")
        return original(conn, invoice, now, outcome)

    original = store._store_one
    monkeypatch.setattr(store, "_store_one", explode)
    with pytest.raises(RuntimeError):
        run(db, GOOD)
    assert counts(db) == (0, 0, 0)


def test_an_unclosed_quote_blocks_the_file_or_only_its_own_row_with_valid_only(db):
    data = csv_bytes("Q-1,山田,090-1111-2222,1000,2026/12/10", 'Q-2,"田中 ""太,090-1111-3333,1000,2026/12/10',
                     "Q-3,佐藤,090-1111-4444,1000,2026/12/10", "Q-4,木村,090-1111-5555,1000,2026/12/10")
    blocked = run(db, data)
    assert (blocked.rows, blocked.imported, counts(db)) == (4, 0, (0, 0, 0))
    assert [(e.row, e.field) for e in blocked.errors] == [(3, "row")]
    report = run(db, data, valid_only=True)
    assert report.imported == 3 and sorted(invoices(db)) == ["Q-1", "Q-3", "Q-4"]
