"""Online backups with the SQLite backup API, nightly rotation, `tokusoku backup` / `restore`."""
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from appliance import backup, cli
from appliance.clock import TOKYO
from appliance.db import Database
from tests.appliance.conftest import make_app, network, smtp  # noqa: F401
from tests.modem.sim.conftest import simulator  # noqa: F401


def customers(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM customers ORDER BY id")]
    finally:
        conn.close()


def add_customer(db: Database, name: str) -> None:
    with db.write() as conn:
        conn.execute("INSERT INTO customers (name, phone, created_at, updated_at) VALUES (?,?,?,?)",
                     (name, "+819012345678", "2026-12-07T01:00:00+00:00", "2026-12-07T01:00:00+00:00"))


@pytest.fixture
def live(tmp_path):
    """A database in use: open, in WAL mode, with a committed row only in the WAL so far."""
    (tmp_path / "state").mkdir()
    db = Database(tmp_path / "state" / "tokusoku.db")
    add_customer(db, "山田 太郎")
    yield db
    db.close()


def test_backup_of_a_live_database_has_everything_committed(live, tmp_path, capsys):
    target = tmp_path / "copy.db"
    assert cli.main(["--db", live.path, "backup", str(target)]) == 0
    assert customers(target) == ["山田 太郎"]
    backup.check(target)
    assert not (tmp_path / "copy.db.partial").exists()


def test_nightly_keeps_seven(live):
    start = datetime(2026, 12, 1, 3, 15, tzinfo=TOKYO)
    for day in range(10):
        backup.nightly(live.path, start + timedelta(days=day))
    kept = sorted(p.name for p in (Path(live.path).parent / "backups").iterdir())
    assert len(kept) == 7 and kept[0] == "tokusoku-20261204-031500.db" and kept[-1] == "tokusoku-20261210-031500.db"


def test_restore_checks_the_file_and_keeps_the_current_database(live, tmp_path, capsys):
    saved = tmp_path / "saved.db"
    backup.backup(live.path, saved)
    add_customer(live, "後から追加")
    live.close()

    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(saved.read_bytes()[:4096] + b"\0garbage" * 500)
    assert cli.main(["--db", live.path, "restore", str(damaged)]) == 1
    assert "tokusoku restore:" in capsys.readouterr().err
    assert customers(live.path) == ["山田 太郎", "後から追加"]                 # untouched

    assert cli.main(["--db", live.path, "restore", str(saved)]) == 0
    assert customers(live.path) == ["山田 太郎"]
    assert customers(live.path + ".before-restore") == ["山田 太郎", "後から追加"]


def test_restore_refuses_while_the_appliance_runs(live, tmp_path, capsys):
    saved = backup.backup(live.path, tmp_path / "saved.db")
    with backup.RunningLock(live.path) as held:                               # what `tokusoku run` holds
        assert held
        assert cli.main(["--db", live.path, "restore", str(saved)]) == 1
    assert "in use by a running appliance" in capsys.readouterr().err


def test_something_else_is_not_restored(tmp_path, live):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(backup.BackupError, match="not a Tokusoku database"):
        backup.restore(other, live.path)


def test_the_appliance_backs_up_nightly(make_app, tmp_path):
    app = make_app()
    app.start()
    job = app.scheduler.get_job("backup")
    assert str(job.trigger) == "cron[hour='3', minute='15']"
    app.nightly_backup()
    assert [p.name for p in (tmp_path / "backups").iterdir()] == ["tokusoku-20261207-010000.db"]


@pytest.mark.parametrize("name", ["same", "wal", "via-link"])
def test_a_backup_never_replaces_the_database_it_copies(live, tmp_path, capsys, name):
    link = tmp_path / "link.db"
    link.symlink_to(live.path)
    target = {"same": live.path, "wal": live.path + "-wal", "via-link": str(link)}[name]
    assert cli.main(["--db", live.path, "backup", target]) == 1
    assert "itself" in capsys.readouterr().err
    add_customer(live, "まだ使える")                                    # the live database is untouched
    assert customers(live.path) == ["山田 太郎", "まだ使える"]


def test_a_database_is_not_restored_from_itself(live, capsys):
    live.close()
    assert cli.main(["--db", live.path, "restore", live.path]) == 1
    assert "itself" in capsys.readouterr().err
    assert customers(live.path) == ["山田 太郎"]


def test_restore_through_a_link_sees_the_running_appliance(live, tmp_path, capsys):
    saved = backup.backup(live.path, tmp_path / "saved.db")
    link = tmp_path / "link.db"
    link.symlink_to(live.path)
    with backup.RunningLock(live.path) as held:                               # what `tokusoku run` holds
        assert held
        assert cli.main(["--db", str(link), "restore", str(saved)]) == 1
    assert "in use by a running appliance" in capsys.readouterr().err
    assert link.is_symlink()
