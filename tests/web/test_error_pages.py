"""Error pages: an expired form (CSRF) and every HTTP error the app raises get a page of its own,
in the page's language and through base.html, never Werkzeug's English one."""
import io

import pytest

from tests.web.conftest import ADMIN, PASSWORD, logged_in
from tests.web.test_outbox_page import message

WERKZEUG = ("Bad Request", "Forbidden", "Not Found", "Method Not Allowed", "Request Entity Too Large",
            "Internal Server Error", "CSRF")


def token_on(client, path):
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def log_in_with_form(client, services):
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    response = client.post("/login", data={"name": ADMIN, "password": PASSWORD,
                                           "csrf_token": token_on(client, "/login")})
    assert response.status_code == 302


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def upload_csv(client, token):
    return client.post("/imports/upload", data={"file": (io.BytesIO(b"a,b\n1,2\n"), "t.csv"), "csrf_token": token},
                       content_type="multipart/form-data")


def assert_own_page(page, *texts):
    assert '<header class="top">' in page and "督促SMS" in page        # through base.html
    for text in texts:
        assert text in page, text
    for english in WERKZEUG:
        assert english not in page, english


def test_logged_out_in_another_tab_then_submitting_the_import_form(csrf_client, services):
    log_in_with_form(csrf_client, services)
    token = token_on(csrf_client, "/imports/")                # the import page open in one tab
    csrf_client.post("/logout", data={"csrf_token": token_on(csrf_client, "/")})      # logged out in another
    response = upload_csv(csrf_client, token)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert_own_page(page, "ページを開いてから時間がたったか、ログインが切れました", "何も変更していません")
    assert 'href="/login?next=/imports/"' in page                 # log in again, then back to the import page
    assert services.db.one("SELECT count(*) FROM invoices")[0] == 0


def test_a_stale_token_while_logged_in_links_back_to_the_page(csrf_client, services):
    log_in_with_form(csrf_client, services)
    with csrf_client.session_transaction() as session:
        session["csrf_token"] = "another-session's-token"          # e.g. the session was renewed meanwhile
    for path, back in (("/imports/upload", "/imports/"), ("/settings/", "/settings/"), ("/staff/", "/staff/"),
                       ("/staff/3", "/staff/3"), ("/outbox/5/cancel", "/outbox/"),
                       ("/invoices/1/paid", "/invoices/1")):
        response = csrf_client.post(path, data={"csrf_token": "stale"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, path
        assert_own_page(page, "何も変更していません")
        assert f'href="{back}"' in page, (path, back)
        assert "ログインが切れました" in page and "/login?next" not in page


def test_the_expired_form_page_in_english(csrf_client, services):
    log_in_with_form(csrf_client, services)
    csrf_client.post("/language", data={"lang": "en", "csrf_token": token_on(csrf_client, "/")})
    page = upload_csv(csrf_client, "stale").get_data(as_text=True)
    assert '<html lang="en">' in page and "Nothing was changed" in page and "何も変更していません" not in page


def test_http_errors_get_a_japanese_page(client, app, services):
    logged_in(client, services, role="viewer", name="etsuran")
    cases = {
        404: client.get("/no-such-page"),
        405: client.get("/logout"),
        403: client.post("/imports/upload"),
    }
    logged_in(client, services, role="admin")
    unsure = message(services, "k1", status="uncertain")
    cases[400] = client.post(f"/outbox/{unsure}/decide", data={"decision": "maybe"})
    app.config["MAX_CONTENT_LENGTH"] = 100
    cases[413] = client.post("/imports/upload", data={"file": (io.BytesIO(b"x" * 1000), "big.csv")},
                             content_type="multipart/form-data")
    expected = {404: "ページが見つかりません", 405: "この操作はできません", 403: "権限がありません",
                400: "リクエストが正しくありません", 413: "ファイルが大きすぎます"}
    for status, response in cases.items():
        assert response.status_code == status
        assert_own_page(response.get_data(as_text=True), expected[status])


def test_an_unexpected_fault_gets_a_japanese_page(client, app, services):
    app.config["PROPAGATE_EXCEPTIONS"] = False                     # as in production: no traceback to the browser

    @app.get("/boom")
    def boom():
        raise RuntimeError("disk on fire")

    logged_in(client, services)
    response = client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert_own_page(page, "内部エラーが発生しました")
    assert "disk on fire" not in page
