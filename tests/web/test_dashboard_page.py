"""The dashboard's figures for today read as staff count them."""
from tests.web.conftest import logged_in
from tests.web.test_outbox_page import message


def figures(page: str) -> str:
    return page.split('class="big">', 1)[1].split("</div>", 1)[0]


def test_today_sent_counts_what_went_out_and_failures_are_told_apart(client, services):
    logged_in(client, services, role="viewer")
    for key, status in (("a", "delivered"), ("b", "delivered"), ("c", "sent"), ("d", "failed")):
        message(services, key, status=status)
    card = figures(client.get("/").get_data(as_text=True))
    assert card.startswith("3<")                                  # delivered and sent, not the failure
    assert "うち配達済 2" in card and "失敗 1" in card
