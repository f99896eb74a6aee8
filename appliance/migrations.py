"""Schema migrations: small registered functions, each applied in one transaction together with
the record that it ran (the sqlite-utils migrations pattern). Never edit a released migration;
add a new one."""
from __future__ import annotations

import sqlite3
from typing import Callable

MIGRATIONS: list[tuple[str, Callable]] = []


def migration(fn: Callable) -> Callable:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def apply(db) -> list[str]:
    """Apply what has not run yet; returns the names applied now."""
    db.conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT "
                    "NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))")
    done = {row[0] for row in db.conn.execute("SELECT name FROM _migrations")}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with db.write() as conn:
            fn(conn)
            conn.execute("INSERT INTO _migrations (name) VALUES (?)", (name,))
        applied.append(name)
    return applied


def run_script(conn, script: str) -> None:
    """Execute several statements inside the current transaction (executescript would commit)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement.strip()[:60]}")


@migration
def m001_core(conn) -> None:
    """Customers, invoices, templates, reminder plans, outbox, inbox, staff, SIMs, settings, audit.
    Timestamps are UTC ISO 8601; dates (due dates) are the business's local dates."""
    run_script(conn, """
    CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        phone TEXT,                         -- E.164, NULL when unknown or unusable
        sms_capable INTEGER NOT NULL DEFAULT 1,
        opted_out INTEGER NOT NULL DEFAULT 0,
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE INDEX customers_phone ON customers(phone);

    CREATE TABLE invoices (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        customer_id INTEGER NOT NULL REFERENCES customers(id),
        amount INTEGER NOT NULL,            -- yen
        due_date TEXT NOT NULL,             -- YYYY-MM-DD, business time zone
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','paid','cancelled','disputed')),
        paid_at TEXT,
        plan_id INTEGER REFERENCES plans(id),
        reminders_paused INTEGER NOT NULL DEFAULT 0,   -- a "paid" reply waits for staff
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE INDEX invoices_open ON invoices(status, due_date);
    CREATE INDEX invoices_customer ON invoices(customer_id);

    CREATE TABLE templates (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, body TEXT NOT NULL
    );
    CREATE TABLE plans (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, is_default INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE plan_steps (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        offset_days INTEGER NOT NULL,       -- relative to the due date: -3, 0, +3 ...
        send_time TEXT NOT NULL DEFAULT '10:00',
        template_id INTEGER NOT NULL REFERENCES templates(id),
        UNIQUE (plan_id, offset_days)
    );

    CREATE TABLE sims (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        device TEXT,
        daily_cap INTEGER NOT NULL DEFAULT 180
    );
    CREATE TABLE sim_usage (
        sim_id INTEGER NOT NULL REFERENCES sims(id), day TEXT NOT NULL, parts INTEGER NOT NULL,
        PRIMARY KEY (sim_id, day)
    );

    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,   -- e.g. "reminder:<invoice>:<step>"
        kind TEXT NOT NULL,                     -- reminder, campaign, reply, forward, test
        customer_id INTEGER REFERENCES customers(id),
        invoice_id INTEGER REFERENCES invoices(id),
        recipient TEXT NOT NULL,
        body TEXT NOT NULL,
        parts INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN
            ('queued','sending','sent','delivered','failed','expired','retry','uncertain','cancelled')),
        not_before TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sim_id INTEGER REFERENCES sims(id),
        prefer_sim_id INTEGER REFERENCES sims(id),
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, sent_at TEXT, delivered_at TEXT
    );
    CREATE INDEX outbox_due ON outbox(status, not_before);
    CREATE INDEX outbox_customer ON outbox(customer_id);
    CREATE INDEX outbox_invoice ON outbox(invoice_id);

    CREATE TABLE outbox_parts (
        outbox_id INTEGER NOT NULL REFERENCES outbox(id),
        seq INTEGER NOT NULL,
        sim_id INTEGER NOT NULL REFERENCES sims(id),
        reference INTEGER NOT NULL,
        report_status INTEGER,
        reported_at TEXT,
        PRIMARY KEY (outbox_id, seq)
    );
    CREATE INDEX outbox_parts_ref ON outbox_parts(sim_id, reference);

    CREATE TABLE inbox_parts (
        id INTEGER PRIMARY KEY,
        sim_id INTEGER REFERENCES sims(id),
        pdu TEXT NOT NULL,
        digest TEXT NOT NULL UNIQUE,        -- a part read twice (crash before delete) counts once
        sender TEXT NOT NULL,
        concat_key TEXT,
        seq INTEGER NOT NULL DEFAULT 1,
        total INTEGER NOT NULL DEFAULT 1,
        received_at TEXT NOT NULL,
        message_id INTEGER REFERENCES inbox(id)
    );
    CREATE INDEX inbox_parts_open ON inbox_parts(message_id, concat_key);

    CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER REFERENCES customers(id),
        phone TEXT NOT NULL UNIQUE,
        sim_id INTEGER REFERENCES sims(id),   -- the SIM this customer knows
        assigned_staff_id INTEGER REFERENCES staff(id),
        unread INTEGER NOT NULL DEFAULT 0,
        handled INTEGER NOT NULL DEFAULT 0,
        last_message_at TEXT
    );

    CREATE TABLE inbox (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER REFERENCES conversations(id),
        sender TEXT NOT NULL,
        sim_id INTEGER REFERENCES sims(id),
        text TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'sms',     -- sms, call
        rule TEXT,                            -- keyword rule that matched
        received_at TEXT NOT NULL,
        forwarded_at TEXT
    );
    CREATE INDEX inbox_conversation ON inbox(conversation_id, received_at);

    CREATE TABLE staff (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, phone TEXT, email TEXT,
        notify_sms INTEGER NOT NULL DEFAULT 1, notify_email INTEGER NOT NULL DEFAULT 1
    );

    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE audit (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    """)


@migration
def m002_online_sims_and_email(conn) -> None:
    """Which SIMs have a working modem now (work preferred for one moves when it is gone), and an
    e-mail outbox so a forward survives a crash or an SMTP outage."""
    run_script(conn, """
    ALTER TABLE sims ADD COLUMN online INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sims ADD COLUMN last_error TEXT;
    CREATE TABLE emails (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        to_addr TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, not_before TEXT NOT NULL,
        created_at TEXT NOT NULL, sent_at TEXT
    );
    """)


@migration
def m003_users(conn) -> None:
    """People who use the admin page, and failed logins (for throttling)."""
    run_script(conn, """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin','staff','viewer')),
        created_at TEXT NOT NULL
    );
    CREATE TABLE login_failures (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL, at TEXT NOT NULL
    );
    CREATE INDEX login_failures_name ON login_failures(name, at);
    """)


@migration
def m004_time_indexes(conn) -> None:
    """Time ranges for the dashboard: today's activity and the 30-day chart without full scans."""
    run_script(conn, """
    CREATE INDEX outbox_sent_at ON outbox(sent_at, parts);
    CREATE INDEX outbox_updated_at ON outbox(updated_at, status);
    CREATE INDEX inbox_received_at ON inbox(received_at);
    """)


@migration
def m005_outbox_and_conversation_indexes(conn) -> None:
    """The outbox page filters by status or kind, newest first, and a conversation shows what was
    sent to one phone: within each of these indexes rows lie in id order (the rowid is the key's
    tail), so a page of a million messages is read, not sorted. Conversations list newest first."""
    run_script(conn, """
    CREATE INDEX outbox_status ON outbox(status);
    CREATE INDEX outbox_kind ON outbox(kind);
    CREATE INDEX outbox_recipient ON outbox(recipient);
    CREATE INDEX conversations_recent ON conversations(last_message_at);
    CREATE INDEX conversations_open ON conversations(handled, last_message_at);
    """)


@migration
def m006_webhooks(conn) -> None:
    """Replies posted to an optional webhook, kept until the receiver accepts them."""
    run_script(conn, """
    CREATE TABLE webhooks (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        url TEXT NOT NULL, payload TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, not_before TEXT NOT NULL,
        created_at TEXT NOT NULL, sent_at TEXT
    );
    """)


@migration
def m007_campaign_requests(conn) -> None:
    """Campaigns waiting for a second user's approval (when the setting asks for it): what was
    asked, by whom, and who approved or rejected it. Approving queues through campaigns.start."""
    run_script(conn, """
    CREATE TABLE campaign_requests (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL, body TEXT NOT NULL,
        audience TEXT NOT NULL,             -- JSON: status, overdue, due_before
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
        requested_by TEXT NOT NULL, requested_at TEXT NOT NULL,
        decided_by TEXT, decided_at TEXT, queued INTEGER
    );
    CREATE INDEX campaign_requests_status ON campaign_requests(status, id);
    """)


@migration
def m008_sim_state_and_claim_index(conn) -> None:
    """What the modems page shows of each SIM besides its use: why it is locked (`sim_lock`: pin,
    puk or no-pin; `pin_refused`, a digest of the PIN the SIM refused, which is never offered
    again until the configured PIN changes) and the radio as last read (signal in dBm,
    registration: home, roaming, searching, denied or none; the operator's name). Staff notices
    are claimed before customers' messages: an index finds them without reading the whole queue.
    `parts_counted`: the parts of a message's current attempt already counted toward its SIM's
    day (an uncertain message counts what may have gone out; staff deciding "sent" add the rest)."""
    run_script(conn, """
    ALTER TABLE sims ADD COLUMN sim_lock TEXT;
    ALTER TABLE sims ADD COLUMN pin_refused TEXT;
    ALTER TABLE sims ADD COLUMN signal_dbm INTEGER;
    ALTER TABLE sims ADD COLUMN registration TEXT;
    ALTER TABLE sims ADD COLUMN operator TEXT;
    ALTER TABLE sims ADD COLUMN network_read_at TEXT;
    ALTER TABLE outbox ADD COLUMN parts_counted INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX outbox_kind_due ON outbox(kind, status, not_before);
    """)


@migration
def m009_claim_index(conn) -> None:
    """A worker claims once per message. This index holds only the messages waiting to be sent,
    for each preferred SIM (or none) and kind, oldest first and in id order within one time (the
    rowid is the key's tail): a claim reads the first due row of a few walks instead of sorting
    the whole queue, and the sent history does not grow it. A query uses it only when it says
    `status IN ('queued','retry')` exactly as here (appliance/outbox.py, Outbox._OLDEST_DUE)."""
    run_script(conn, """
    CREATE INDEX outbox_claim ON outbox(prefer_sim_id, kind, not_before) WHERE status IN ('queued','retry');
    """)


@migration
def m010_unsent_failures_index(conn) -> None:
    """The dashboard counts a message that failed without going out on the day it failed. Such
    messages are few, so this index holds only them, by that time: the day's and the chart's
    counts search it instead of every message updated in the range. A query uses it only when it
    says `status IN ('failed','expired') AND sent_at IS NULL` exactly as here
    (appliance/services/dashboard.py, FAILED_UNSENT, which names it)."""
    run_script(conn, """
    CREATE INDEX outbox_unsent_failures ON outbox(updated_at) WHERE status IN ('failed','expired') AND sent_at IS NULL;
    """)
