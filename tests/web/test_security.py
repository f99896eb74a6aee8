"""Access, CSRF, roles, throttling, headers."""
import pytest

from tests.web.conftest import ADMIN, PASSWORD, logged_in


def test_first_visit_goes_to_setup_and_setup_closes_after(client, services):
    assert client.get("/").headers["Location"].endswith("/setup")
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    assert client.get("/setup").headers["Location"].endswith("/login")


# Endpoints anyone may GET without logging in. Every other GET route must send a logged-out
# visitor to the login page: a new page without login fails the test below.
# (web/security.py keeps its own list; this one is the test's independent statement of it.)
OPEN_ENDPOINTS = {"static", "auth.login", "auth.setup", "auth.health", "i18n.choose"}
# A plausible value for each kind of URL argument (the record need not exist: login comes first).
SAMPLE_ARGUMENT = {"IntegerConverter": 1, "FloatConverter": 1.0, "UUIDConverter": "0" * 32}


def get_paths(app) -> list[tuple[str, str]]:
    """(endpoint, a URL for it) for every GET rule of the app."""
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            values = {name: SAMPLE_ARGUMENT.get(type(converter).__name__, "x")
                      for name, converter in rule._converters.items()}
            paths.append((rule.endpoint, app.url_for(rule.endpoint, **values)))
    return paths


def not_sent_to_login(app, client) -> list[str]:
    """The GET paths outside OPEN_ENDPOINTS that a logged-out visitor reaches without logging in."""
    bad = []
    for endpoint, path in get_paths(app):
        if endpoint in OPEN_ENDPOINTS:
            continue
        response = client.get(path)
        if response.status_code != 302 or "/login" not in response.headers.get("Location", ""):
            bad.append(f"{path} ({endpoint}): {response.status_code}")
    return bad


def test_pages_redirect_to_login_when_logged_out(client, app, services):
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    paths = get_paths(app)
    assert len(paths) > 15 and {"dashboard.index", "invoices.detail", "imports.preview"} <= {e for e, _ in paths}
    assert not_sent_to_login(app, client) == []


def test_a_new_page_without_login_is_caught(client, app, services, monkeypatch):
    from web import security
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    app.add_url_rule("/leak/<int:item>", "leak", lambda item: "secret")
    monkeypatch.setattr(security, "OPEN_ENDPOINTS", security.OPEN_ENDPOINTS | {"leak"})    # left open by mistake
    assert not_sent_to_login(app, client) == ["/leak/1 (leak): 200"]


def test_open_pages(client, services):
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    assert client.get("/login").status_code == 200
    assert client.get("/health").json == {"ok": True}
    assert client.get("/static/style.css").status_code == 200


def test_post_without_csrf_token_is_refused(client, app, services):
    app.config["WTF_CSRF_ENABLED"] = True
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    response = client.post("/login", data={"name": ADMIN, "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/login", data={"name": ADMIN, "password": PASSWORD, "csrf_token": token}).status_code == 302


def test_wrong_passwords_are_throttled(client, services):
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    for _ in range(5):
        assert client.post("/login", data={"name": ADMIN, "password": "nope-nope-nope"}).status_code == 401
    response = client.post("/login", data={"name": ADMIN, "password": PASSWORD})
    assert response.status_code == 401 and "15分" in response.get_data(as_text=True)


def test_security_headers(client, services):
    logged_in(client, services)
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"] and "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "no-referrer"


def test_session_cookie_is_httponly_and_samesite(client, services):
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    response = client.post("/login", data={"name": ADMIN, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_login_and_logout_are_audited(client, services):
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    client.post("/login", data={"name": ADMIN, "password": PASSWORD})
    client.post("/logout")
    assert [r["action"] for r in services.audit_log()][:2] == ["logout", "login"]


def test_dashboard_shows_what_stops_sending(client, services):
    logged_in(client, services)
    services.appliance_health_source = lambda: {"ok": False, "problems": ["時計が2時間遅れています。送信を止めています。"]}
    assert "時計が2時間遅れています。送信を止めています。" in client.get("/").get_data(as_text=True)
