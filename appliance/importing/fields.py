"""Parsing of single cells: phone, amount, date, name, invoice number. Pure functions.

Each parser takes the raw cell text and returns a clean value or raises `FieldError` with a
Japanese message office staff can act on. Text is NFKC-normalised first, so full-width digits,
hyphens, yen signs and spaces (what Excel users type) read like their ASCII forms.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import phonenumbers
from phonenumbers import PhoneNumberType

from appliance.importing.errors import FieldError

# A leading apostrophe is how our own export (and Excel) protects a cell from formula injection.
_INJECTION_START = ("=", "+", "-", "@", "\t", "\r")
SMS_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_NOT_SMS = {
    PhoneNumberType.FIXED_LINE: "固定電話のためSMSを送れません",
    PhoneNumberType.VOIP: "IP電話（050）のためSMSを送れません",
    PhoneNumberType.TOLL_FREE: "フリーダイヤルのためSMSを送れません",
}
TOTAL_WORDS = {"合計", "小計", "総計", "総合計", "合計金額", "total", "subtotal", "grandtotal", "sum"}


def clean(cell: str | None) -> str:
    """Cell text without surrounding whitespace (ASCII or ideographic) and without the protective
    apostrophe an export put before =, +, -, @."""
    text = (cell or "").strip().strip("\u3000").strip()
    if text.startswith("'") and text[1:2] and text[1] in _INJECTION_START:
        text = text[1:]
    return text


def fold(cell: str | None) -> str:
    """NFKC, case-folded, without any whitespace: for comparing labels and names."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean(cell))).casefold()


def is_total_label(cell: str | None) -> bool:
    """True for 合計/小計/総計/Total and similar labels of a totals row."""
    return fold(cell).rstrip(":：") in TOTAL_WORDS


@dataclass(frozen=True)
class Phone:
    e164: str
    sms_capable: bool
    kind: str            # phonenumbers type name: MOBILE, FIXED_LINE, VOIP ...


def parse_phone(cell: str | None) -> Phone:
    """A Japanese (or +CC) phone number as E.164 with its type. Accepts full-width digits and
    hyphens, spaces, brackets, +81, and the leading 0 Excel drops (9012345678); phonenumbers
    does the parsing. Raises FieldError when the cell is empty or not a valid number. A number
    that is valid but cannot receive SMS (landline, 050, 0120) is returned with sms_capable False:
    whether that is an error is the caller's decision (see `require_sms`)."""
    text = unicodedata.normalize("NFKC", clean(cell))
    if not text:
        raise FieldError("電話番号がありません（SMSで督促できません）")
    try:
        number = phonenumbers.parse(text, "JP")
    except phonenumbers.NumberParseException:
        raise FieldError(f"電話番号として読めません（{clean(cell)}）") from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError(f"電話番号として正しくありません（{clean(cell)}）")
    kind = phonenumbers.number_type(number)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164, kind in SMS_TYPES, _type_name(kind))


def require_sms(phone: Phone) -> Phone:
    """The phone itself, or FieldError saying why it cannot receive SMS."""
    if phone.sms_capable:
        return phone
    kind = getattr(PhoneNumberType, phone.kind, None)
    raise FieldError(_NOT_SMS.get(kind, "携帯電話番号ではないためSMSを送れません"))


def _type_name(kind: int) -> str:
    return next((name for name in dir(PhoneNumberType)
                 if name.isupper() and getattr(PhoneNumberType, name) == kind), "UNKNOWN")


def parse_amount(cell: str | None) -> int:
    """Whole yen from '￥120,000', '77,000円', '1,980', '１２０００', '12000.00'. Raises FieldError
    when empty, not a number, not whole yen, or not positive."""
    raw = clean(cell)
    text = re.sub(r"[\s,¥\\円]", "", unicodedata.normalize("NFKC", raw))
    text = re.sub(r"^(\d+)\.0*$", r"\1", text)
    if not raw:
        raise FieldError("金額がありません")
    if re.fullmatch(r"-?\d+\.\d+", text):
        raise FieldError(f"金額は円単位の整数で入力してください（{raw}）")
    if not re.fullmatch(r"-?\d{1,12}", text):
        raise FieldError(f"金額が数字ではありません（{raw}）")
    amount = int(text)
    if amount <= 0:
        raise FieldError(f"金額は1円以上にしてください（{raw}）")
    return amount


# Japanese eras: first day, and the Western year of year 1 of the era.
ERAS = {"R": (date(2019, 5, 1), 2019), "令和": (date(2019, 5, 1), 2019),
        "H": (date(1989, 1, 8), 1989), "平成": (date(1989, 1, 8), 1989)}
_WESTERN = re.compile(r"(\d{4})\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})\s*日?")
_ERA = re.compile(r"(令和|平成|R|H)\s*(\d{1,2}|元)\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})\s*日?",
                  re.IGNORECASE)
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")          # Excel may append " 0:00"
WEEKDAYS = "月火水木金土日"                                  # date.weekday() 0..6
_WEEKDAY = re.compile(rf"\s*\(\s*([{WEEKDAYS}])(?:曜日?)?\s*\)$")   # Excel's "(木)" after a date
YEARS = range(2000, 2100)        # a due date outside these years is a typo (0226, 2206)


def parse_date(cell: str | None) -> date:
    """A due date from 2026/12/10, 2026-12-10, 2026年12月10日, 令和8年12月10日, R8.12.10 (also
    平成/H, 元年), optionally followed by the weekday as Excel writes it, (木) or （木曜日）;
    a trailing midnight time is ignored. Raises FieldError when empty, in an unknown form, not a
    real date (month 13, 2月30日, before the era began), outside the years 2000-2099, or when
    the weekday written is not the date's."""
    raw = clean(cell)
    text = _TIME.sub("", unicodedata.normalize("NFKC", raw))
    if not raw:
        raise FieldError("支払期日がありません")
    weekday = _WEEKDAY.search(text)
    if weekday:
        text = text[:weekday.start()]
    result = _calendar_date(text, raw)
    if result.year not in YEARS:
        raise FieldError(f"年が正しくありません（{result.year:04d}年: {raw}）。"
                         f"{YEARS[0]}年から{YEARS[-1]}年の日付にしてください")
    if weekday and WEEKDAYS[result.weekday()] != weekday.group(1):
        raise FieldError(f"曜日が合いません: {result.year}年{result.month}月{result.day}日は"
                         f"{WEEKDAYS[result.weekday()]}曜日です（{weekday.group(1)}曜日と書かれています: {raw}）")
    return result


def _calendar_date(text: str, raw: str) -> date:
    """The date `text` (NFKC, without weekday or time) names; FieldError quoting `raw`."""
    western = _WESTERN.fullmatch(text)
    era = _ERA.fullmatch(text)
    if western:
        year, month, day = (int(g) for g in western.groups())
        first = date(1, 1, 1)
    elif era:
        first, base = ERAS[era.group(1).upper()]
        year = base - 1 + (1 if era.group(2) == "元" else int(era.group(2)))
        month, day = int(era.group(3)), int(era.group(4))
    else:
        raise FieldError(f"日付として読めません（{raw}）。例: 2026/12/10、令和8年12月10日")
    try:
        result = date(year, month, day)
    except ValueError:
        raise FieldError(f"存在しない日付です（{raw}）") from None
    if result < first:
        raise FieldError(f"元号の始まりより前の日付です（{raw}）")
    return result


def parse_name(cell: str | None) -> str:
    """The customer's name as written (not NFKC: '渡辺①商店' stays as it is), trimmed and with runs
    of spaces made one. Raises FieldError when empty."""
    name = re.sub(r"[ \u3000]{2,}", " ", clean(cell))
    if not name:
        raise FieldError("取引先名がありません")
    if len(name) > 200:
        raise FieldError("取引先名が長すぎます（200文字まで）")
    return name


def parse_number(cell: str | None) -> str:
    """The invoice number, NFKC-normalised (ＩＮＶ－０００１ -> INV-0001). Raises FieldError when empty."""
    number = unicodedata.normalize("NFKC", clean(cell)).strip()
    if not number:
        raise FieldError("請求書番号がありません")
    if len(number) > 64:
        raise FieldError("請求書番号が長すぎます（64文字まで）")
    return number


def name_key(name: str) -> str:
    """What two names must share to be the same customer: NFKC, no spaces, case-folded."""
    return fold(name)
