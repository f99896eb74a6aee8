"""Admin page latency with 100k customers and 1M messages (goal: p95 under 150 ms).

Real HTTP to waitress, one logged-in client with keep-alive, as a browser on the LAN.
"""
from __future__ import annotations

import http.client
import re
import socket
import statistics
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from waitress.server import create_server

from appliance.clock import TOKYO, ManualClock
from appliance.services import Services
from bench.webdata import build
from web import create_app

DATA = Path("var/bench/web.db")
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)
PAGES = {"dashboard": "/", "invoice_search": "/invoices/?q=%E9%A1%A7%E5%AE%A20123",   # 顧客0123
         "invoice_overdue": "/invoices/?status=open&overdue=1", "conversations": "/conversations/"}
REQUESTS = 60
GOAL_MS = 150


class Browser:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return response.status, text

    def login(self, name: str, password: str) -> None:
        _, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", "/login", {"name": name, "password": password, "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"login failed: {status}")


def run() -> dict:
    DATA.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    db = build(DATA, NOW)
    results = {"data_build_s": round(time.perf_counter() - started, 1),
               "customers": db.one("SELECT count(*) FROM customers")[0],
               "messages": db.one("SELECT count(*) FROM outbox")[0]}
    services = Services(db, ManualClock(NOW), company="ベンチ商事")
    if services.user_count() == 0:
        services.create_user("bench", "bench-password-1", "admin", actor="bench")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server(create_app(services), host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        browser = Browser(port)
        browser.login("bench", "bench-password-1")
        for name, path in PAGES.items():
            timings = []
            for i in range(REQUESTS + 5):
                began = time.perf_counter()
                status, _ = browser.request("GET", path)
                elapsed = (time.perf_counter() - began) * 1000
                if status != 200:
                    results[f"{name}_error"] = f"HTTP {status} for {path}"
                    break
                if i >= 5:                       # the first requests warm caches
                    timings.append(elapsed)
            if timings:
                results[f"{name}_p50_ms"] = round(statistics.median(timings), 1)
                results[f"{name}_p95_ms"] = round(statistics.quantiles(timings, n=20)[18], 1)
                results[f"{name}_goal"] = f"p95 < {GOAL_MS} ms: {'met' if results[f'{name}_p95_ms'] < GOAL_MS else 'MISSED'}"
    finally:
        server.task_dispatcher.shutdown()
        server.close()
    return results
