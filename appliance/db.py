"""The appliance's SQLite database: one file, WAL, synchronous=FULL (a Pi loses power).

Writes go through `Database.write()`, one transaction at a time with BEGIN IMMEDIATE (as
datasette does); reads use `Database.query()`. Schema changes are migrations (appliance/
migrations.py), each applied atomically together with the record that it ran.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils


class Database:
    """A thread-safe handle: one connection per thread, writes serialised by a lock."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._memory = None
        if self.path == ":memory:":
            self._memory = self._connect()          # one shared connection for an in-memory db
        from appliance import migrations
        migrations.apply(self)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        if self._memory is not None:
            return self._memory
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @property
    def utils(self) -> sqlite_utils.Database:
        """sqlite-utils on this thread's connection (for inserts and upserts inside write())."""
        return sqlite_utils.Database(self.conn)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE); committed on success, rolled back on error.
        Nested use on the same thread joins the outer transaction (all or nothing together)."""
        with self._write_lock:
            conn = self.conn
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
