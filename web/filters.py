"""Jinja filters: dates and yen the Japanese way, statuses in words staff use."""
from __future__ import annotations

from datetime import date, datetime

from appliance.clock import TOKYO

STATUS = {"queued": "送信待ち", "sending": "送信中", "sent": "送信済", "delivered": "配達済",
          "failed": "失敗", "expired": "期限切れ", "retry": "再送待ち", "uncertain": "要確認",
          "cancelled": "取消", "open": "未入金", "paid": "入金済", "disputed": "確認中"}
ROLE = {"admin": "管理者", "staff": "担当者", "viewer": "閲覧のみ"}


def yen(amount) -> str:
    return f"¥{int(amount):,}" if amount is not None else ""


def jdate(value) -> str:
    """'2026-12-10' -> '2026年12月10日'."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def jtime(value) -> str:
    """A stored UTC timestamp as Japan time: '12月10日 14:05'."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    local = moment.astimezone(TOKYO)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def register(app) -> None:
    app.jinja_env.filters.update(yen=yen, jdate=jdate, jtime=jtime,
                                 status=lambda s: STATUS.get(s, s), role=lambda r: ROLE.get(r, r))
