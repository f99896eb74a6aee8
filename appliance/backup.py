"""Backups of the database: online copies with SQLite's backup API, nightly rotation, restore.

A copy is taken while the appliance runs (the backup API copies a consistent snapshot, WAL
included), checked with PRAGMA integrity_check, and only then renamed into place, so a half-made
file never looks like a backup. The nightly job keeps KEEP copies in <state folder>/backups.
"""
from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

KEEP = 7
FOLDER = "backups"
PREFIX = "tokusoku-"


class BackupError(Exception):
    """A backup or restore that could not be done; says why."""


def backup(database: str | Path, target: str | Path) -> Path:
    """Copy the live database into `target` (a file), checked. Raises BackupError."""
    database, target = Path(database), Path(target)
    if not database.exists():
        raise BackupError(f"{database}: no such database")
    if _same_files(database, target):
        raise BackupError(f"{target}: that is the database itself (or its journal); choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with _connect(database) as source, _connect(partial) as copy:
            source.backup(copy, pages=1024)
            copy.execute("PRAGMA journal_mode = DELETE")     # one self-contained file
        check(partial)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {database} to {target} failed: {error}") from error
    return target


def check(path: str | Path) -> None:
    """Raise BackupError unless `path` is a sound SQLite database of this appliance."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        with _connect(path) as conn:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a usable SQLite database: {error}") from error
    if result != ["ok"]:
        raise BackupError(f"{path}: damaged: {'; '.join(result[:5])}")
    if not {"outbox", "invoices", "customers"} <= tables:
        raise BackupError(f"{path}: not a Tokusoku database (no outbox/invoices/customers tables)")


def nightly(database: str | Path, now: datetime, keep: int = KEEP) -> Path:
    """A dated backup into <database folder>/backups, keeping the newest `keep`."""
    database = Path(database)
    folder = database.parent / FOLDER
    made = backup(database, folder / f"{PREFIX}{now:%Y%m%d-%H%M%S}.db")
    for old in sorted(folder.glob(f"{PREFIX}*.db"))[:-keep]:
        old.unlink()
        log.info("backup %s removed (keeping %d)", old.name, keep)
    log.info("backup written: %s", made)
    return made


def restore(source: str | Path, database: str | Path) -> Path:
    """Replace the database with `source` after checking it; the current database is kept as
    <database>.before-restore. Refuses while the appliance runs. Returns the kept file's path."""
    source, database = Path(source), Path(database).resolve()       # through links: the real file's lock
    if _same_files(database, source):
        raise BackupError(f"{source}: that is the database itself; restore from a backup file")
    check(source)
    with RunningLock(database, wait=False) as held:
        if not held:
            raise BackupError(f"{database} is in use by a running appliance: stop it first "
                              "(sudo systemctl stop tokusoku)")
        kept = database.with_name(database.name + ".before-restore")
        if database.exists():
            backup(database, kept)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        backup(source, database)
    return kept


class RunningLock:
    """An exclusive lock beside the database (<database>.lock), held by `tokusoku run` for its
    whole life: restore takes it to know that nothing has the database open.

        with RunningLock(path, wait=False) as held: ...
    """

    def __init__(self, database: str | Path, wait: bool = False):
        self.path = Path(f"{Path(database).resolve()}.lock")      # one lock for every path to the file
        self.wait = wait
        self._file = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            self._file.close()
            self._file = None
            return False
        return True

    def release(self) -> None:
        if self._file:
            self._file.close()          # closing drops the lock
            self._file = None

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _same_files(database: Path, other: Path) -> bool:
    """Whether `other` is the database or one of its journals, by whatever path."""
    real = database.resolve()
    return other.resolve() in {real, real.with_name(real.name + "-wal"), real.with_name(real.name + "-shm"),
                               real.with_name(real.name + "-journal")}


def _connect(path: Path) -> "_Closing":
    return _Closing(sqlite3.connect(path))


class _Closing:
    """sqlite3's connection as a context manager that closes (its own one only commits)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.close()
