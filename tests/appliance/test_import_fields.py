"""Each form of phone, amount, date, name and totals label the importer accepts or rejects."""
from datetime import date

import pytest

from appliance.importing.errors import FieldError
from appliance.importing.fields import (clean, is_total_label, name_key, parse_amount, parse_date,
                                        parse_name, parse_number, parse_phone, require_sms)


@pytest.mark.parametrize("cell, e164", [
    ("090-1234-5678", "+819012345678"),
    ("09012345678", "+819012345678"),
    ("9012345678", "+819012345678"),               # Excel dropped the leading 0
    ("819012345678", "+819012345678"),             # Excel dropped the +
    ("０９０－１２３４－５６７８", "+819012345678"),   # full-width digits and hyphens
    ("０９０ー１２３４ー５６７８", "+819012345678"),   # long-vowel mark typed for a hyphen
    ("(090)1234-5678", "+819012345678"),
    ("（090）1234-5678", "+819012345678"),
    ("+81 90-1234-5678", "+819012345678"),
    ("+81-90-1234-5678", "+819012345678"),
    ("080 9876 5432", "+818098765432"),
    ("070-5555-6666", "+817055556666"),
    ("'+819012345678", "+819012345678"),           # our export's protective apostrophe
    ("  090-1234-5678\u3000", "+819012345678"),
])
def test_mobile_forms(cell, e164):
    phone = require_sms(parse_phone(cell))
    assert (phone.e164, phone.sms_capable, phone.kind) == (e164, True, "MOBILE")


@pytest.mark.parametrize("cell, kind, message", [
    ("03-1234-5678", "FIXED_LINE", "固定電話"),
    ("06-6123-4567", "FIXED_LINE", "固定電話"),
    ("050-1234-5678", "VOIP", "IP電話"),
    ("0120-123-456", "TOLL_FREE", "フリーダイヤル"),
])
def test_numbers_that_cannot_receive_sms(cell, kind, message):
    phone = parse_phone(cell)
    assert (phone.sms_capable, phone.kind) == (False, kind)
    with pytest.raises(FieldError, match=message):
        require_sms(phone)


@pytest.mark.parametrize("cell, message", [("", "ありません"), ("   ", "ありません"), ("abc", "読めません"),
                                           ("12", "正しくありません"), ("090-1234-567", "正しくありません")])
def test_bad_phones(cell, message):
    with pytest.raises(FieldError, match=message):
        parse_phone(cell)


@pytest.mark.parametrize("cell, amount", [
    ("120000", 120000), ("￥120,000", 120000), ("¥120,000", 120000), ("\\120,000", 120000),
    ("77,000円", 77000), ("1,980", 1980), ("１２，０００", 12000), ("12000.00", 12000), (" ¥ 3,300 ", 3300),
])
def test_amount_forms(cell, amount):
    assert parse_amount(cell) == amount


@pytest.mark.parametrize("cell, message", [("", "ありません"), ("abc", "数字ではありません"),
                                           ("12.5", "整数"), ("0", "1円以上"), ("-500", "1円以上"),
                                           ("1e5", "数字ではありません")])
def test_bad_amounts(cell, message):
    with pytest.raises(FieldError, match=message):
        parse_amount(cell)


@pytest.mark.parametrize("cell, day", [
    ("2026/12/10", date(2026, 12, 10)), ("2026-12-10", date(2026, 12, 10)), ("2026/1/5", date(2026, 1, 5)),
    ("2026年12月10日", date(2026, 12, 10)), ("２０２６年１２月１０日", date(2026, 12, 10)),
    ("令和8年12月10日", date(2026, 12, 10)), ("R8.12.10", date(2026, 12, 10)), ("r8/12/10", date(2026, 12, 10)),
    ("令和元年5月1日", date(2019, 5, 1)), ("R1.5.1", date(2019, 5, 1)),
    ("平成30年3月31日", date(2018, 3, 31)), ("H31.4.30", date(2019, 4, 30)),
    ("2026/12/10 0:00", date(2026, 12, 10)),
    ("2026/12/10(木)", date(2026, 12, 10)), ("2026年12月10日（木）", date(2026, 12, 10)),
    ("2026/12/10 (木曜日)", date(2026, 12, 10)), ("令和8年12月10日(木)", date(2026, 12, 10)),
    ("2000/1/1", date(2000, 1, 1)), ("2099/12/31", date(2099, 12, 31)),
])
def test_date_forms(cell, day):
    assert parse_date(cell) == day


@pytest.mark.parametrize("cell, message", [
    ("", "ありません"), ("2026/13/01", "存在しない"), ("2026/02/30", "存在しない"), ("R8.13.1", "存在しない"),
    ("R1.4.30", "元号の始まり"), ("next week", "読めません"), ("12/10", "読めません"), ("2026/12/10/1", "読めません"),
    ("2026/12/10(金)", "曜日が合いません.*12月10日は木曜日.*金"), ("2026年12月10日（月）", "曜日が合いません"),
    ("2026/12/10(x)", "読めません"),
    ("0226/12/10", "0226年.*2000年から2099年"), ("2206/12/10", "2206年.*2000年から2099年"),
    ("1999/12/31", "2000年から2099年"), ("H1.1.8", "1989年.*2000年から2099年"),
])
def test_bad_dates(cell, message):
    with pytest.raises(FieldError, match=message):
        parse_date(cell)


def test_names_keep_their_characters_and_compare_loosely():
    assert parse_name(" 渡辺①商店 ") == "渡辺①商店"
    assert parse_name("髙橋\u3000\u3000花子") == "髙橋 花子"
    assert name_key("髙橋　花子") == name_key("髙橋 花子") == name_key("髙橋花子")
    assert name_key("ＡＢＣ商事") == name_key("abc商事")
    with pytest.raises(FieldError, match="取引先名"):
        parse_name("  ")


def test_invoice_numbers():
    assert parse_number("ＩＮＶ－０００１") == "INV-0001"
    with pytest.raises(FieldError, match="請求書番号がありません"):
        parse_number("")


@pytest.mark.parametrize("cell", ["合計", "小計", "総計", "Total", "TOTAL", "合計:", " 合　計 "])
def test_totals_labels(cell):
    assert is_total_label(cell)


def test_clean_only_strips_a_protective_apostrophe():
    assert clean("'=1+2") == "=1+2" and clean("'Tis") == "'Tis"
