"""The appliance's configuration: a TOML file, validated once at start, defaults in one place.

A bad file gets a message naming the file and the key, never a traceback.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from appliance.mailer import SmtpSettings
from appliance.schedule import SendingRules
from appliance.worker import ModemSettings


class ConfigError(ValueError):
    """A configuration that cannot be used; says which file and which key."""


@dataclass(frozen=True)
class StaffMember:
    name: str
    phone: str | None = None
    email: str | None = None
    notify_sms: bool = True
    notify_email: bool = True


@dataclass
class Config:
    database: Path = Path("var/tokusoku.db")
    company: str = "（会社名を設定してください）"
    contact_phone: str = ""
    tick_seconds: float = 60.0
    per_customer_per_day: int = 1
    daily_cap: int = 180                  # parts per SIM per day, for modems without their own
    cost_per_part: int = 3                # yen, for the dashboard and the counters
    campaign_approval: bool = False       # campaigns wait for a second user's approval
    rules: SendingRules = field(default_factory=SendingRules)
    modems: list[ModemSettings] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    smtp: SmtpSettings | None = None
    webhook_url: str | None = None
    web_host: str = "127.0.0.1"
    web_port: int = 8080


SECTIONS = {
    "appliance": {"database": str, "company": str, "contact_phone": str, "tick_seconds": (int, float),
                  "timezone": str},
    "sending": {"quiet_start": str, "quiet_end": str, "skip_sundays": bool, "skip_holidays": bool,
                "per_customer_per_day": int, "daily_cap": int, "cost_per_part": int,
                "campaign_approval": bool},
    "modems": {"device": str, "number": str, "pin": str, "flow": str, "daily_cap": int, "pace": (int, float)},
    "staff": {"name": str, "phone": str, "email": str, "notify_sms": bool, "notify_email": bool},
    "smtp": {"host": str, "port": int, "sender": str, "starttls": bool, "username": str, "password": str},
    "web": {"host": str, "port": int},
    "webhook": {"url": str},
}
REQUIRED = {"modems": ("device",), "staff": ("name",), "smtp": ("host",), "webhook": ("url",)}


def load(path: str | Path) -> Config:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return from_dict(data, str(path))


def from_dict(data: dict, source: str = "config") -> Config:
    for section, value in data.items():
        if section not in SECTIONS:
            raise ConfigError(f"{source}: unknown section [{section}]; known: {', '.join(SECTIONS)}")
        for i, table in enumerate(value if isinstance(value, list) else [value]):
            where = f"[[{section}]] #{i + 1}" if isinstance(value, list) else f"[{section}]"
            _check(table, section, f"{source}: {where}")
    app, sending = data.get("appliance", {}), data.get("sending", {})
    zone = _zone(app.get("timezone", "Asia/Tokyo"), f"{source}: [appliance] timezone")
    cap = sending.get("daily_cap", 180)
    config = Config(
        database=Path(app.get("database", "var/tokusoku.db")),
        company=app.get("company", Config.company), contact_phone=app.get("contact_phone", ""),
        tick_seconds=float(app.get("tick_seconds", 60)),
        per_customer_per_day=sending.get("per_customer_per_day", 1),
        daily_cap=cap, cost_per_part=sending.get("cost_per_part", 3),
        campaign_approval=sending.get("campaign_approval", False),
        rules=SendingRules(quiet_start=_time(sending.get("quiet_start", "21:00"), f"{source}: [sending] quiet_start"),
                           quiet_end=_time(sending.get("quiet_end", "08:00"), f"{source}: [sending] quiet_end"),
                           zone=zone, skip_sundays=sending.get("skip_sundays", False),
                           skip_holidays=sending.get("skip_holidays", False)),
        modems=[ModemSettings(m["device"], m.get("number"), m.get("pin"), m.get("flow", "none"),
                              m.get("daily_cap"), pace=float(m.get("pace", 0))) for m in data.get("modems", [])],
        staff=[StaffMember(**s) for s in data.get("staff", [])],
        smtp=SmtpSettings(**data["smtp"]) if "smtp" in data else None,
        web_host=data.get("web", {}).get("host", "127.0.0.1"), web_port=data.get("web", {}).get("port", 8080),
        webhook_url=data.get("webhook", {}).get("url"))
    for i, modem in enumerate(config.modems):
        if modem.flow not in ("none", "rtscts", "dsrdtr", "xonxoff"):
            raise ConfigError(f"{source}: [[modems]] #{i + 1} flow: {modem.flow!r} is not one of "
                              "none, rtscts, dsrdtr, xonxoff")
    return config


def _check(table, section: str, where: str) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    allowed = SECTIONS[section]
    for key, value in table.items():
        if key not in allowed:
            raise ConfigError(f"{where}: unknown key {key!r}; known: {', '.join(allowed)}")
        if not isinstance(value, allowed[key]) or (allowed[key] is int and isinstance(value, bool)):
            raise ConfigError(f"{where} {key}: expected {_type_name(allowed[key])}, got {value!r}")
    for key in REQUIRED.get(section, ()):
        if key not in table:
            raise ConfigError(f"{where}: {key} is required")


def _type_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({str: "text", int: "a whole number", float: "a number", bool: "true/false"}[k] for k in kinds)


def _time(text: str, where: str) -> time:
    try:
        hour, minute = (int(x) for x in text.split(":"))
        return time(hour, minute)
    except ValueError:
        raise ConfigError(f"{where}: {text!r} is not a time like 21:00") from None


def _zone(name: str, where: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: unknown time zone {name!r}") from None
