"""The database the command line works on (--db): checked once, where it is opened, so a wrong
file gets one line naming it (exit status 2) instead of a traceback or a migrated stranger."""
from __future__ import annotations

import argparse
import sqlite3
from contextlib import closing
from pathlib import Path

DEFAULT_DB = "var/tokusoku.db"
DEMO_DB = "var/demo.db"             # what `tokusoku run` without a config uses (appliance/demo.py)
SQLITE_HEADER = b"SQLite format 3\x00"


def database_option() -> argparse.ArgumentParser:
    """A parent parser giving a command its own --db, so that `tokusoku outbox --db FILE` works as
    `tokusoku --db FILE outbox` does; absent, it leaves the top-level value (default or $TOKUSOKU_DB)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", default=argparse.SUPPRESS, metavar="FILE",
                        help=f"the SQLite database (default {DEFAULT_DB}, or $TOKUSOKU_DB)")
    return parent


class DatabaseFileError(Exception):
    """The --db file cannot be used as the appliance's database; the message names the file."""


def open_database(args: argparse.Namespace, create: bool = False):
    """The database named by --db, checked to be this appliance's, and migrated.

    A missing or empty file is an error (a mistyped path must not read as "nothing was sent")
    unless `create`: then it is made, in a folder that must exist, except the default path's var/.
    Raises DatabaseFileError for those, a folder, a file that is not SQLite, or another program's
    database."""
    from appliance.db import Database
    path = Path(args.db)
    if not path.exists():                       # a link to nothing is missing too
        _check_missing(args.db, create)
    _check(path)
    if not create and path.stat().st_size == 0:
        raise DatabaseFileError(f"{path}: 空のファイルです（データベースではありません。--db のパスを確かめてください）")
    try:
        return Database(path)
    except sqlite3.DatabaseError as error:
        raise _unusable(path, error) from error


def _check(path: Path) -> None:
    if path.is_dir():
        raise DatabaseFileError(f"{path}: フォルダです（データベースのファイルを指定してください）")
    if not path.exists():
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


def _check_missing(name: str, create: bool) -> None:
    path = Path(name)
    if not create:
        hint = "デモのデータベースなら --db var/demo.db" if Path(DEMO_DB).is_file() and path != Path(DEMO_DB) \
            else "--db のパスを確かめてください"
        raise DatabaseFileError(f"{path}: データベースがありません（{hint}）")
    if name == DEFAULT_DB:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise DatabaseFileError(f"{path}: フォルダ {path.parent} がありません"
                                "（--db のパスを確かめてください。新しいデータベースはあるフォルダにだけ作ります）")


def _tables(path: Path) -> set[str]:
    """The tables of an existing SQLite file, read without writing to it."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise _unusable(path, error) from error


def _unusable(path: Path, error: sqlite3.DatabaseError) -> DatabaseFileError:
    return DatabaseFileError(f"{path}: 使える SQLite のデータベースではありません（{error}）")
