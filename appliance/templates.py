"""Message templates: "{name}様 請求書{invoice}のお支払い期限は{due_date}です。" -> the text sent.

Pure. Yen as ¥12,000, dates as 12月10日 (the way Japanese reminders write them).
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

FIELDS = ("name", "amount", "due_date", "invoice", "company", "contact_phone")


class TemplateError(ValueError):
    """A template that cannot be rendered; the message names the placeholder."""


@dataclass(frozen=True)
class InvoiceFacts:
    name: str
    amount: int
    due_date: date
    invoice: str


def yen(amount: int) -> str:
    return f"¥{amount:,}"


def japanese_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


@lru_cache(maxsize=256)             # render checks every text it makes: a tick renders 100k from a few bodies
def check(body: str) -> None:
    """Raise TemplateError for unknown placeholders or broken braces."""
    try:
        names = [field for _, field, _, _ in string.Formatter().parse(body) if field is not None]
    except ValueError as exc:
        raise TemplateError(f"テンプレートの括弧 {{ }} が閉じていません: {exc}") from None
    for field in names:
        if field not in FIELDS:
            raise TemplateError(f"不明な差し込み項目 {{{field}}}。使えるのは "
                                + " ".join(f"{{{f}}}" for f in FIELDS))


def render(body: str, facts: InvoiceFacts, *, company: str, contact_phone: str) -> str:
    """The text for one invoice."""
    check(body)
    return body.format(name=facts.name, amount=yen(facts.amount), due_date=japanese_date(facts.due_date),
                       invoice=facts.invoice, company=company, contact_phone=contact_phone)


DEFAULT_TEMPLATES = {
    "事前のご案内": "{name}様 {company}です。請求書{invoice}（{amount}）のお支払い期限は{due_date}です。"
                 "お問い合わせ {contact_phone}",
    "期日当日": "{name}様 {company}です。本日{due_date}が請求書{invoice}（{amount}）のお支払い期限です。"
             "お済みでしたらご容赦ください。",
    "督促": "{name}様 {company}です。請求書{invoice}（{amount}、期限{due_date}）のご入金が確認できておりません。"
          "お手数ですがご確認ください。お問い合わせ {contact_phone}",
}
# (offset from the due date in days, template name, local send time)
DEFAULT_PLAN = ((-3, "事前のご案内", "10:00"), (0, "期日当日", "10:00"), (3, "督促", "10:00"),
                (7, "督促", "10:00"), (14, "督促", "10:00"))
