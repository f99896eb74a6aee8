from datetime import date, datetime, time

import pytest

from appliance.clock import TOKYO
from appliance.schedule import SendingRules, allowed, next_allowed, step_time
from appliance.templates import InvoiceFacts, TemplateError, check, japanese_date, render, yen

RULES = SendingRules()


def jst(*args):
    return datetime(*args, tzinfo=TOKYO)


@pytest.mark.parametrize("moment, ok", [
    (jst(2026, 12, 7, 7, 59), False), (jst(2026, 12, 7, 8, 0), True), (jst(2026, 12, 7, 20, 59), True),
    (jst(2026, 12, 7, 21, 0), False), (jst(2026, 12, 8, 0, 30), False)])
def test_quiet_hours_21_to_8(moment, ok):
    assert allowed(moment, RULES) is ok


def test_next_allowed_waits_for_the_morning():
    assert next_allowed(jst(2026, 12, 7, 22, 15), RULES) == jst(2026, 12, 8, 8, 0)
    assert next_allowed(jst(2026, 12, 8, 3, 0), RULES) == jst(2026, 12, 8, 8, 0)
    assert next_allowed(jst(2026, 12, 8, 9, 0), RULES) == jst(2026, 12, 8, 9, 0)


def test_sundays_and_holidays_can_be_skipped():
    rules = SendingRules(skip_sundays=True, skip_holidays=True)
    # 2027-01-01 is a holiday (Friday); 01-03 a Sunday; 01-11 Coming of Age Day
    assert next_allowed(jst(2026, 12, 31, 22, 0), rules) == jst(2027, 1, 2, 8, 0)
    assert next_allowed(jst(2027, 1, 3, 10, 0), rules) == jst(2027, 1, 4, 10, 0).replace(hour=8)
    assert not allowed(jst(2027, 1, 11, 12, 0), rules)


def test_step_time_relative_to_due_date():
    assert step_time(date(2026, 12, 10), -3, time(10, 0), RULES) == jst(2026, 12, 7, 10, 0)
    assert step_time(date(2026, 12, 10), 0, time(22, 0), RULES) == jst(2026, 12, 11, 8, 0)


def test_quiet_hours_within_a_day():
    rules = SendingRules(quiet_start=time(12, 0), quiet_end=time(13, 0))
    assert next_allowed(jst(2026, 12, 7, 12, 30), rules) == jst(2026, 12, 7, 13, 0)
    assert allowed(jst(2026, 12, 7, 23, 0), rules)


def test_template_rendering_in_japanese_style():
    facts = InvoiceFacts("山田 太郎", 120000, date(2026, 12, 10), "INV-1")
    text = render("{name}様 {invoice} {amount} 期限{due_date} {company} {contact_phone}", facts,
                  company="サンプル", contact_phone="03-1234-5678")
    assert text == "山田 太郎様 INV-1 ¥120,000 期限12月10日 サンプル 03-1234-5678"
    assert (yen(5500), japanese_date(date(2027, 1, 5))) == ("¥5,500", "1月5日")


@pytest.mark.parametrize("body, message", [("{nmae}様", "{nmae}"), ("{name様", "括弧")])
def test_template_errors_name_the_problem(body, message):
    with pytest.raises(TemplateError, match=message):
        check(body)


def test_outbox_refuses_text_past_ten_parts(tmp_path):
    from appliance.db import Database
    from appliance.outbox import Outbox
    from modem.pdu import PduError
    outbox = Outbox(Database(tmp_path / "o.db"))
    now = jst(2026, 12, 7, 10, 0)
    with pytest.raises(PduError, match="671 characters need 11 parts"):
        outbox.enqueue(key="k", kind="test", recipient="+819012345678", body="あ" * 671, not_before=now, now=now)
    assert outbox.enqueue(key="k", kind="test", recipient="+819012345678", body="あ" * 670, not_before=now, now=now)
    assert outbox.enqueue(key="k", kind="test", recipient="+819012345678", body="あ", not_before=now, now=now) is None
