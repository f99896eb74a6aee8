"""E-mail to staff through the office's SMTP server, from the `emails` table (nothing is lost
when the server is down: a message waits and is tried again with backoff)."""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from appliance.clock import iso
from appliance.db import Database

log = logging.getLogger(__name__)
BACKOFF = (30, 120, 600, 1800)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    sender: str = "tokusoku@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0


class Mailer:
    def __init__(self, db: Database, settings: SmtpSettings | None):
        self.db, self.settings = db, settings

    def send_due(self, now: datetime) -> int:
        """Hand every due e-mail to the SMTP server; returns how many went."""
        if self.settings is None:
            return 0
        rows = self.db.query("SELECT * FROM emails WHERE status='queued' AND not_before <= ? ORDER BY id",
                             (iso(now),))
        sent = 0
        for row in rows:
            try:
                self._deliver(row)
            except (OSError, smtplib.SMTPException) as error:
                self._failed(row, str(error), now)
                continue
            with self.db.write() as conn:
                conn.execute("UPDATE emails SET status='sent', sent_at=?, attempts=attempts+1 WHERE id=?",
                             (iso(now), row["id"]))
            sent += 1
        return sent

    def _deliver(self, row) -> None:
        settings = self.settings
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = settings.sender, row["to_addr"], row["subject"]
        message.set_content(row["body"])
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)

    def _failed(self, row, error: str, now: datetime) -> None:
        attempts = row["attempts"] + 1
        status = "failed" if attempts >= MAX_ATTEMPTS else "queued"
        retry = now + timedelta(seconds=BACKOFF[min(attempts, len(BACKOFF)) - 1])
        log.warning("e-mail to %s failed (%s); %s", row["to_addr"], error,
                    "giving up" if status == "failed" else f"again at {retry:%H:%M}")
        with self.db.write() as conn:
            conn.execute("UPDATE emails SET status=?, attempts=?, last_error=?, not_before=? WHERE id=?",
                         (status, attempts, error, iso(retry), row["id"]))
