"""Is the clock right? A Raspberry Pi has no real-time clock, and the box often has no internet
(no NTP): after a power cut its clock may start at the last shutdown (fake-hwclock) or in 1970.
Reminders sent at the wrong hour break the quiet hours (貸金業法 §21), so customer messages wait
while the clock is clearly wrong:

- earlier than the day this software was made (appliance.BUILD_DATE), or
- more than TOLERANCE away from the network's time, which the modems report (NITZ, read with
  AT+CCLK?, 3GPP TS 27.007 §8.15) when the network sends it.

The verdict is recomputed on every question from the last network reading, carried forward on
the monotonic clock, so a clock that is put right is noticed at once.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

from appliance import BUILD_DATE
from appliance.clock import TOKYO, Clock, ManualClock
from modem.errors import AtTimeout, CommandError

TOLERANCE = timedelta(minutes=10)
# "yy/MM/dd,hh:mm:ss±zz", the zone in quarter hours; some modems leave the zone out.
CCLK = re.compile(r'\+CCLK:\s*"?(\d\d)/(\d\d)/(\d\d),(\d\d):(\d\d):(\d\d)([+-]\d{1,2})?"?')


def parse_cclk(lines: list[str]) -> datetime | None:
    """The aware time in a +CCLK answer; None when there is none or it carries no zone (a bare
    local time could be any zone's)."""
    for line in lines:
        match = CCLK.search(line)
        if not match or match.group(7) is None:
            continue
        yy, mo, dd, hh, mi, ss = (int(g) for g in match.groups()[:6])
        zone = timezone(timedelta(minutes=15 * int(match.group(7))))
        try:
            # Two-digit years: modems that never heard the network say 80 (1980, the GPS epoch).
            return datetime((2000 if yy < 70 else 1900) + yy, mo, dd, hh, mi, ss, tzinfo=zone)
        except ValueError:
            return None
    return None


def read_network_time(modem) -> datetime | None:
    """The network's time from a modem (modem.device.Modem), or None when it does not know it.
    A modem that never heard NITZ answers from its own clock (2000-01-01, 1980-01-06 and the
    like): anything before BUILD_DATE counts as unknown."""
    try:
        moment = parse_cclk(modem.at("AT+CCLK?", timeout=5.0))
    except (CommandError, AtTimeout):
        return None
    if moment is None or moment.date() < BUILD_DATE:
        return None
    return moment


def follows_system_time(clock: Clock) -> bool:
    """True for a clock that is the system's (what a box runs on); False for the demo's shifted
    or sped-up clock and for tests' ManualClock, where comparing with the network means nothing."""
    if isinstance(clock, ManualClock) or clock.speed != 1:
        return False
    return abs(clock.now() - datetime.now(timezone.utc)) < timedelta(minutes=1)


@dataclass(frozen=True)
class ClockState:
    ok: bool
    reason: str | None           # for staff, in Japanese; None when ok
    clock: datetime              # what the appliance's clock says
    network: datetime | None     # the network's time now, when a modem has told it
    source: str | None           # the device that told it
    offset_seconds: float | None  # clock minus network

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("clock", "network"):
            data[key] = data[key].isoformat(timespec="seconds") if data[key] else None
        return data


class ClockCheck:
    """The latest network time reading and the verdict on the appliance's clock (thread-safe)."""

    def __init__(self, *, enabled: bool = True, build_date=BUILD_DATE, tolerance: timedelta = TOLERANCE,
                 monotonic=time.monotonic):
        self.enabled, self.build_date, self.tolerance = enabled, build_date, tolerance
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._reading: tuple[datetime, float, str] | None = None

    def network_time(self, moment: datetime, source: str) -> None:
        """Record what a modem said the time is, now."""
        with self._lock:
            self._reading = (moment, self._monotonic(), source)

    def state(self, now: datetime) -> ClockState:
        """The verdict on `now`, the appliance clock's reading."""
        with self._lock:
            reading = self._reading
        network = source = offset = None
        if reading:
            moment, at, source = reading
            network = moment + timedelta(seconds=self._monotonic() - at)
            offset = (now - network).total_seconds()
        reason = self._reason(now, network, offset) if self.enabled else None
        return ClockState(reason is None, reason, now, network, source, offset)

    def _reason(self, now: datetime, network: datetime | None, offset: float | None) -> str | None:
        local = now.astimezone(TOKYO)
        if network is not None and abs(offset) > self.tolerance.total_seconds():
            minutes = round(abs(offset) / 60)
            return (f"本体の時計（{local:%Y-%m-%d %H:%M}）が携帯網の時刻"
                    f"（{network.astimezone(TOKYO):%Y-%m-%d %H:%M}）より{_span(minutes)}"
                    f"{'進んで' if offset > 0 else '遅れて'}います。時計が正しくなるまでお客様への送信を止めています。")
        if local.date() < self.build_date:
            return (f"本体の時計が {local:%Y-%m-%d %H:%M} になっています（ソフトウェアの作成日 "
                    f"{self.build_date} より前）。携帯網の時刻が届くか時計が直るまで、お客様への送信を止めています。")
        return None


def _span(minutes: int) -> str:
    if minutes < 120:
        return f"{minutes}分"
    if minutes < 48 * 60:
        return f"{minutes // 60}時間"
    return f"{minutes // 1440}日"
