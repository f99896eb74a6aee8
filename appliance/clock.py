"""Time for the appliance, passed in, never read deep inside logic (tests travel in time)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


class Clock:
    """Real time, optionally shifted and sped up (a demo can live a day in minutes)."""

    def __init__(self, offset: timedelta = timedelta(0), speed: float = 1.0):
        self._lock = threading.Lock()
        self._start_real = datetime.now(timezone.utc)
        self._start = self._start_real + offset
        self.speed = speed

    def now(self) -> datetime:
        """Aware UTC datetime."""
        real = datetime.now(timezone.utc)
        with self._lock:
            return self._start + (real - self._start_real) * self.speed


class ManualClock(Clock):
    """A clock tests move by hand."""

    def __init__(self, start: datetime):
        super().__init__()
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(timezone.utc)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment.astimezone(timezone.utc)


def iso(moment: datetime) -> str:
    """UTC ISO 8601 as stored in the database."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
