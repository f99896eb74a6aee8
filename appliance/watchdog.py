"""systemd's watchdog and the health of the running appliance.

The service is Type=notify with WatchdogSec= (systemd/tokusoku.service): READY=1 once the
appliance has started, WATCHDOG=1 every WatchdogSec/2 -- but only while the scheduler runs, none
of its jobs has run past its limit (scheduler_jobs) and every modem worker has gone round its loop
lately -- and STOPPING=1 on the way out. A hung worker or job therefore stops the pings and
systemd restarts the service. The protocol is one datagram per
message on the unix socket named by $NOTIFY_SOCKET (sd_notify(3)); no library is needed.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time

from appliance import scheduler_jobs

log = logging.getLogger(__name__)

# A worker whose loop has not come round for this long is hung. A healthy one comes round every
# half second, or at worst after a long multipart send or a slow reconnect (about two minutes).
HEARTBEAT_LIMIT = 240.0


def notify(message: str, address: str | None = None) -> bool:
    """Send one sd_notify message; False when there is no $NOTIFY_SOCKET (not under systemd)."""
    address = address if address is not None else os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):                     # an abstract socket
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
        sock.sendto(message.encode(), address)
    return True


def watchdog_interval() -> float | None:
    """Half of WatchdogSec= (systemd passes it as $WATCHDOG_USEC), or None when not asked for."""
    usec, pid = os.environ.get("WATCHDOG_USEC"), os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2e6


def workers_state(app, stale_after: float = HEARTBEAT_LIMIT) -> list[dict]:
    """One record per modem worker: device, alive (thread running, loop came round lately),
    connected, seconds since its last round, last error."""
    now = time.monotonic()
    return [{"device": w.settings.device, "alive": w.thread.is_alive() and now - w.heartbeat < stale_after,
             "connected": w.modem is not None, "heartbeat_age": round(now - w.heartbeat, 1),
             "last_error": w.last_error} for w in app.workers]


def hung_jobs(app, job_limit: float | None = None) -> list[dict]:
    """[{"job", "running_for"}]: scheduler jobs running past their limit (`job_limit` for all)."""
    return scheduler_jobs.tracker(app.scheduler).overdue(job_limit)


def alive(app, stale_after: float = HEARTBEAT_LIMIT, job_limit: float | None = None) -> bool:
    """The scheduler runs, no job of it hangs, and every worker is alive: what the watchdog pings for."""
    return (app.scheduler.running and not hung_jobs(app, job_limit)
            and all(w["alive"] for w in workers_state(app, stale_after)))


def health(app, stale_after: float = HEARTBEAT_LIMIT, job_limit: float | None = None) -> dict:
    """What /health and the dashboard show: ok, scheduler, jobs (hung ones), modems, clock, and
    problems (Japanese sentences for staff; empty when all is well)."""
    modems = workers_state(app, stale_after)
    clock = app.clock_check.state(app.clock.now())
    scheduler = bool(app.scheduler.running)
    jobs = hung_jobs(app, job_limit)
    problems = [] if scheduler else ["スケジューラが止まっています。"]
    problems += [f"定期処理 {j['job']} が {j['running_for']:.0f} 秒たっても終わりません。" for j in jobs]
    problems += [f"モデム {m['device']} の処理が止まっています。" for m in modems if not m["alive"]]
    problems += [f"モデム {m['device']} に接続できていません（{m['last_error'] or '接続中'}）。"
                 for m in modems if m["alive"] and not m["connected"]]
    if not clock.ok:
        problems.append(clock.reason)
    return {"ok": scheduler and not jobs and all(m["alive"] for m in modems) and clock.ok,
            "scheduler": scheduler, "jobs": jobs, "modems": modems, "clock": clock.as_dict(), "problems": problems}


class Watchdog:
    """Tells systemd that the appliance is ready, alive and stopping. Does nothing outside systemd."""

    def __init__(self, app, *, address: str | None = None, interval: float | None = None,
                 stale_after: float = HEARTBEAT_LIMIT, job_limit: float | None = None):
        """Make it before app.start(), so that the scheduler's first runs are seen."""
        self.app, self.stale_after, self.job_limit = app, stale_after, job_limit
        scheduler_jobs.tracker(app.scheduler)
        self.address = address if address is not None else os.environ.get("NOTIFY_SOCKET")
        self.interval = interval if interval is not None else watchdog_interval()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """READY=1, then the pings (when systemd asked for them) on a thread of their own."""
        if not self.address:
            return
        self._send("READY=1\nSTATUS=running")
        if self.interval:
            self._thread = threading.Thread(target=self._loop, name="watchdog", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop pinging, then say so: the ping thread is ended first, so no WATCHDOG=1 can
        follow STOPPING=1."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        if self.address:
            self._send("STOPPING=1")

    def _loop(self) -> None:
        silent = False
        while not self._stop.wait(self.interval):
            if alive(self.app, self.stale_after, self.job_limit):
                self._send("WATCHDOG=1")
                silent = False
            elif not silent:
                problems = health(self.app, self.stale_after, self.job_limit)["problems"]
                log.error("watchdog pings stopped: %s", " ".join(problems) or "not alive")
                self._send(f"STATUS=hung: {' '.join(problems)}")
                silent = True

    def _send(self, message: str) -> None:
        try:
            notify(message, self.address)
        except OSError as error:
            log.warning("sd_notify %r: %s", message, error)
