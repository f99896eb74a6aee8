"""On a phone (375 px) every list keeps every column and every button: rows become cards, each
cell labelled with its column. Real headless Chromium emulating the phone's screen."""
from appliance.importing import import_invoices
from tests.web.test_invoices_browser import login
from tests.web.test_outbox_page import message

PHONE = {"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": True}
CSV = ("請求書番号,取引先名,電話番号,金額,支払期日\n"
       "INV-2026-0001,佐藤 花子,090-1111-2222,12000,2026/12/01\n"
       "INV-2026-0002,鈴木 一郎,080-3333-4444,8800,2026/12/20\n")

# Cells and buttons of the lists that a phone does not show or shows cut off at the screen's edge.
HIDDEN = """
if (window.innerWidth !== 375) return ["the page is " + window.innerWidth + " px wide, not a phone's 375"];
return [...document.querySelectorAll("table.list td, table.list button")].filter((el) => {
  if (el.tagName === "TD" && !el.textContent.trim() && !el.children.length) return false;   // nothing to lose
  const box = el.getBoundingClientRect();
  return el.offsetParent === null || box.width === 0 || box.left < 0 || box.right > window.innerWidth;
}).map((el) => el.outerHTML.slice(0, 120));
"""


def on_phone(browser):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)


def labelled(browser, text):
    """The label a phone shows before the cell holding `text` (its column's heading)."""
    return browser.execute_script(
        "return [...document.querySelectorAll('table.list td')].find((td) => td.textContent.includes(arguments[0]))"
        ".dataset.label", text)


def test_outbox_on_a_phone_keeps_body_times_and_every_button(browser, server, services):
    queued = message(services, "k1", body="お支払いのお願い（送信待ち）")
    message(services, "k2", status="failed", body="失敗した督促")
    message(services, "k3", status="uncertain", body="届いたか分からない督促")
    delivered = message(services, "k4", status="delivered", body="配達済の督促")
    with services.db.write() as conn:
        conn.execute("UPDATE outbox SET sent_at=?, delivered_at=? WHERE id=?",
                     ("2026-12-07T01:00:00+00:00", "2026-12-07T01:01:00+00:00", delivered))
    on_phone(browser)
    login(browser, server, services, "/outbox/")
    buttons = [b.text for b in browser.find_elements("css selector", "table.list button")]
    assert sorted(buttons) == sorted(["取消", "再送", "送信済として扱う", "再送する"])
    assert browser.execute_script(HIDDEN) == []
    assert labelled(browser, "配達済の督促") == "本文" and labelled(browser, "12月7日 10:01") == "送信 / 配達"
    assert labelled(browser, "お支払いのお願い（送信待ち）") == "本文"
    assert browser.find_element("css selector", f"#message-{queued} button").is_displayed()


def test_invoices_on_a_phone_keep_due_date_state_and_phone(browser, server, services):
    import_invoices(services.db, CSV.encode(), name="t.csv", clock=services.clock)
    on_phone(browser)
    login(browser, server, services, "/invoices/")
    assert browser.execute_script(HIDDEN) == []
    assert labelled(browser, "2026年12月20日") == "支払期日" and labelled(browser, "+818033334444") == "電話番号"
    assert labelled(browser, "INV-2026-0001") == "請求書番号"
    states = [td.text for td in browser.find_elements("css selector", "#invoice-list td.status-open")]
    assert len(states) == 2 and all(td.startswith("未入金") for td in states)


def test_every_list_on_a_phone_shows_all_its_cells(browser, server, services):
    """The lists of the other pages (staff, modems, users, templates...) lose nothing either."""
    import_invoices(services.db, CSV.encode(), name="t.csv", clock=services.clock)
    services.save_staff(None, {"name": "佐藤", "phone": "090-1111-2222", "email": "sato@example.jp",
                               "notify_sms": "1"}, actor="test")
    on_phone(browser)
    login(browser, server, services, "/staff/")
    assert [b.text for b in browser.find_elements("css selector", "table.list button")] == ["削除"]
    for path in ("/", "/invoices/1", "/templates/", "/campaigns/", "/conversations/?show=all", "/modems/",
                 "/audit/", "/staff/"):
        browser.get(server + path)
        assert browser.find_elements("css selector", "table.list td"), path
        assert browser.execute_script(HIDDEN) == [], path
