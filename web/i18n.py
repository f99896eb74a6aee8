"""Japanese by default, English on request: a gettext-like `_()` over a small catalogue.

The message id is the Japanese text itself (as with gettext's msgid), so a page without an
English entry simply stays Japanese. Named parameters are filled after translation:

    _("{label}を入力してください", label=_("会社名"))

The language is the session's (POST /language from the switch in the header).
"""
from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for

LANGUAGES = ("ja", "en")

bp = Blueprint("i18n", __name__)

EN = {
    # base.html
    "督促SMS": "Tokusoku SMS", "ダッシュボード": "Dashboard", "請求書": "Invoices", "取込": "Import",
    "文面": "Templates", "一斉送信": "Campaigns", "送信履歴": "Outbox", "返信": "Replies", "モデム": "Modems",
    "操作記録": "Audit log", "設定": "Settings", "担当者": "Staff", "ログアウト": "Log out",
    "管理者": "Administrator", "閲覧のみ": "Viewer", "言語": "Language",
    # login / setup
    "ログイン": "Log in", "ユーザー名": "User name", "パスワード": "Password",
    "はじめに": "Welcome", "はじめに：管理者を作成": "Welcome: create the administrator",
    "この装置にはまだ利用者がいません。最初の管理者のユーザー名とパスワード（10文字以上）を決めてください。":
        "This box has no users yet. Choose the first administrator's user name and a password "
        "(10 characters or more).",
    "パスワード（確認）": "Password (again)", "管理者を作成": "Create the administrator",
    "確認用のパスワードが一致しません": "The two passwords differ",
    "管理者「{name}」を作成しました": "Administrator “{name}” created",
    # dashboard
    "本日の送信": "Sent today", "配達済": "Delivered", "失敗": "Failed", "本日の返信": "Replies today",
    "未対応": "Waiting", "未対応なし": "None waiting", "送信待ち": "Queued", "送信中": "Sending",
    "要確認": "To check", "本日の費用": "Cost today", "{parts}通分": "{parts} parts", "未対応 {count}件": "{count} waiting",
    "SIM": "SIM", "状態": "State", "本日の送信 / 上限": "Sent today / cap", "最後のエラー": "Last error",
    "接続中": "Online", "未接続": "Offline", "モデムはまだ接続されていません": "No modem connected yet",
    "過去30日": "Last 30 days", "過去30日の送信数と返信数": "Parts sent and replies over the last 30 days",
    "{day} 送信 {count}": "{day} sent {count}", "{day} 返信 {count}": "{day} replies {count}",
    "■ 送信（通）": "■ Sent (parts)", "■ 返信": "■ Replies",
    # settings
    "会社名": "Company name", "問い合わせ電話番号": "Contact number", "送信停止の開始": "Quiet hours start",
    "送信停止の終了": "Quiet hours end", "日曜日は送らない": "No sending on Sundays",
    "祝日は送らない": "No sending on holidays", "1人あたり1日の上限": "Messages per customer per day",
    "SIMごとの1日の上限（通）": "Daily cap per SIM (parts)", "1通あたりの費用（円）": "Cost per part (yen)",
    "{label}を入力してください": "Please enter the {label}",
    "{label}は{limit}文字以内にしてください": "{label}: at most {limit} characters",
    "{label}は 21:00 のような時刻で入力してください": "{label}: enter a time like 21:00",
    "{label}は{low}から{high}までの整数で入力してください": "{label}: enter a whole number from {low} to {high}",
    "文面に入る会社名と問い合わせ先": "Company and contact used in messages",
    "送信停止時間帯と送信日": "Quiet hours and sending days",
    "送信停止時間帯は顧客への送信を止めます（担当者への転送とテスト送信は送ります）。":
        "During quiet hours nothing goes to customers (forwards to staff and test sends still go).",
    "上限と費用": "Caps and cost", "タイムゾーン": "Time zone",
    "タイムゾーンは設定ファイルで決まります（変更するには設定ファイルを編集して再起動）。":
        "The time zone comes from the configuration file (edit it and restart to change it).",
    "保存する": "Save", "設定を保存しました": "Settings saved", "変更はありません": "Nothing changed",
    "設定ファイルと同じ値にした項目は、その後も設定ファイルの値に従います。":
        "A value equal to the configuration file's follows the file.",
    "設定ファイルの値": "Configuration file", "バックアップ": "Backup",
    "稼働中のままデータベースの完全な写しを作ってダウンロードします。":
        "Makes a complete copy of the database while the box runs, and downloads it.",
    "バックアップをダウンロード": "Download a backup",
    "バックアップを作れませんでした: {error}": "The backup could not be made: {error}",
    # staff
    "担当者と転送": "Staff and forwarding",
    "返信の転送やお知らせ（送信失敗、時計の狂い、バックアップ失敗）を受け取る人です。":
        "The people who receive forwarded replies and notices (failed sends, a wrong clock, a failed backup).",
    "名前": "Name", "電話番号": "Phone", "メールアドレス": "E-mail", "SMSで知らせる": "Notify by SMS",
    "メールで知らせる": "Notify by e-mail", "SMS": "SMS", "メール": "E-mail", "する": "yes", "しない": "no",
    "編集": "Edit", "削除": "Remove", "担当者はまだいません": "No staff yet", "担当者を追加": "Add a staff member",
    "追加する": "Add", "担当者を編集": "Edit a staff member", "戻る": "Back",
    "担当者「{name}」を追加しました": "Staff member “{name}” added",
    "担当者「{name}」を保存しました": "Staff member “{name}” saved",
    "担当者「{name}」を削除しました": "Staff member “{name}” removed",
    "この担当者を削除しますか？": "Remove this staff member?",
    "名前を40文字以内で入力してください": "Please enter a name of at most 40 characters",
    "電話番号「{phone}」は正しくありません（例: 090-1234-5678）": "The phone number “{phone}” is not valid (e.g. 090-1234-5678)",
    "メールアドレス「{email}」は正しくありません": "The e-mail address “{email}” is not valid",
    "担当者が見つかりません": "No such staff member",
}
CATALOGUES = {"en": EN}


def language() -> str:
    """The session's language ('ja' unless English was chosen)."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "ja"


def _(text: str, **params) -> str:
    """`text` (Japanese) in the session's language, with {named} params filled in."""
    translated = CATALOGUES.get(language(), {}).get(text, text)
    return translated.format(**params) if params else translated


@bp.post("/language")
def choose():
    """Switch the session's language; back to the page the switch was on."""
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("dashboard.index"))


def register(app) -> None:
    app.jinja_env.globals.update(_=_, lang=language, languages=(("ja", "日本語"), ("en", "English")))
