"""Access, CSRF, roles, throttling, headers."""
import pytest

from tests.web.conftest import ADMIN, PASSWORD, logged_in


def test_first_visit_goes_to_setup_and_setup_closes_after(client, services):
    assert client.get("/").headers["Location"].endswith("/setup")
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    assert client.get("/setup").headers["Location"].endswith("/login")


@pytest.mark.parametrize("path", ["/", "/invoices/", "/outbox/", "/conversations/", "/audit/", "/modems/"])
def test_pages_redirect_to_login_when_logged_out(client, services, path):
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


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
