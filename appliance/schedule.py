"""When a message may go out: quiet hours, Sundays and holidays, plan steps. Pure functions.

Defaults follow 貸金業法 §21 and its ordinance: no contact with debtors from 21:00 to 08:00.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import jpholiday

from appliance.clock import TOKYO


@dataclass(frozen=True)
class SendingRules:
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    zone: ZoneInfo = TOKYO
    skip_sundays: bool = False
    skip_holidays: bool = False

    def is_quiet(self, local: time) -> bool:
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start > self.quiet_end:                 # spans midnight (21:00-08:00)
            return local >= self.quiet_start or local < self.quiet_end
        return self.quiet_start <= local < self.quiet_end

    def is_sending_day(self, day: date) -> bool:
        if self.skip_sundays and day.weekday() == 6:
            return False
        return not (self.skip_holidays and jpholiday.is_holiday(day))


def allowed(moment: datetime, rules: SendingRules) -> bool:
    local = moment.astimezone(rules.zone)
    return rules.is_sending_day(local.date()) and not rules.is_quiet(local.time())


def next_allowed(moment: datetime, rules: SendingRules) -> datetime:
    """`moment` itself when sending is allowed then, else the first allowed moment after it (UTC)."""
    local = moment.astimezone(rules.zone)
    for _ in range(400):                                       # a year of skipped days at most
        if rules.is_sending_day(local.date()) and not rules.is_quiet(local.time()):
            return local.astimezone(timezone.utc)
        if rules.is_sending_day(local.date()) and local.time() < rules.quiet_end:
            local = local.replace(hour=rules.quiet_end.hour, minute=rules.quiet_end.minute,
                                  second=0, microsecond=0)
        else:
            following = local.date() + timedelta(days=1)
            local = datetime.combine(following, rules.quiet_end if rules.quiet_start != rules.quiet_end
                                     else time(0), tzinfo=rules.zone)
    raise ValueError("no allowed sending time within a year: check the sending rules")


def step_time(due: date, offset_days: int, send_time: time, rules: SendingRules) -> datetime:
    """When a plan step for an invoice due on `due` goes out (UTC), quiet hours respected."""
    local = datetime.combine(due + timedelta(days=offset_days), send_time, tzinfo=rules.zone)
    return next_allowed(local, rules)


def local_day(moment: datetime, rules: SendingRules) -> date:
    return moment.astimezone(rules.zone).date()
