"""The modems page: each SIM's state and use today; an admin's test send, queued now and audited."""
import re

from appliance.clock import iso
from tests.web.conftest import logged_in
from tests.web.test_outbox_page import add_sim


def queued_tests(services):
    return [dict(r) for r in services.db.query("SELECT * FROM outbox WHERE kind='test'")]


def test_status_usage_and_last_error(client, services):
    logged_in(client, services, role="viewer")
    sim = add_sim(services)
    add_sim(services, number="+818033334444", online=0)
    today = services.now().astimezone(services.rules.zone).date().isoformat()
    with services.db.write() as conn:
        conn.execute("UPDATE sims SET last_error='+CMS ERROR: 500' WHERE number='+818033334444'")
        conn.execute("INSERT INTO sim_usage (sim_id, day, parts) VALUES (?,?,?)", (sim, today, 42))
    page = client.get("/modems/").get_data(as_text=True)
    assert "+818011112222" in page and "42 / 180通" in page and "接続中" in page
    assert "未接続" in page and "+CMS ERROR: 500" in page and "/dev/ttyUSB2" in page
    assert "テスト送信" not in page                       # a viewer sees no test send form


def test_admin_test_send_is_queued_now_from_that_sim_and_audited(client, services):
    logged_in(client, services)
    add_sim(services)
    sim = add_sim(services, number="+818033334444")
    response = client.post("/modems/test", data={"sim_id": sim, "number": "090-8765-4321", "text": ""})
    assert response.status_code == 302
    (message,) = queued_tests(services)
    assert (message["recipient"], message["prefer_sim_id"], message["status"]) == ("+819087654321", sim, "queued")
    assert message["not_before"] == iso(services.now()) and "テスト送信" in message["body"]
    (record,) = [r for r in services.audit_log() if r["action"] == "modem.test"]
    assert record["actor"] == "kanri" and "+819087654321" in record["detail"]
    assert "前回: 送信待ち" in client.get("/modems/").get_data(as_text=True)


def test_bad_number_is_refused(client, services):
    logged_in(client, services)
    sim = add_sim(services)
    response = client.post("/modems/test", data={"sim_id": sim, "number": "12"}, follow_redirects=True)
    assert "送信先の電話番号を正しく入力してください" in response.get_data(as_text=True)
    response = client.post("/modems/test", data={"sim_id": 99, "number": "090-8765-4321"}, follow_redirects=True)
    assert "SIMが見つかりません" in response.get_data(as_text=True)
    assert queued_tests(services) == []


def test_viewer_and_staff_cannot_test_send(client, services):
    sim = add_sim(services)
    for role in ("viewer", "staff"):
        logged_in(client, services, role=role)
        assert client.post("/modems/test", data={"sim_id": sim, "number": "090-8765-4321"}).status_code == 403
    assert queued_tests(services) == []


def test_signal_network_and_operator_on_the_modems_page_and_the_dashboard(client, services):
    logged_in(client, services, role="viewer")
    sim = add_sim(services)
    add_sim(services, number="+818033334444", online=0)
    with services.db.write() as conn:
        conn.execute("UPDATE sims SET signal_dbm=-77, registration='home', operator='NTT DOCOMO',"
                     " network_read_at=? WHERE id=?", (iso(services.now()), sim))
        conn.execute("UPDATE sims SET signal_dbm=-101, registration='roaming', operator='KDDI',"
                     " network_read_at=? WHERE number='+818033334444'", (iso(services.now()),))
    for page in (client.get("/modems/").get_data(as_text=True), client.get("/").get_data(as_text=True)):
        assert "電波" in page and "通信網" in page
        assert re.search(r"▂▄▆</span>\s*中\s*<small>-77 dBm</small>", page)      # 3 bars of 4
        assert re.search(r"在圏\s*<small>NTT DOCOMO</small>", page)
        assert "KDDI" not in page and "-101 dBm" not in page      # an offline modem's old reading is not shown
    with services.db.write() as conn:
        conn.execute("UPDATE sims SET online=1, registration='searching', signal_dbm=NULL, operator=NULL"
                     " WHERE number='+818033334444'")
    page = client.get("/modems/").get_data(as_text=True)
    assert "圏外（検索中）" in page and "不明" in page


def test_a_refused_pin_is_explained_in_japanese_and_english(client, services):
    logged_in(client, services, role="viewer")
    add_sim(services, online=0)
    with services.db.write() as conn:
        conn.execute("UPDATE sims SET sim_lock='pin', last_error='the SIM refused the PIN (+CME ERROR: 16)'")
    for url in ("/modems/", "/"):
        assert "PINが違います。設定を直してください" in client.get(url).get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    page = client.get("/modems/").get_data(as_text=True)
    assert "The PIN is wrong. Please correct the configuration" in page and "PINが違います" not in page
