"""Settings an administrator changes on the admin page: the configuration file gives the defaults,
the `settings` table (one JSON value per key) overrides them.

    base = defaults(config)                  # from the TOML file, validated at start
    current = load(db, base)                 # what the appliance uses now
    wanted = parse(form, current)            # raises SettingsError naming each bad field
    changed = save(db, wanted, base)

A value equal to the file's is not stored, so the file still decides what nobody changed.
The time zone is the file's only: it fixes how stored dates are read.
"""
from __future__ import annotations

import json
import re
import unicodedata
import time as monotonic_time
from dataclasses import asdict, dataclass, replace
from datetime import time
from zoneinfo import ZoneInfo

from appliance.clock import TOKYO
from appliance.phones import is_japanese_number
from appliance.schedule import SendingRules

# key -> its name on the page (Japanese; web/i18n.py translates it)
LABELS = {"company": "会社名", "contact_phone": "問い合わせ電話番号", "quiet_start": "送信停止の開始",
          "quiet_end": "送信停止の終了", "skip_sundays": "日曜日は送らない", "skip_holidays": "祝日は送らない",
          "per_customer_per_day": "1人あたり1日の上限", "daily_cap": "SIMごとの1日の上限（通）",
          "cost_per_part": "1通あたりの費用（円）",
          "campaign_approval": "一斉送信は別の利用者が承認してから送る"}
CHECKBOXES = ("skip_sundays", "skip_holidays", "campaign_approval")
# Japanese carriers stop a SIM at about 200 messages a day (parts of long ones counted each).
LIMITS = {"per_customer_per_day": (1, 10), "daily_cap": (1, 200), "cost_per_part": (0, 1_000)}
# Quiet hours set on the page must cover this night (貸金業法 §21: no dunning 21:00-08:00); the
# configuration file, written by whoever installs the box, may set any window.
NIGHT = (time(21, 0), time(8, 0))
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_NUMBER = re.compile(r"[0-9０-９]{1,6}")     # digits as typed, half or full width (not ² or ①)


class SettingsError(ValueError):
    """Settings that cannot be saved; `problems` maps each bad key to a Japanese sentence."""

    def __init__(self, problems: dict[str, "Problem"]):
        super().__init__("; ".join(str(p) for p in problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    """One bad field: `text` is a Japanese message with {label} and named params (translatable)."""
    key: str
    text: str
    params: dict

    def __str__(self) -> str:
        return self.text.format(label=LABELS[self.key], **self.params)


@dataclass(frozen=True)
class Settings:
    company: str = "（会社名を設定してください）"
    contact_phone: str = ""
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    skip_sundays: bool = False
    skip_holidays: bool = False
    per_customer_per_day: int = 1
    daily_cap: int = 180
    cost_per_part: int = 3
    campaign_approval: bool = False      # a campaign waits for a second user's approval
    zone: ZoneInfo = TOKYO               # read-only: from the configuration file

    @property
    def rules(self) -> SendingRules:
        return SendingRules(quiet_start=self.quiet_start, quiet_end=self.quiet_end, zone=self.zone,
                            skip_sundays=self.skip_sundays, skip_holidays=self.skip_holidays)

    def stored(self) -> dict:
        """The editable values as JSON-ready values (times as 'HH:MM')."""
        values = {k: v for k, v in asdict(self).items() if k in LABELS}
        return {k: v.strftime("%H:%M") if isinstance(v, time) else v for k, v in values.items()}


def defaults(config) -> Settings:
    """The settings an appliance.config.Config gives."""
    rules = config.rules
    return Settings(company=config.company, contact_phone=config.contact_phone, quiet_start=rules.quiet_start,
                    quiet_end=rules.quiet_end, skip_sundays=rules.skip_sundays, skip_holidays=rules.skip_holidays,
                    per_customer_per_day=config.per_customer_per_day, daily_cap=config.daily_cap,
                    cost_per_part=config.cost_per_part, campaign_approval=config.campaign_approval,
                    zone=rules.zone)


def parse(form, current: Settings) -> Settings:
    """`current` changed by a submitted form (text values; a missing checkbox is False).
    Raises SettingsError with a message per bad field."""
    values, problems = {}, {}
    for key in ("company", "contact_phone"):
        text = " ".join((form.get(key) or "").split())
        if key == "company" and not text:
            problems[key] = Problem(key, "{label}を入力してください", {})
        elif len(text) > 60:
            problems[key] = Problem(key, "{label}は{limit}文字以内にしてください", {"limit": 60})
        elif key == "contact_phone" and text and not is_japanese_number(text):
            problems[key] = Problem(key, "{label}は 03-1234-5678 のような電話番号で入力してください", {})
        values[key] = text
    for key in ("quiet_start", "quiet_end"):
        match = _TIME.fullmatch(unicodedata.normalize("NFKC", form.get(key) or "").strip())   # ２１：００ too
        if match:
            values[key] = time(int(match[1]), int(match[2]))
        else:
            problems[key] = Problem(key, "{label}は 21:00 のような時刻で入力してください", {})
    if not problems.keys() & {"quiet_start", "quiet_end"} and not covers_the_night(values["quiet_start"],
                                                                                 values["quiet_end"]):
        problems["quiet_start"] = Problem("quiet_start", "送信停止の時間帯は {start}〜{end} を含めてください"
                                          "（夜間に督促を送らないため）",
                                          {"start": NIGHT[0].strftime("%H:%M"), "end": NIGHT[1].strftime("%H:%M")})
    for key in CHECKBOXES:
        values[key] = form.get(key) in ("1", "on", "true", True)
    for key, (low, high) in LIMITS.items():
        text = (form.get(key) or "").strip()
        number = int(text) if _NUMBER.fullmatch(text) else None
        if key == "daily_cap" and number is not None and number > high:
            problems[key] = Problem(key, "{label}は{high}以下にしてください（携帯会社は1日{high}通ほどでSIMを止めます）",
                                    {"high": high})
        elif number is None or not low <= number <= high:
            problems[key] = Problem(key, "{label}は{low}から{high}までの整数で入力してください",
                                    {"low": low, "high": high})
        else:
            values[key] = number
    if problems:
        raise SettingsError(problems)
    return replace(current, **values)


def covers_the_night(start: time, end: time) -> bool:
    """Whether quiet hours from `start` to `end` (over midnight) include all of NIGHT."""
    return end < start and start <= NIGHT[0] and end >= NIGHT[1]


def load(db, base: Settings) -> Settings:
    """`base` overridden by what the settings table holds (unknown or unreadable values are skipped:
    the page only ever stores values parse() accepted)."""
    keys = tuple(LABELS)
    rows = db.query(f"SELECT key, value FROM settings WHERE key IN ({','.join('?' * len(keys))})", keys)
    values = {}
    for key, value in rows:
        try:
            value = json.loads(value)
            values[key] = time.fromisoformat(value) if key in ("quiet_start", "quiet_end") else value
        except (ValueError, TypeError):
            continue
    return replace(base, **values)


def save(db, wanted: Settings, base: Settings) -> dict:
    """Store `wanted`: values differing from `base` (the file's) are kept, the others removed.
    Returns {key: (old, new)} of what changed against what was in effect before."""
    before = load(db, base).stored()
    after, defaults_ = wanted.stored(), base.stored()
    with db.write() as conn:
        for key, value in after.items():
            if value == defaults_[key]:
                conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                             " SET value = excluded.value", (key, json.dumps(value, ensure_ascii=False)))
    return {k: (before[k], after[k]) for k in after if before[k] != after[k]}


class SettingsSource:
    """The settings in effect, read again at most every `ttl` seconds (the admin page and the
    appliance may be different objects over one database)."""

    def __init__(self, db, base: Settings, ttl: float = 2.0):
        self.db, self.base, self.ttl = db, base, ttl
        self._value, self._read_at = None, 0.0

    def current(self) -> Settings:
        now = monotonic_time.monotonic()
        if self._value is None or now - self._read_at >= self.ttl:
            self._value, self._read_at = load(self.db, self.base), now
        return self._value

    def forget(self) -> None:
        """Read the table again at the next current() (after a save)."""
        self._value = None
