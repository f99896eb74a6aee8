"""The detail of each audit record in words staff use, in the session's language.

Each action writes its detail in its own format (its writer is named on each function); a
detail that does not have its action's format (older records, unknown actions) is shown as it is.
"""
from __future__ import annotations

import json
import re

from appliance.settings import LABELS as SETTING_LABELS
from web.filters import failure, role, status
from web.i18n import _

INVOICE_FIELDS = {"amount": "金額", "due_date": "支払期日", "name": "取引先名", "phone": "電話番号"}


def _import(detail: str) -> str | None:
    """appliance/importing/store.py _summary: a JSON object."""
    summary = json.loads(detail)
    words = _("{file} を取り込み（{rows}行、新規 {created}件・更新 {updated}件）", file=summary["file"],
              rows=summary["rows"], created=summary["created"], updated=summary["updated"])
    if summary.get("errors"):
        words += _("・エラー {count}行は取り込まず", count=summary["errors"])
    return words


def _setting_value(value: str) -> str:
    return {"True": _("はい"), "False": _("いいえ")}.get(value, value)


def _settings_change(detail: str) -> str | None:
    """appliance/services/settings.py save_settings: 'key: old → new, key: old → new'."""
    keys = "|".join(map(re.escape, SETTING_LABELS))
    changes = re.findall(rf"(?:^|, )({keys}): (.*?) → (.*?)(?=, (?:{keys}): |$)", detail, re.S)
    if not changes or "".join(f", {k}: {o} → {n}" for k, o, n in changes)[2:] != detail:
        return None
    return _("、").join(f"{_(SETTING_LABELS[key])}: {_setting_value(old)} → {_setting_value(new)}"
                       for key, old, new in changes)


def _invoice_edit(detail: str) -> str | None:
    """web/invoices.py edit: 'INV-1: amount=5000, due_date=2026-12-20'."""
    number, _sep, fields = detail.partition(": ")
    pairs = [field.partition("=") for field in fields.split(", ")] if fields else []
    if not all(key in INVOICE_FIELDS and sep for key, sep, _value in pairs):
        return None
    return f"{number}: " + _("、").join(f"{_(INVOICE_FIELDS[key])} {value}" for key, _sep, value in pairs)


def _pattern(regex: str, words):
    """A describer for details matching `regex` (whole): words(*groups) -> text."""
    def describe(detail: str) -> str | None:
        match = re.fullmatch(regex, detail, re.S)
        return words(*match.groups()) if match else None
    return describe


def _numbered(words):
    """'{id} {name}' (customer.opt_out/opt_in, template.create/edit): words(id, name) -> text."""
    return _pattern(r"(\d+) (.*)", words)


def _customers(ids: str) -> str:
    return ", ".join(f"#{i}" for i in ids.split(",") if i)


def _staff(number, rest, sms, mail) -> str:
    yes_no = lambda flag: _("あり", context="flag") if flag == "1" else _("なし", context="flag")
    return _("#{id} {who}（SMS通知 {sms}・メール通知 {mail}）", id=number, who=" ".join(rest.split()),
             sms=yes_no(sms), mail=yes_no(mail))


# Describers two actions share (a record and its undo or edit write one format).
_CUSTOMER = _numbered(lambda number, name: _("取引先 #{id} {name}", id=number, name=name))
_TEMPLATE = _numbered(lambda number, name: _("文面 #{id} {name}", id=number, name=name))
_REPLY = _pattern(r"(\S+): ([\d,]*)", lambda phone, ids: _("{phone}（取引先 {ids}）", phone=phone, ids=_customers(ids)))
_STAFF = _pattern(r"#(\d+) (.*) SMS:([01]) mail:([01])", _staff)

DESCRIBE = {
    "import": _import,
    "settings.change": _settings_change,
    "invoice.edit": _invoice_edit,
    "invoice.paid": _pattern(r"(\d+)", lambda number: _("請求書 #{id}", id=number)),
    "invoice.disputed": _pattern(r"(.*) \(cancelled (\d+)\)",
                                 lambda number, count: _("{number}（送信待ち {count}件を取消）", number=number,
                                                         count=count)),
    "invoices.export": _pattern(r"(\w+)", lambda code: _("すべて") if code == "all" else status(code)),
    "customer.opt_out": _CUSTOMER,
    "customer.opt_in": _CUSTOMER,
    "template.create": _TEMPLATE,
    "template.edit": _TEMPLATE,
    "plan.edit": _pattern(r"\d+: (.*)", lambda steps: _("、").join(
        _("期日から{days}日 {time} 文面 #{id}", days=days, time=at, id=template)
        for days, at, template in re.findall(r"(-?\d+)日 (\S*) #(\d*)", steps))),
    "campaign.start": _pattern(r"(.*): (\d+)", lambda name, count: _("{name}（{count}件を送信待ちに）", name=name,
                                                                     count=count)),
    "outbox.retry": _pattern(r"(#\d+ \S+) \((\w+)\)", lambda message, was: _("{what}（{why}）", what=message, why=status(was))),
    "conversation.reply": _pattern(r"(#\d+) outbox #(\d+): (.*)",
                                   lambda conversation, message, text: _("{conversation}（送信履歴 #{id}）: {text}",
                                                                          conversation=conversation, id=message,
                                                                          text=text)),
    "modem.test": _pattern(r"(SIM \d+ → \S+) outbox #(\d+)",
                           lambda route, message: _("{route}（送信履歴 #{id}）", route=route, id=message)),
    "reply.opt-out": _REPLY,
    "reply.paid": _REPLY,
    "staff.add": _STAFF,
    "staff.edit": _STAFF,
    "user.add": _pattern(r"(.*) \((\w+)\)", lambda name, code: _("{what}（{why}）", what=name, why=role(code))),
    "send.failed": _pattern(r"(\d+): (.*)", lambda message, error: f"#{message}: {failure(error)}"),
}


def describe(action: str, detail: str | None) -> str:
    """The record's detail for the audit page: in words when it has its action's format."""
    if not detail or action not in DESCRIBE:
        return detail or ""
    try:
        words = DESCRIBE[action](detail)
    except (ValueError, KeyError, TypeError, AttributeError):
        words = None
    return detail if words is None else words
