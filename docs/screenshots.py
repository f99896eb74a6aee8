"""Screenshots of the main admin pages for the README: `make screenshots`.

Runs the demo (simulated modems, demo customers and their replies) on a fresh database for a few
seconds, then opens the pages in Debian's headless Chromium and saves docs/screenshots/*.png.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from appliance import demo
from appliance.app import Appliance
from appliance.services import Services
from modem.sim.network import NetworkSettings
from web import server

OUT = Path(__file__).with_name("screenshots")
PAGES = (("dashboard", "/"), ("invoices", "/invoices/"), ("templates", "/templates/"),
         ("campaigns", "/campaigns/"), ("outbox", "/outbox/"), ("conversations", "/conversations/"),
         ("modems", "/modems/"))
PORT = 8099


def run_demo(state: Path) -> tuple[Appliance, object]:
    simulator, config = demo.build(state)
    simulator.network.settings.part_time = 0.0
    simulator.network.settings.delivery_delay = 0.2
    for handset in simulator.network.handsets.values():
        handset.reply_after = min(handset.reply_after, 1.0)
    app = Appliance(config, demo.demo_clock(datetime.now(timezone.utc), config, 1.0))
    demo.seed_invoices(app, app.clock.now().astimezone(config.rules.zone).date())
    app.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and app.db.one("SELECT count(*) FROM inbox")[0] < 4:
        time.sleep(0.2)
    return app, simulator


def main() -> None:
    state = Path(tempfile.mkdtemp(prefix="tokusoku-shots-"))
    app, simulator = run_demo(state)
    services = Services(app.db, app.clock, rules=app.rules, company=app.config.company,
                        contact_phone=app.config.contact_phone)
    services.create_user("kanri", "screenshot-password", "admin", actor="screenshots")
    stop = server.start(services, "127.0.0.1", PORT)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", "--lang=ja", "--window-size=1200,900", f"--user-data-dir={state / 'chrome'}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        base = f"http://127.0.0.1:{PORT}"
        browser.get(base + "/login")
        browser.find_element(By.NAME, "name").send_keys("kanri")
        browser.find_element(By.NAME, "password").send_keys("screenshot-password")
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        OUT.mkdir(exist_ok=True)
        for name, path in PAGES:
            browser.get(base + path)
            browser.save_screenshot(str(OUT / f"{name}.png"))
            print("saved", OUT / f"{name}.png")
        conversation = app.db.one("SELECT id FROM conversations ORDER BY id LIMIT 1")
        if conversation:
            browser.get(f"{base}/conversations/{conversation[0]}")
            browser.save_screenshot(str(OUT / "conversation.png"))
        browser.set_window_size(420, 860)
        browser.get(base + "/")
        browser.save_screenshot(str(OUT / "dashboard-phone.png"))
    finally:
        browser.quit()
        stop()
        app.stop()
        simulator.stop()
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
