"""After logging in, ?next= leads back to a page of this box, never to another site, whatever
characters a browser drops or turns around (tab, newline, backslash)."""
from urllib.parse import quote

import pytest

from tests.web.conftest import ADMIN, PASSWORD


def log_in(client, services, next_):
    services.create_user(ADMIN, PASSWORD, "admin", actor="test")
    return client.post(f"/login?next={quote(next_, safe='')}", data={"name": ADMIN, "password": PASSWORD})


@pytest.mark.parametrize("next_", ["//evil.example", "/\t/evil.example", "/\n/evil.example", "/\\evil.example",
                                   "\\\\evil.example", "https://evil.example/",
                                   " //evil.example", "javascript:alert(1)", "///evil.example"])
def test_a_next_leading_elsewhere_goes_to_the_dashboard(client, services, next_):
    response = log_in(client, services, next_)
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("next_", ["/imports/", "/invoices/7?page=2", "/outbox/?status=failed",
                                   "/%09/evil.example"])       # percent-encoded: a path here, not a host
def test_a_next_on_this_box_is_followed(client, services, next_):
    response = log_in(client, services, next_)
    assert response.status_code == 302 and response.headers["Location"] == next_
