"""The shared CSV test files import exactly as data/expected.json says (copied from
../shared/testdata/csv): values of the valid rows, the errored rows, nothing half-imported."""
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from appliance.clock import ManualClock
from appliance.db import Database
from appliance.importing import check_file, import_invoices

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
CLOCK = ManualClock(datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc))
# expected.json's notes say the first INV-2026-0002 is valid once its dropped 0 is restored,
# though its "valid" map does not list it: it is valid here, with these values.
NOTED_VALID = {"INV-2026-0002": {"name": "山田 太郎", "phone": "+819012345679", "amount": 5500,
                                 "due_date": "2026-12-15"}}


def expected_valid(case):
    return {**case["valid"], **{k: v for k, v in NOTED_VALID.items() if k in case.get("notes", {})}}


def error_numbers(report):
    """'INV-1' for an errored row, 'second INV-1' for a duplicate (the wording of expected.json)."""
    names = []
    for error in sorted(report.errors, key=lambda e: e.row):
        is_duplicate = "同じ請求書番号" in error.message
        names.append(("second " if is_duplicate else "") + error.number)
    return names


def stored(db):
    return {row["number"]: {"name": row["name"], "phone": row["phone"], "amount": row["amount"],
                            "due_date": row["due_date"]}
            for row in db.query("SELECT i.number, c.name, c.phone, i.amount, i.due_date FROM invoices i "
                                "JOIN customers c ON c.id = i.customer_id")}


@pytest.fixture
def db():
    return Database(":memory:")


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_file_is_read_as_expected(case):
    report = check_file((DATA / case["file"]).read_bytes(), case["file"])
    assert report.encoding == case["encoding"]
    assert report.rows == case["data_rows"]
    valid = {i.number: {"name": i.name, "phone": i.phone, "amount": i.amount,
                        "due_date": i.due_date.isoformat()} for i in report.invoices}
    assert valid == expected_valid(case)
    assert set(case["errors_at_least"]) <= set(error_numbers(report))
    assert len(report.invoices) + len({e.row for e in report.errors}) == case["data_rows"]


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_valid_only_stores_exactly_the_valid_rows(db, case):
    report = import_invoices(db, DATA / case["file"], valid_only=True, clock=CLOCK)
    assert stored(db) == expected_valid(case)
    assert report.imported == len(expected_valid(case)) and report.committed
    assert [i["number"] for i in report.as_dict()["invoices"]] == list(stored(db))


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_all_or_nothing_by_default(db, case):
    report = import_invoices(db, DATA / case["file"], clock=CLOCK)
    if case["errors_at_least"]:
        assert (report.imported, report.committed, stored(db)) == (0, False, {})
        assert db.query("SELECT * FROM customers") == [] and db.query("SELECT * FROM audit") == []
        assert "何も取り込んでいません" in report.text()
    else:
        assert stored(db) == expected_valid(case) and report.committed


def test_duplicate_does_not_overwrite_first(db):
    report = import_invoices(db, DATA / "accounting-export-cp932.csv", valid_only=True, clock=CLOCK)
    duplicate = next(e for e in report.errors if e.number == "INV-2026-0002")
    assert (duplicate.row, duplicate.field) == (10, "number")
    assert stored(db)["INV-2026-0002"]["phone"] == "+819012345679"     # the first row's, not 090-1234-5679


def test_rows_are_numbered_as_excel_shows_them():
    report = check_file((DATA / "accounting-export-cp932.csv").read_bytes(), "a.csv")
    assert {e.number: (e.row, e.field) for e in report.errors if "同じ" not in e.message} == {
        "INV-2026-0004": (5, "phone"), "INV-2026-0006": (7, "amount"), "INV-2026-0007": (8, "amount"),
        "INV-2026-0008": (9, "due_date")}
    assert [i.row for i in report.invoices if i.number == "INV-2026-0011"] == [13]   # cell with a line break


def test_json_contract(db):
    data = import_invoices(db, DATA / "simple-en-utf8.csv", clock=CLOCK).as_dict()
    assert {"rows", "imported", "errors", "invoices"} <= set(data)
    assert data["invoices"][0] == {"row": 2, "number": "A-1", "name": "Ken Ito", "phone": "+819088889999",
                                   "amount": 12000, "due_date": "2026-12-10"}


def test_human_report_names_row_field_and_problem(db):
    text = import_invoices(db, DATA / "accounting-export-cp932.csv", valid_only=True, clock=CLOCK).text()
    assert "12行中 7件を取り込みました" in text and "エラー 5件:" in text
    assert "  5行目（INV-2026-0004） 電話番号: 固定電話のためSMSを送れません" in text.splitlines()
