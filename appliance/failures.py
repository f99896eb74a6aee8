"""Staff's words for the errors the appliance stores (outbox.last_error, sims.last_error, the
send.failed audit detail): what the modem layer raised, as str(error), back to a Japanese cause.

One function, explain(), serves the staff SMS and every page; the technical text stays stored
(and shown in small print) for support.
"""
from __future__ import annotations

import re

from modem.at import codes

# Causes staff can act on, by +CMS ERROR value (TS 27.005 §3.2.5, TS 24.011 §8.2.5.4 RP-causes).
CMS_JA = {
    1: "この番号は使われていません", 8: "送信が規制されています", 10: "送信が規制されています",
    21: "送信が拒否されました", 27: "宛先の電話が使えない状態です", 28: "宛先が見つかりません",
    29: "送信が拒否されました", 30: "宛先が見つかりません", 38: "通信網の障害", 41: "通信網の一時的な障害",
    42: "通信網が混雑しています", 47: "通信網が混雑しています", 50: "SMSの契約がありません",
    69: "この送信は通信網で使えません", 81: "メッセージの形式が通信網に受け付けられませんでした",
    300: "モデムの故障", 301: "モデムのSMS機能が使用中です", 302: "モデムが操作を受け付けませんでした",
    303: "モデムが操作に対応していません", 304: "モデムの設定の誤り", 305: "モデムの設定の誤り",
    310: "SIMが入っていません", 311: "SIMにPINが必要です", 312: "SIMにPINが必要です", 313: "SIMの故障",
    314: "SIMの準備ができていません", 315: "SIMが使えません", 316: "SIMにPUKが必要です",
    317: "SIMにPIN2が必要です", 318: "SIMにPUK2が必要です", 320: "モデムのメモリの障害",
    321: "モデムのメモリの誤り", 322: "モデムのメモリがいっぱいです", 330: "SMSセンター番号が未設定です",
    331: "圏外です", 332: "通信網から応答がありません", 340: "モデムの設定の誤り", 500: "モデムの不明なエラー",
}
# +CME ERROR values (TS 27.007 §9.2).
CME_JA = {
    0: "モデムの故障", 1: "モデムに接続できません", 2: "モデムが使用中です", 3: "モデムが操作を受け付けませんでした",
    4: "モデムが操作に対応していません", 5: "SIMにPINが必要です", 10: "SIMが入っていません",
    11: "SIMにPINが必要です", 12: "SIMにPUKが必要です", 13: "SIMの故障", 14: "SIMの準備ができていません",
    15: "SIMが使えません", 16: "SIMのPINが違います", 17: "SIMにPIN2が必要です", 18: "SIMにPUK2が必要です",
    20: "モデムのメモリがいっぱいです", 21: "モデムのメモリの誤り", 22: "モデムのメモリの誤り",
    23: "モデムのメモリの障害", 24: "本文が長すぎます", 25: "本文に送れない文字があります",
    26: "電話番号が長すぎます", 27: "電話番号に使えない文字があります", 30: "圏外です",
    31: "通信網から応答がありません", 32: "緊急通報しかできません（圏外扱い）", 50: "モデムへの指示の誤り",
    100: "モデムの不明なエラー",
}
# RP-causes saying the number itself cannot get SMS: unassigned, unidentified or unknown subscriber.
BAD_NUMBER_CODES = frozenset({1, 28, 30})
# Values without a word of their own, by range: RP-causes come from the network, 300+ from the modem.
NETWORK_REFUSED, MODEM_REFUSED = "通信網が送信を受け付けませんでした", "モデムが送信を受け付けませんでした"
PARTS_SENT = "（{total}通中{sent}通は送信済）"

_CODED = re.compile(r"\+(CMS|CME) ERROR:\s*(.*?)\s*(?: after \d+ of \d+ parts| \(parts confirmed: \d+\))?$")
_PARTIAL = re.compile(r" after (\d+) of (\d+) parts$")
# What the rest of the modem layer says (modem/at/engine.py, modem/at/transport.py, modem/device.py),
# first match wins; the SIM states are those of +CPIN? (TS 27.007 §8.3).
_PATTERNS = (
    (re.compile(r"the SIM refused the( configured)? PIN"), "SIMのPINが違います"),
    (re.compile(r"the SIM says (SIM |PH-SIM )?PUK"), "SIMにPUKが必要です"),
    (re.compile(r"the SIM says (SIM |PH-SIM )?PIN"), "SIMにPINが必要です"),
    (re.compile(r"the SIM (still )?says"), "SIMの準備ができていません"),
    (re.compile(r"no answer to|no prompt after|does not answer"), "モデムから応答がありません"),
    (re.compile(r"in use by another program"), "モデムを別のプログラムが使っています"),
    (re.compile(r"cannot open|is not open|stopped waiting for the device"), "モデムが見つかりません"),
    (re.compile(r"port closed|not connected|write failed|returned no data|\[Errno \d+\]"),
     "モデムとの接続が切れました"),
    (re.compile(r"^process stopped while sending"), "送信中に装置が止まりました（届いたかどうか不明）"),
    (re.compile(r"no \+CMGS reference"), "モデムの返事を読めませんでした"),
    (re.compile(r"' failed: (ERROR|COMMAND NOT SUPPORT)"), MODEM_REFUSED),
)


def _code(kind: str, detail: str) -> int | None:
    """The number of a +CMS/+CME ERROR as stored: a number, or the modem's verbose text."""
    if detail.endswith(")") and detail.count(")") > detail.count("("):
        detail = detail[:-1]                # "the SIM refused the PIN (+CME ERROR: 16)"
    return int(detail) if detail.isdigit() else codes.code_for(kind, detail)


def _coded(kind: str, detail: str) -> str:
    code = _code(kind, detail)
    if kind == "CME":
        return CME_JA.get(code, "モデムがエラーを返しました")
    if code in CMS_JA:
        return CMS_JA[code]
    return NETWORK_REFUSED if code is not None and code < 300 else MODEM_REFUSED


def cause(error: str | None) -> str | None:
    """Staff's Japanese words for the cause in a stored error text; None when it is empty,
    already Japanese or of no kind known here (the page then shows it as it is)."""
    if not error:
        return None
    coded = _CODED.search(error)
    if coded:
        return _coded(coded.group(1), coded.group(2))
    return next((words for pattern, words in _PATTERNS if pattern.search(error)), None)


def bad_number(error: str | None) -> bool:
    """Whether a stored send error says the number itself cannot get SMS (a retry will not help)."""
    coded = _CODED.search(error or "")
    return bool(coded) and coded.group(1) == "CMS" and _code("CMS", coded.group(2)) in BAD_NUMBER_CODES


def parts_sent(error: str | None) -> tuple[int, int] | None:
    """(sent, total) when the send failed after some of its parts went out, else None."""
    partial = _PARTIAL.search(error or "")
    return (int(partial.group(1)), int(partial.group(2))) if partial else None


def explain(error: str | None, translate=lambda text, **values: text.format(**values)) -> str | None:
    """cause() with, for a send that failed part-way, how far it got:
    「通信網が混雑しています（3通中1通は送信済）」. `translate(text, **values)` puts each piece
    in another language (the admin page passes its own); by default they stay Japanese."""
    words, parts = cause(error), parts_sent(error)
    if words is None:
        return None
    return translate(words) + (translate(PARTS_SENT, sent=parts[0], total=parts[1]) if parts else "")


def failure_in_japanese(reason: str) -> str:
    """For staff SMS: '... +CMS ERROR: 1' -> 'この番号は使われていません（+CMS ERROR: 1）'; another
    known error gets its words and the technical text in brackets; an unknown one stays as is."""
    words = explain(reason)
    if words is None:
        return reason
    coded = _CODED.search(reason)
    return f"{words}（+{coded.group(1)} ERROR: {coded.group(2)}）" if coded else f"{words}（{reason}）"
