"""The admin page on a real SQLite file, served by waitress, driven by Debian's headless Chromium."""
import shutil
import socket
import threading
from datetime import datetime

import pytest
from waitress.server import create_server

from appliance.clock import TOKYO, ManualClock
from appliance.db import Database
from appliance.services import Services
from web import create_app

ADMIN, PASSWORD = "kanri", "correct horse battery"


@pytest.fixture
def services(tmp_path):
    db = Database(tmp_path / "web.db")
    return Services(db, ManualClock(datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)), company="サンプル商事",
                    contact_phone="03-1234-5678")


@pytest.fixture
def app(services):
    return create_app(services, {"TESTING": True})


@pytest.fixture
def client(app):
    """Flask's test client; CSRF checks are off for it (test_security.py turns them on to test them)."""
    app.config["WTF_CSRF_ENABLED"] = False
    return app.test_client()


def logged_in(client, services, role="admin", name=None):
    """A test client logged in as a new user with `role` (an admin exists first)."""
    if services.user_count() == 0:
        services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    name = name or (ADMIN if role == "admin" else f"user-{role}")
    if name != ADMIN:
        services.create_user(name, PASSWORD, role, actor="test")
    with client.session_transaction() as session:
        session["user_id"] = services.db.one("SELECT id FROM users WHERE name=?", (name,))[0]
    return client


@pytest.fixture
def server(app):
    """The app behind waitress on a free port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    httpd = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    httpd.task_dispatcher.shutdown()
    httpd.close()


@pytest.fixture
def browser(tmp_path):
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("Debian's chromium and chromium-driver are not installed (make test installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--lang=ja", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    chrome.implicitly_wait(3)
    yield chrome
    chrome.quit()


def wait_url(browser, part: str, timeout: float = 5.0) -> None:
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(browser, timeout).until(lambda b: part in b.current_url)
