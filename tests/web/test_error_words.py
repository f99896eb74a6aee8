"""Stored modem errors read as staff's words on every page that shows them (the technical text
stays in the title, for support), in Japanese and in English."""
import re

from tests.web.conftest import logged_in
from tests.web.test_outbox_page import add_sim, message

CMS_1 = "'AT+CMGS=153' failed: +CMS ERROR: 1"
TIMEOUT = "/dev/ttyUSB2: no answer to 'AT+CMGS=20' in 60 s (parts confirmed: 0)"


def _failed_with(services, key, error, status="failed"):
    message_id = message(services, key, status=status)
    with services.db.write() as conn:
        conn.execute("UPDATE outbox SET last_error=? WHERE id=?", (error, message_id))
    return message_id


def _shown(page):
    """The page without its title attributes (where the technical text stays, for support)."""
    return re.sub(r' title="[^"]*"', "", page)


def test_outbox_shows_the_cause_in_words_and_keeps_the_code_in_the_title(client, services):
    logged_in(client, services, role="viewer")
    _failed_with(services, "a", CMS_1)
    _failed_with(services, "b", TIMEOUT, status="uncertain")
    page = client.get("/outbox/").get_data(as_text=True)
    assert "この番号は使われていません" in page and "モデムから応答がありません" in page
    assert ' title="&#39;AT+CMGS=153&#39; failed: +CMS ERROR: 1"' in page
    rest = _shown(page)
    assert "CMS ERROR" not in rest and "no answer" not in rest
    client.post("/language", data={"lang": "en"})
    page = client.get("/outbox/").get_data(as_text=True)
    assert "This number is not in use" in page and "The modem did not answer" in page


def test_audit_and_dashboard_use_the_same_words(client, services):
    logged_in(client, services, role="viewer")
    services.audit("system", "send.failed", f"7: {CMS_1}")
    with services.db.write() as conn:
        conn.execute("UPDATE sims SET last_error=? WHERE id=?",
                     ("cannot open /dev/ttyUSB2: [Errno 2] No such file or directory", add_sim(services, online=0)))
    rows = client.get("/audit/").get_data(as_text=True).split("<tbody>")[1]
    assert "#7" in rows and "この番号は使われていません" in rows and "CMS ERROR" not in _shown(rows)
    page = client.get("/").get_data(as_text=True)
    assert "モデムが見つかりません" in page and "Errno" not in _shown(page)


def test_an_error_of_no_known_kind_is_shown_as_it_is(client, services):
    logged_in(client, services, role="viewer")
    _failed_with(services, "a", "本文が長すぎます（700文字で11通。送れるのは10通まで）")
    assert "本文が長すぎます（700文字" in client.get("/outbox/").get_data(as_text=True)


def test_every_cause_has_english():
    from appliance import failures
    from web.i18n import EN
    words = {*failures.CMS_JA.values(), *failures.CME_JA.values(), *(w for _, w in failures._PATTERNS),
             failures.NETWORK_REFUSED, failures.MODEM_REFUSED, failures.PARTS_SENT}
    assert not sorted(words - set(EN))
