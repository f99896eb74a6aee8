"""English on request: the switch in the header, per session, Japanese by default."""
from tests.web.conftest import logged_in
from web.i18n import EN


def test_japanese_by_default_and_english_after_the_switch(client, services):
    logged_in(client, services)
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ja">' in page and ">設定</a>" in page and "ログアウト" in page
    response = client.post("/language", data={"lang": "en", "next": "/staff/"})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    for label in ("Dashboard", "Invoices", "Settings", "Staff", "Log out", "Sent today"):
        assert label in page
    assert ">設定</a>" not in page
    assert "Staff and forwarding" in client.get("/staff/").get_data(as_text=True)
    assert "Quiet hours start" in client.get("/settings/").get_data(as_text=True)
    client.post("/language", data={"lang": "ja"})
    assert ">設定</a>" in client.get("/").get_data(as_text=True)


def test_the_switch_works_before_login_and_refuses_other_sites(client, services):
    services.create_user("kanri", "correct horse battery", "admin", actor="test")
    response = client.post("/language", data={"lang": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
    page = client.get("/login").get_data(as_text=True)
    assert "User name" in page and "Log in" in page


def test_english_validation_messages_name_the_field(client, services):
    logged_in(client, services)
    client.post("/language", data={"lang": "en"})
    page = client.post("/settings/", data={"company": "", "quiet_start": "9", "quiet_end": "08:00",
                                           "per_customer_per_day": "1", "daily_cap": "180",
                                           "cost_per_part": "3"}).get_data(as_text=True)
    assert "Please enter the Company name" in page and "Quiet hours start: enter a time like 21:00" in page
    page = client.post("/staff/", data={"name": "Sato", "phone": "12"}).get_data(as_text=True)
    assert "The phone number “12” is not valid" in page


def test_the_switch_needs_a_csrf_token(client, app, services):
    app.config["WTF_CSRF_ENABLED"] = True
    logged_in(client, services)
    assert client.post("/language", data={"lang": "en"}).status_code == 400


def test_every_catalogue_entry_keeps_its_parameters():
    import re
    for japanese, english in EN.items():
        assert set(re.findall(r"{(\w+)}", japanese)) == set(re.findall(r"{(\w+)}", english)), japanese
