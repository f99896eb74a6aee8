"""Jinja filters: dates and yen the Japanese way (or the English way after the language switch),
statuses and roles in words staff use, in the session's language."""
from __future__ import annotations

from datetime import date, datetime

from appliance import failures
from appliance.clock import TOKYO
from appliance.importing.export import INVOICE_STATUS
from web.i18n import _, language

STATUS = {"queued": "送信待ち", "sending": "送信中", "sent": "送信済", "delivered": "配達済",
          "failed": "失敗", "expired": "期限切れ", "retry": "再送待ち", "uncertain": "要確認",
          "cancelled": "取消", **INVOICE_STATUS}
ROLE = {"admin": "管理者", "staff": "担当者", "viewer": "閲覧のみ"}
KIND = {"reminder": "督促", "campaign": "一斉送信", "reply": "返信", "forward": "転送", "test": "テスト"}
RULE = {"paid": "入金連絡", "opt-out": "配信停止", "staff-answer": "担当者の返信"}     # what a reply was read as
# What each audit record's action means (appliance/ and web/ write the codes); an unknown code shows as is.
ACTION = {
    "invoice.paid": "入金済にした", "invoice.disputed": "確認中にした", "invoice.reopen": "未入金に戻した",
    "invoice.edit": "請求書を編集", "invoices.export": "請求書を書き出し", "customer.opt_out": "配信停止にした",
    "customer.opt_in": "配信を再開", "template.create": "文面を作成", "template.edit": "文面を編集",
    "plan.edit": "督促の予定を編集", "campaign.start": "一斉送信を開始", "campaign.request": "一斉送信の承認を依頼",
    "campaign.approve": "一斉送信を承認", "campaign.reject": "一斉送信を却下", "outbox.cancel": "送信を取消",
    "outbox.retry": "再送", "outbox.uncertain.sent": "要確認を送信済と判断", "outbox.uncertain.resend": "要確認を再送",
    "conversation.reply": "返信を送信", "conversation.assign": "返信の担当を決定", "conversation.handled": "対応済にした",
    "conversation.reopen": "未対応に戻した", "reply.opt-out": "返信で配信停止", "reply.paid": "返信で入金連絡",
    "send.failed": "送信失敗", "modem.test": "モデムの試験送信", "staff.add": "担当者を追加", "staff.edit": "担当者を編集",
    "staff.remove": "担当者を削除", "user.add": "ユーザーを追加", "settings.change": "設定を変更",
    "backup.download": "バックアップをダウンロード", "login": "ログイン", "logout": "ログアウト",
    "import": "請求書を取込",
}
ACTOR = {"system": "装置", "setup": "初期設定", "cli": "コマンド", "demo": "デモ"}   # not a signed-in user
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def yen(amount) -> str:
    return f"¥{int(amount):,}" if amount is not None else ""


def jdate(value) -> str:
    """'2026-12-10' -> '2026年12月10日' (in English '10 Dec 2026')."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if language() == "en":
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def jtime(value) -> str:
    """A stored UTC timestamp as Japan time: '12月10日 14:05' (in English '10 Dec 14:05')."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    local = moment.astimezone(TOKYO)
    if language() == "en":
        return f"{local.day} {MONTHS[local.month - 1]} {local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def status(value) -> str:
    return _(STATUS[value]) if value in STATUS else value


def role(value) -> str:
    return _(ROLE[value]) if value in ROLE else value


def kind(value) -> str:
    return _(KIND[value], context="kind") if value in KIND else value


def rule(value) -> str:
    return _(RULE[value]) if value in RULE else value


def action(value) -> str:
    return _(ACTION[value], context="action") if value in ACTION else value


def actor(value) -> str:
    return _(ACTOR[value]) if value in ACTOR else value


def failure(value) -> str:
    """A stored modem or send error in staff's words (appliance.failures), in the session's
    language; text of no known kind (or already Japanese) as it is."""
    return failures.explain(value, _) or value or ""


def register(app) -> None:
    app.jinja_env.filters.update(yen=yen, jdate=jdate, jtime=jtime, status=status, role=role, kind=kind, rule=rule,
                                 action=action, actor=actor, failure=failure,
                                 bad_number=failures.bad_number)
