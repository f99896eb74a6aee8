"""The demo's invoices arrive the way staff bring theirs: a Shift_JIS CSV through the importer."""
from datetime import date, datetime, timezone

from appliance import demo
from appliance.app import Appliance
from appliance.clock import ManualClock
from appliance.config import Config
from appliance.phones import national


def test_demo_invoices_are_imported_from_a_cp932_csv_once(tmp_path):
    app = Appliance(Config(database=tmp_path / "demo.db"), ManualClock(datetime(2026, 12, 4, 1, tzinfo=timezone.utc)))
    today = date(2026, 12, 4)

    assert demo.seed_invoices(app, today) == len(demo.CUSTOMERS)

    stored = {tuple(r) for r in app.db.query(
        "SELECT c.name, c.phone, i.amount, i.due_date FROM invoices i JOIN customers c ON c.id = i.customer_id")}
    assert stored == {(name, phone, amount, date.fromordinal(today.toordinal() + due_in).isoformat())
                      for name, phone, due_in, amount, _ in demo.CUSTOMERS}
    (detail,) = app.db.one("SELECT detail FROM audit WHERE action = 'import' AND actor = 'demo'")
    assert "デモ請求一覧.csv" in detail
    assert demo.seed_invoices(app, today) == 0                   # a restarted demo keeps its history
    assert app.db.one("SELECT count(*) FROM invoices")[0] == len(demo.CUSTOMERS)


def test_national_number_as_written_in_a_spreadsheet():
    assert national("+819012340001") == "090-1234-0001"
    assert national("+817012340004") == "070-1234-0004"
