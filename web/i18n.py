"""Japanese by default, English on request: a gettext-like `_()` over a small catalogue.

The message id is the Japanese text itself (as with gettext's msgid), so a page without an
English entry simply stays Japanese. Named parameters are filled after translation:

    _("{label}を入力してください", label=_("会社名"))

A word that needs two English words takes a context: _("取消", context="button").

The language is the session's (POST /language from the switch in the header).
"""
from __future__ import annotations

from flask import Blueprint, has_request_context, redirect, request, session, url_for

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
    "本日の送信": "Sent today", "配達確認待ち": "Awaiting report", "配達済": "Delivered", "失敗": "Failed", "本日の返信": "Replies today",
    "未対応": "Waiting", "未対応なし": "None waiting", "送信待ち": "Queued", "送信中": "Sending",
    "要確認": "To check", "本日の費用": "Cost today", "{parts}通分": "{parts} parts", "未対応 {count}件": "{count} waiting",
    "SIM": "SIM", "状態": "State", "本日の通数 / 上限": "Parts today / cap", "最後のエラー": "Last error",
    "接続中": "Online", "未接続": "Offline", "モデムはまだ接続されていません": "No modem connected yet",
    "過去30日": "Last 30 days", "過去30日の送信数と返信数": "Messages sent and replies over the last 30 days",
    "{day} 送信 {count}件": "{day} sent {count} messages", "{day} 返信 {count}": "{day} replies {count}",
    "■ 送信（件）": "■ Sent (messages)", "■ 返信": "■ Replies",
    # settings
    "会社名": "Company name", "問い合わせ電話番号": "Contact number", "送信停止の開始": "Quiet hours start",
    "送信停止の終了": "Quiet hours end", "日曜日は送らない": "No sending on Sundays",
    "祝日は送らない": "No sending on holidays", "1人あたり1日の上限": "Messages per customer per day",
    "SIMごとの1日の上限（通）": "Daily cap per SIM (parts)", "1通あたりの費用（円）": "Cost per part (yen)",
    "一斉送信は別の利用者が承認してから送る": "Campaigns wait for a second user's approval",
    "{label}を入力してください": "Please enter the {label}",
    "{label}は{limit}文字以内にしてください": "{label}: at most {limit} characters",
    "{label}は 21:00 のような時刻で入力してください": "{label}: enter a time like 21:00",
    "{label}は{low}から{high}までの整数で入力してください": "{label}: enter a whole number from {low} to {high}",
    "{label}は{high}以下にしてください（携帯会社は1日{high}通ほどでSIMを止めます）":
        "{label}: at most {high} (carriers stop a SIM at about {high} messages a day)",
    "{label}は 03-1234-5678 のような電話番号で入力してください": "{label}: enter a phone number like 03-1234-5678",
    "この値は設定ファイルのものです（ここで正しい値にするか、設定ファイルを直してください）。":
        "This value comes from the configuration file (correct it here, or in the file).",
    "夜間に督促を送らないよう、21:00〜08:00 を含む時間帯にしてください。":
        "So that no reminder goes out at night, quiet hours must include 21:00–08:00.",
    "送信停止の時間帯は {start}〜{end} を含めてください（夜間に督促を送らないため）":
        "Quiet hours must include {start}–{end} (no reminders at night)",
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
    # shared by the lists: filters, pagers, statuses (web/filters.py), kinds, rules
    "すべて": "All", "絞り込む": "Filter", "ページ": "Pages", "← 前へ": "← Previous", "次へ →": "Next →",
    "{page} / {pages}ページ（{total}件）": "page {page} / {pages} ({total} in all)",
    "{count}件": "{count} found", "（{page} / {pages}ページ）": " (page {page} / {pages})",
    "、": ", ", "。": ".", "（{text}）": " ({text})", "保存": "Save", "本文": "Text", "種類": "Kind", "{parts}通": "{parts} parts",
    "送信済": "Sent", "期限切れ": "Expired", "再送待ち": "Waiting to resend", "取消": "Cancelled",
    "未入金": "Unpaid", "入金済": "Paid", "確認中": "Disputed", "button|取消": "Cancel",
    "督促": "Reminders", "転送": "Forwards", "テスト": "Tests",
    "kind|督促": "Reminder", "kind|一斉送信": "Campaign", "kind|返信": "Reply", "kind|転送": "Forward",
    "kind|テスト": "Test",
    "入金連絡": "Says paid", "配信停止": "Opt-out", "担当者の返信": "Staff answer",
    # invoices
    "請求書と取引先": "Invoices and customers", "検索": "Search",
    "請求書番号・取引先名・電話番号": "Invoice number, customer name, phone", "期日超過のみ": "Overdue only",
    "CSVを書き出す": "Export CSV", "請求書番号": "Invoice number", "取引先": "Customer", "金額": "Amount",
    "支払期日": "Due date", "送信停止": "Opted out", "期日超過": "Overdue", "（督促保留）": " (reminders paused)",
    "該当する請求書はありません": "No matching invoices", "請求書 {number}": "Invoice {number}",
    "← 請求書一覧": "← Invoices", "なし": "none", "（SMS不可）": " (no SMS)", "・督促保留中": " · reminders paused",
    "入金済にして、送信待ちの督促を取り消しますか？": "Mark as paid and cancel the queued reminders?",
    "入金済にする": "Mark as paid", "確認中にする（督促を止める）": "Mark as disputed (stop reminders)",
    "未入金に戻す": "Back to unpaid", "送信を再開する": "Resume sending",
    "この取引先への送信を停止": "Stop sending to this customer", "編集する": "Edit",
    "金額（円）": "Amount (yen)", "取引先名": "Customer name",
    "取引先名と電話番号は、この取引先の他の請求書にも反映されます。":
        "The customer name and phone also change on this customer's other invoices.",
    "送信したメッセージ": "Messages sent", "作成": "Created", "送信・配達": "Sent · delivered",
    "（別の請求書）": " (another invoice)", "まだ何も送っていません": "Nothing sent yet",
    "受信したメッセージ": "Messages received", "返信はありません": "No replies",
    "この取引先の他の請求書": "This customer's other invoices",
    "請求書{number}を入金済にしました。送信待ちの督促 {count}件を取り消しました":
        "Invoice {number} marked as paid; {count} queued reminders cancelled",
    "請求書{number}を確認中にしました。督促を止め、送信待ち {count}件を取り消しました":
        "Invoice {number} marked as disputed; reminders stopped, {count} queued messages cancelled",
    "請求書{number}を未入金に戻しました": "Invoice {number} is unpaid again",
    "変更を保存しました": "Changes saved", "変更はありませんでした": "Nothing changed",
    "{name}様への送信を停止しました（送信待ち {count}件を取消）":
        "Sending to {name} stopped ({count} queued messages cancelled)",
    "{name}様への送信を再開しました": "Sending to {name} resumed",
    # import
    "請求書CSVの取込": "Import invoices from CSV", "CSVファイル": "CSV file",
    "確認する（まだ取り込みません）": "Check (nothing is imported yet)",
    "会計ソフトやExcelのCSV（UTF-8・Shift_JIS・UTF-16、カンマ区切り・タブ区切り）をそのまま使えます。":
        "CSV files from accounting software or Excel work as they are (UTF-8, Shift_JIS, UTF-16; "
        "comma or tab separated).",
    "必要な列: 請求書番号、取引先名、電話番号（携帯）、金額、支払期日。":
        "Columns needed: invoice number, customer name, phone (mobile), amount, due date.",
    "取込には担当者以上の権限が必要です。": "Importing needs the staff role or higher.",
    "取込の確認": "Check the import", "取込の確認: {file}": "Check the import: {file}",
    "取り込むと 新規 {created}件・更新 {updated}件（正しい行）。":
        "Importing adds {created} new invoices and updates {updated} (valid rows).",
    "支払期日が近いか過ぎている請求書には、取り込むとすぐに督促が送られます（送信停止時間帯を除く）。":
        "Invoices due soon or overdue get their reminder right after the import (outside quiet hours).",
    "ほか {more}件（全{total}件）": "and {more} more ({total} in all)",
    "取り込んでいます…": "Importing…",
    "この番号は使われていないか見つからないため、再送しても届かないおそれがあります。再送しますか？":
        "This number is not in use or cannot be found, so a retry will probably not arrive either. Retry anyway?",
    "確認しています…（大きなファイルは数十秒かかります）": "Checking… (a large file takes some tens of seconds)",
    "{rows}行中、正しい行 {valid}件・エラー {errors}件（文字コード {encoding}）。まだ何も取り込んでいません。":
        "{rows} rows: {valid} valid, {errors} with errors (encoding {encoding}). Nothing imported yet.",
    "合計行として読み飛ばした行: ": "Rows skipped as totals: ", "{row}行目": "row {row}",
    "エラーのある行": "Rows with errors", "取り込める行": "Rows to import", "行": "Row",
    "取り込める行はありません": "No rows to import", "{count}件を取り込む": "Import {count} invoices",
    "正しい{count}件だけを取り込む": "Import only the {count} valid invoices", "やめる": "Cancel",
    "すべての行を取り込むには、CSVのエラーを直してもう一度アップロードしてください。":
        "To import every row, fix the errors in the CSV and upload it again.",
    "取込完了": "Import done", "取込完了: {file}": "Import done: {file}",
    "エラーの{count}行は取り込んでいません。": "The {count} rows with errors were not imported.",
    "請求書一覧へ": "To the invoices", "別のファイルを取り込む": "Import another file",
    "項目": "Field", "内容": "Details",
    "CSVファイルを選んでください": "Please choose a CSV file",
    "エラーがあるため何も取り込んでいません": "Nothing imported: there are errors",
    "{count}件を取り込みました（新規 {created}件、更新 {updated}件）":
        "{count} invoices imported ({created} new, {updated} updated)",
    "取込をやめました": "Import cancelled",
    # templates and plan
    "通数": "Parts", "要修正": "Needs fixing", "文面はまだありません": "No templates yet",
    "＋ 新しい文面": "+ New template", "督促の段階": "Reminder steps",
    "支払期日から何日目（前なら -3 のようにマイナス）に、どの文面を何時に送るか。未入金の請求書ごとに、時期が来た最新の段階を1回だけ送ります。":
        "Which template goes out how many days after the due date (before it: negative, like -3) and "
        "at what time. For each unpaid invoice the latest step that is due is sent once.",
    "期日から（日）": "Days from due date", "送信時刻": "Time", "（追加）": "(new)", "段階を保存": "Save the steps",
    "督促プランはまだありません（tokusoku run の初回起動で標準プランが作られます）。":
        "No reminder plan yet (the first start of tokusoku run creates the standard plan).",
    "文面の編集": "Edit template", "← 文面一覧": "← Templates", "新しい文面": "New template",
    "差し込み項目: ": "Fields: ",
    "上の文字数は差し込み前の本文のものです。実際の通数は下のプレビューで確かめてください。":
        "The count above is for the text before the fields are filled in; check the real number of "
        "parts in the preview below.",
    "プレビューを更新": "Update the preview", "プレビュー": "Preview",
    "（請求書 {number} の場合）": " (for invoice {number})", "（見本の請求書の場合）": " (for a sample invoice)",
    "{characters}文字・{parts}通（{encoding}）・1件あたり約{cost}円":
        "{characters} characters · {parts} parts ({encoding}) · about ¥{cost} per message",
    "この文面は{parts}通に分割して送られます。費用が{parts}倍になり、機種によっては分かれて届きます。":
        "This text is sent as {parts} parts: it costs {parts} times as much, and some phones show "
        "the parts separately.",
    "長すぎて送れません。": "Too long to send.",
    "金額（¥12,000）": "amount (¥12,000)", "支払期日（12月10日）": "due date (10 Dec)", "自社名": "your company",
    "文面「{name}」を保存しました": "Template “{name}” saved",
    "督促の段階を保存しました（{count}段階）": "Reminder steps saved ({count} steps)",
    # campaigns
    "名前（同じ名前では同じ取引先に二度送りません）": "Name (one name never reaches a customer twice)",
    "例: 年末のご案内": "e.g. Year-end notice", "本文（そのまま送られます）": "Text (sent as it is)",
    "送信先: 次の請求書がある取引先": "Send to: customers with invoices like these",
    "請求書の状態": "Invoice status", "支払期日がこの日まで": "Due on or before",
    "件数と費用を確認": "Check the count and cost", "確認": "Confirm", "送信先": "Recipients:", "件": "",
    "（送信停止・携帯番号なしの{count}件は除きます）": "(leaving out {count} opted out or without a mobile number)",
    "{parts}通 × {cost}円 × {count}件 = 約": "{parts} parts × ¥{cost} × {count} = about ",
    "※分割送信になります": "* sent in several parts", "例: ": "e.g. ", " ほか": " and others",
    "{count}件に送信します。よろしいですか？": "Send to {count} customers?",
    "{count}件に送信する": "Send to {count} customers",
    "条件に合う送信先がありません。": "No customers match.",
    "これまでの一斉送信": "Past campaigns", "開始": "Started", "件数": "Messages", "まだありません": "None yet",
    "期日の指定が日付として読めません（例: 2026-12-31）": "The due date is not a date (e.g. 2026-12-31)",
    "名前と本文を入力してください": "Please enter a name and a text",
    "一斉送信「{name}」を開始しました（{count}件を送信待ちにしました）":
        "Campaign “{name}” started ({count} messages queued)",
    "一斉送信は、申請した人とは別の利用者が承認してから送られます。":
        "A campaign goes out once a user other than the one who asked for it approves it.",
    "承認待ち": "Waiting for approval", "{name}さんの申請": "asked for by {name}",
    "承認して送信する": "Approve and send", "取り下げる": "Withdraw", "却下する": "Reject",
    "{count}件への送信を承認依頼する": "Ask for approval to send to {count} customers",
    "一斉送信「{name}」を承認待ちにしました。別の利用者が承認すると送信が始まります":
        "Campaign “{name}” is waiting for approval; it starts once another user approves it",
    "承認しました（{count}件を送信待ちにしました）": "Approved ({count} messages queued)",
    "一斉送信「{name}」を取り下げました": "Campaign “{name}” withdrawn",
    "一斉送信「{name}」を却下しました": "Campaign “{name}” rejected",
    # outbox
    "宛先・顧客名": "Recipient or customer", "090-… / 山田": "090-… / Yamada", "宛先": "Recipient",
    "送信 / 配達": "Sent / delivered", "操作": "Action", "・試行{count}回": " · {count} attempts",
    "・{sim}から": " · from {sim}", "予定 {time}": "due {time}",
    "#{id} の送信を取り消しますか？": "Cancel sending #{id}?", "再送": "Resend",
    "送信済として扱う": "Treat as sent",
    "二重に届くおそれがあります。再送しますか？": "It may arrive twice. Resend?", "再送する": "Resend",
    "該当するメッセージはありません": "No matching messages",
    "#{id} の送信を取り消しました": "#{id} cancelled",
    "#{id} は送信待ちではないため取り消せません": "#{id} is not queued, so it cannot be cancelled",
    "#{id} を再送待ちにしました": "#{id} queued to resend",
    "#{id} は失敗・期限切れではないため再送できません": "#{id} has not failed or expired, so it cannot be resent",
    "#{id} を送信済として扱いました": "#{id} treated as sent",
    "#{id} はすでに確定しています": "#{id} is already decided",
    # replies
    "未読の会話": "Unread conversations", "お客様": "Customer", "最新の返信": "Latest reply", "受信": "Received",
    "担当": "Assigned", "未読": "Unread", "対応済": "Handled", "未対応の返信はありません": "No replies waiting",
    "返信はまだありません": "No replies yet", "← 返信一覧": "← Replies",
    "お客様が知っている番号 {sim}": "number the customer knows {sim}", "担当 {name}": "assigned to {name}",
    "配信停止中": "Opted out", "メッセージはありません": "No messages", "form|返信": "Reply", "送信する": "Send",
    "未対応に戻す": "Mark as waiting", "対応済にする": "Mark as handled", "（なし）": "(nobody)",
    "割り当てる": "Assign",
    "この返信はすでに送信待ちです": "This reply is already queued", "返信を送信待ちにしました": "Reply queued",
    "対応済にしました": "Marked as handled", "未対応に戻しました": "Marked as waiting",
    "担当者を{name}にしました": "Assigned to {name}", "担当者を未割当にしました": "Unassigned",
    # modems
    "SIM番号": "SIM number", "デバイス": "Device", "テスト送信": "Test send",
    "選んだSIMから、入力した番号へすぐに送ります（送信停止時間帯でも送ります）。":
        "Sends at once from the chosen SIM to the number entered (even during quiet hours).",
    "送信元のSIM": "From SIM", "（未接続）": " (offline)", "\u3000前回: {status}": " — last test: {status}",
    "送信先の電話番号": "To phone number", "本文（空欄なら定型のテスト文）": "Text (empty: the standard test text)",
    "{recipient} へのテスト送信を送信待ちにしました（#{id}）": "Test send to {recipient} queued (#{id})",
    "電波": "Signal", "通信網": "Network", "強": "strong", "中": "fair", "弱": "weak", "不明": "unknown",
    "在圏": "Registered", "ローミング": "Roaming", "圏外": "No service", "圏外（検索中）": "No service (searching)",
    "圏外（登録拒否）": "No service (registration denied)",
    "PINが違います。設定を直してください（このPINはもう試しません）":
        "The PIN is wrong. Please correct the configuration (this PIN will not be tried again)",
    "SIMがロックされています（PUKが必要です）。PUKで解除してから設定のPINを確かめてください":
        "The SIM is locked (it needs its PUK). Unlock it with the PUK, then check the PIN in the configuration",
    "SIMにPINが必要です。設定ファイルの [[modems]] pin に書いてください":
        "The SIM needs a PIN. Write it in the configuration file as [[modems]] pin",
    # stored modem and send errors (appliance/failures.py)
    "この番号は使われていません": "This number is not in use", "送信が規制されています": "Sending is barred",
    "送信が拒否されました": "The message was refused", "宛先の電話が使えない状態です": "The recipient's phone is out of service",
    "宛先が見つかりません": "The recipient is unknown to the network", "通信網の障害": "Network failure",
    "通信網の一時的な障害": "Temporary network failure", "通信網が混雑しています": "The network is congested",
    "SMSの契約がありません": "The SIM has no SMS subscription", "この送信は通信網で使えません": "The network does not offer this",
    "メッセージの形式が通信網に受け付けられませんでした": "The network did not accept the message's format",
    "通信網が送信を受け付けませんでした": "The network did not accept the message",
    "通信網から応答がありません": "The network did not answer", "圏外です": "No network service",
    "緊急通報しかできません（圏外扱い）": "Emergency calls only (no service)",
    "SMSセンター番号が未設定です": "The SMS centre number is not set",
    "モデムの故障": "Modem failure", "モデムに接続できません": "Cannot connect to the modem",
    "モデムが使用中です": "The modem is busy", "モデムのSMS機能が使用中です": "The modem's SMS service is busy",
    "モデムが操作を受け付けませんでした": "The modem did not allow the operation",
    "モデムが操作に対応していません": "The modem does not support the operation",
    "モデムが送信を受け付けませんでした": "The modem did not accept the message",
    "モデムの設定の誤り": "Modem setting error", "モデムへの指示の誤り": "Wrong command to the modem",
    "モデムのメモリがいっぱいです": "The modem's memory is full", "モデムのメモリの誤り": "Modem memory error",
    "モデムのメモリの障害": "Modem memory failure", "モデムの不明なエラー": "Unknown modem error",
    "モデムから応答がありません": "The modem did not answer", "モデムが見つかりません": "The modem cannot be found",
    "モデムを別のプログラムが使っています": "Another program is using the modem",
    "モデムとの接続が切れました": "The modem was disconnected",
    "モデムの返事を読めませんでした": "The modem's answer could not be read",
    "送信中に装置が止まりました（届いたかどうか不明）": "The box stopped while sending (delivery unknown)",
    "SIMが入っていません": "No SIM inserted", "SIMにPINが必要です": "The SIM needs its PIN",
    "SIMにPUKが必要です": "The SIM needs its PUK", "SIMにPIN2が必要です": "The SIM needs its PIN2",
    "SIMにPUK2が必要です": "The SIM needs its PUK2", "SIMのPINが違います": "The SIM refused the PIN",
    "SIMの故障": "SIM failure", "SIMの準備ができていません": "The SIM is not ready", "SIMが使えません": "Wrong SIM",
    "本文が長すぎます": "The text is too long", "本文に送れない文字があります": "The text has characters that cannot be sent",
    "電話番号が長すぎます": "The phone number is too long",
    "電話番号に使えない文字があります": "The phone number has invalid characters",
    "（{total}通中{sent}通は送信済）": " ({sent} of {total} parts sent)",
    # audit details (web/audit_details.py)
    "{file} を取り込み（{rows}行、新規 {created}件・更新 {updated}件）":
        "Imported {file} ({rows} rows, {created} new, {updated} updated)",
    "・エラー {count}行は取り込まず": "; {count} rows with errors left out", "はい": "yes", "いいえ": "no",
    "請求書 #{id}": "Invoice #{id}", "{number}（送信待ち {count}件を取消）": "{number} ({count} queued cancelled)",
    "取引先 #{id} {name}": "Customer #{id} {name}", "文面 #{id} {name}": "Template #{id} {name}",
    "期日から{days}日 {time} 文面 #{id}": "{days} days from due, {time}, template #{id}",
    "{name}（{count}件を送信待ちに）": "{name} ({count} queued)",
    "{conversation}（送信履歴 #{id}）: {text}": "{conversation} (outbox #{id}): {text}",
    "{route}（送信履歴 #{id}）": "{route} (outbox #{id})", "{phone}（取引先 {ids}）": "{phone} (customers {ids})",
    "flag|あり": "on", "flag|なし": "off", "{what}（{why}）": "{what} ({why})",
    "#{id} {who}（SMS通知 {sms}・メール通知 {mail}）": "#{id} {who} (SMS notices {sms}, e-mail notices {mail})",
    "action|請求書を取込": "Invoices imported",
    # audit and users
    "操作した人": "By", "日時": "When", "記録はありません": "Nothing recorded", "ユーザー": "Users",
    "役割": "Role", "作成日": "Created", "ユーザーを追加": "Add a user",
    "パスワード（10文字以上）": "Password (10 characters or more)",
    "ユーザー「{name}」を追加しました": "User “{name}” added",
    # audit actions and actors (web/filters.py ACTION, ACTOR)
    "action|入金済にした": "Marked paid", "action|確認中にした": "Marked disputed", "action|未入金に戻した": "Reopened",
    "action|請求書を編集": "Invoice edited", "action|請求書を書き出し": "Invoices exported", "action|配信停止にした": "Opted out",
    "action|配信を再開": "Opted in again", "action|文面を作成": "Template created", "action|文面を編集": "Template edited",
    "action|督促の予定を編集": "Reminder plan edited", "action|一斉送信を開始": "Campaign started",
    "action|一斉送信の承認を依頼": "Campaign approval asked", "action|一斉送信を承認": "Campaign approved",
    "action|一斉送信を却下": "Campaign rejected", "action|送信を取消": "Message cancelled",
    "action|再送": "Message retried", "action|要確認を送信済と判断": "Unsure message taken as sent",
    "action|要確認を再送": "Unsure message resent", "action|返信を送信": "Reply sent",
    "action|返信の担当を決定": "Conversation assigned", "action|対応済にした": "Marked handled",
    "action|未対応に戻した": "Marked waiting", "action|返信で配信停止": "Opted out by reply",
    "action|返信で入金連絡": "Paid, says a reply", "action|送信失敗": "Send failed",
    "action|モデムの試験送信": "Modem test send", "action|担当者を追加": "Staff added", "action|担当者を編集": "Staff edited",
    "action|担当者を削除": "Staff removed", "action|ユーザーを追加": "User added", "action|設定を変更": "Settings changed",
    # error pages (web/errors.py)
    "もう一度操作してください": "Please try again",
    "ページを開いてから時間がたったか、ログインが切れました。何も変更していません。":
        "The page was open too long, or your login ended. Nothing was changed.",
    "リクエストが正しくありません": "Bad request",
    "送られた内容を受け付けられませんでした。何も変更していません。": "What was sent could not be accepted. Nothing was changed.",
    "権限がありません": "Not allowed",
    "この操作はあなたの役割ではできません。必要なら管理者に依頼してください。":
        "Your role does not allow this. Ask an administrator if it is needed.",
    "ページが見つかりません": "Page not found",
    "アドレスが違うか、表示するものが削除されています。": "The address is wrong, or what it showed has been removed.",
    "この操作はできません": "This cannot be done here",
    "このページはこの方法では開けません。メニューから開き直してください。":
        "This page cannot be opened this way. Please open it from the menu.",
    "ファイルが大きすぎます": "The file is too large",
    "送れるのは{limit}MBまでです。何も変更していません。": "At most {limit} MB can be sent. Nothing was changed.",
    "内部エラーが発生しました": "Internal error",
    "処理の途中で問題が起きました。反映されたか元のページで確かめ、続くときは管理者に連絡してください。":
        "Something went wrong. Check on the page whether the action took effect; "
        "if it keeps happening, tell the administrator.",
    "エラー（{code}）": "Error ({code})", "この操作を完了できませんでした。": "This could not be completed.",
    "ログインし直す": "Log in again", "ダッシュボードへ": "To the dashboard",
    "action|バックアップをダウンロード": "Backup downloaded", "action|ログイン": "Logged in", "action|ログアウト": "Logged out", "装置": "The box", "初期設定": "Setup", "コマンド": "Command line", "デモ": "Demo",
}
CATALOGUES = {"en": EN}


def language() -> str:
    """The session's language ('ja' unless English was chosen; 'ja' outside a request)."""
    if not has_request_context():
        return "ja"
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "ja"


def _(text: str, /, context: str | None = None, **params) -> str:
    """`text` (Japanese) in the session's language, with {named} params filled in.

    `context` tells apart one Japanese word that needs two English ones ("取消" is the status
    "Cancelled" and the button "Cancel"): the catalogue key "context|text" is tried first."""
    catalogue = CATALOGUES.get(language(), {})
    translated = catalogue.get(f"{context}|{text}", catalogue.get(text, text)) if context else catalogue.get(text, text)
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
