"""The database the command line works on (--db): checked once, where it is opened, so a wrong
file gets one line naming it (exit status 2) instead of a traceback or a migrated stranger."""
from __future__ import annotations

import argparse
import sqlite3
from contextlib import closing
from pathlib import Path

DEFAULT_DB = "var/tokusoku.db"
SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseFileError(Exception):
    """The --db file cannot be used as the appliance's database; the message names the file."""


def open_database(args: argparse.Namespace):
    """The database named by --db, checked to be this appliance's, and migrated.
    Raises DatabaseFileError for a folder, a file that is not SQLite, or another program's database."""
    from appliance.db import Database
    path = Path(args.db)
    _check(path)
    try:
        return Database(path)
    except sqlite3.DatabaseError as error:
        raise DatabaseFileError(f"{path}: 使える SQLite のデータベースではありません（{error}）") from error


def _check(path: Path) -> None:
    if path.is_dir():
        raise DatabaseFileError(f"{path}: フォルダです（データベースのファイルを指定してください）")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
        if header and header != SQLITE_HEADER:
            raise DatabaseFileError(f"{path}: SQLite のデータベースではありません（CSV などほかのファイル？）")
        tables = _tables(path) if header else set()
    except OSError as error:
        raise DatabaseFileError(f"{path}: 読めません（{error.strerror or error}）") from error
    if tables and "_migrations" not in tables:
        raise DatabaseFileError(f"{path}: Tokusoku のデータベースではありません"
                                f"（ほかのプログラムの SQLite ファイル？ 表: {', '.join(sorted(tables)[:5])}）")


def _tables(path: Path) -> set[str]:
    """The tables of an existing SQLite file, read without writing to it."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise DatabaseFileError(f"{path}: 使える SQLite のデータベースではありません（{error}）") from error
