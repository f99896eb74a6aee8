"""How long each scheduler job has been running.

APScheduler's `running` stays true while a job hangs for ever (a reminder tick stuck on a lock,
a backup on a dead disk), so the watchdog looks at the jobs themselves: every run is recorded
when the scheduler hands it to its executor and forgotten when it ends, by listening to the
scheduler's own events -- no job needs to be wrapped.
"""
from __future__ import annotations

import threading
import time
import weakref

from apscheduler.events import (EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED)

# How long a run may take before it counts as hung. The reminder tick takes seconds even with
# 100k invoices; a nightly backup of a large database on an SD card may take many minutes.
JOB_LIMITS = {"backup": 3600.0}
JOB_LIMIT = 600.0


class JobTracker:
    """The runs of one scheduler's jobs that have started and not yet ended."""

    def __init__(self, scheduler):
        self._lock = threading.Lock()
        self._started: dict[tuple[str, object], float] = {}
        # The end of a quick run can be reported before its submission (APScheduler dispatches
        # submissions after its whole loop): such ends wait here for their submission.
        self._ended_early: set[tuple[str, object]] = set()
        scheduler.add_listener(self._on_event, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
                               | EVENT_JOB_MISSED)

    def _on_event(self, event) -> None:
        with self._lock:
            if event.code == EVENT_JOB_SUBMITTED:
                for run_time in event.scheduled_run_times:
                    key = (event.job_id, run_time)
                    if key in self._ended_early:
                        self._ended_early.discard(key)
                    else:
                        self._started[key] = time.monotonic()
            else:
                key = (event.job_id, event.scheduled_run_time)
                if self._started.pop(key, None) is None:
                    self._ended_early.add(key)

    def running(self) -> dict[str, float]:
        """job id -> seconds its oldest unfinished run has been going."""
        now, ages = time.monotonic(), {}
        with self._lock:
            for (job_id, _), started in self._started.items():
                ages[job_id] = max(ages.get(job_id, 0.0), now - started)
        return ages

    def overdue(self, limit: float | None = None) -> list[dict]:
        """[{"job", "running_for"}] for runs past their limit (`limit` overrides JOB_LIMITS)."""
        return [{"job": job_id, "running_for": round(age, 1)} for job_id, age in sorted(self.running().items())
                if age > (limit if limit is not None else JOB_LIMITS.get(job_id, JOB_LIMIT))]


_trackers: "weakref.WeakKeyDictionary[object, JobTracker]" = weakref.WeakKeyDictionary()
_trackers_lock = threading.Lock()


def tracker(scheduler) -> JobTracker:
    """The tracker of `scheduler`, listening from the first call on: make it before the
    scheduler starts, or runs already going are not seen."""
    with _trackers_lock:
        if scheduler not in _trackers:
            _trackers[scheduler] = JobTracker(scheduler)
        return _trackers[scheduler]
