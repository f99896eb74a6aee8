"""The --db file as an operator names it: wrong files and typos get a message naming the file and
exit status 2, never a traceback or a silently created empty database."""
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from appliance import cli

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
CSV = str(DATA / "simple-en-utf8.csv")

# every command that opens the database through --db
COMMANDS = [["outbox"], ["inbox"], ["outbox", "--json"], ["import", "invoices", CSV],
            ["import", "invoices", "--dry-run", CSV], ["user", "add", "sato", "--role", "staff", "--password-stdin"]]


def run(monkeypatch, capsys, *argv):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long enough password\n"))
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def no_env_db(monkeypatch):
    monkeypatch.delenv("TOKUSOKU_DB", raising=False)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("content", [Path(CSV).read_bytes(), b"SQLite format 3\x00" + b"\x00" * 200,
                                     b"\x00\x01 binary"], ids=["csv", "damaged-sqlite", "binary"])
def test_a_file_that_is_not_a_database_exit_2_naming_it(monkeypatch, capsys, tmp_path, command, content):
    path = tmp_path / "some.csv"
    path.write_bytes(content)
    code, out, err = run(monkeypatch, capsys, "--db", path, *command)
    assert code == 2 and out == ""
    assert err.startswith(f"tokusoku {command[0]}: {path}: ") and err.count("\n") == 1
    assert "データベースではありません" in err
    assert path.read_bytes() == content


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_another_programs_sqlite_file_is_not_migrated(monkeypatch, capsys, tmp_path, command):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE bookmarks (url TEXT)")
    code, out, err = run(monkeypatch, capsys, "--db", path, *command)
    assert code == 2 and "Tokusoku のデータベースではありません" in err and str(path) in err
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["bookmarks"]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_folder_exit_2_naming_it(monkeypatch, capsys, tmp_path, command):
    code, out, err = run(monkeypatch, capsys, "--db", tmp_path, *command)
    assert code == 2 and err.startswith(f"tokusoku {command[0]}: {tmp_path}: ") and "フォルダ" in err


def test_no_traceback_from_the_installed_command(tmp_path):
    path = tmp_path / "some.csv"
    path.write_bytes(Path(CSV).read_bytes())
    result = subprocess.run([sys.executable, "-m", "appliance.cli", "--db", str(path), "outbox"],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == f"tokusoku outbox: {path}: SQLite のデータベースではありません（CSV などほかのファイル？）\n"


READING = [["outbox"], ["inbox"], ["inbox", "--json"]]
CREATING = [["import", "invoices", CSV], ["user", "add", "sato", "--role", "staff", "--password-stdin"]]


@pytest.mark.parametrize("command", READING, ids=" ".join)
@pytest.mark.parametrize("where", ["missing.db", "nonexist/x.db"])
def test_reading_commands_refuse_a_missing_database_and_create_nothing(monkeypatch, capsys, tmp_path, command, where):
    path = tmp_path / where
    code, out, err = run(monkeypatch, capsys, "--db", path, *command)
    assert code == 2 and out == ""
    assert err.startswith(f"tokusoku {command[0]}: {path}: データベースがありません") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", READING, ids=" ".join)
def test_reading_commands_refuse_a_link_to_nothing_and_create_nothing(monkeypatch, capsys, tmp_path, command):
    link = tmp_path / "d2.db"
    link.symlink_to(tmp_path / "nowhere.db")
    code, out, err = run(monkeypatch, capsys, "--db", link, *command)
    assert code == 2 and out == "" and f"{link}: データベースがありません" in err
    assert not (tmp_path / "nowhere.db").exists()


@pytest.mark.parametrize("command", READING, ids=" ".join)
def test_reading_commands_refuse_an_empty_file_and_leave_it_empty(monkeypatch, capsys, tmp_path, command):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    code, out, err = run(monkeypatch, capsys, "--db", empty, *command)
    assert code == 2 and out == "" and f"{empty}: 空のファイルです" in err
    assert empty.stat().st_size == 0


def test_missing_default_database_suggests_the_demo_one(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(monkeypatch, capsys, "outbox")
    assert code == 2 and "var/tokusoku.db: データベースがありません" in err and "demo" not in err
    (tmp_path / "var").mkdir()
    sqlite3.connect(tmp_path / "var" / "demo.db").close()
    code, _, err = run(monkeypatch, capsys, "outbox")
    assert code == 2 and err.rstrip().endswith("デモのデータベースなら --db var/demo.db）")
    assert not (tmp_path / "var" / "tokusoku.db").exists()


@pytest.mark.parametrize("command", CREATING, ids=" ".join)
def test_creating_commands_create_a_new_database_in_an_existing_folder(monkeypatch, capsys, tmp_path, command):
    code, out, err = run(monkeypatch, capsys, "--db", tmp_path / "new.db", *command)
    assert code == 0, err
    code, out, err = run(monkeypatch, capsys, "--db", tmp_path / "new.db", "outbox")
    assert code == 0 and "送信履歴はありません" in out


@pytest.mark.parametrize("command", CREATING, ids=" ".join)
def test_creating_commands_do_not_make_a_mistyped_folder(monkeypatch, capsys, tmp_path, command):
    path = tmp_path / "nonexist" / "x.db"
    code, out, err = run(monkeypatch, capsys, "--db", path, *command)
    assert code == 2 and out == ""
    assert err.startswith(f"tokusoku {command[0]}: {path}: フォルダ {path.parent} がありません")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", CREATING, ids=" ".join)
def test_the_default_database_gets_its_folder(monkeypatch, capsys, tmp_path, command):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(monkeypatch, capsys, *command)
    assert code == 0, err
    assert (tmp_path / "var" / "tokusoku.db").is_file()


def test_a_dry_run_import_into_a_missing_database_creates_nothing(monkeypatch, capsys, tmp_path):
    path = tmp_path / "nonexist" / "x.db"
    code, out, err = run(monkeypatch, capsys, "--db", path, "import", "invoices", "--dry-run", CSV)
    assert code == 0, err
    assert "2行中 2件を取り込めます" in out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["outbox"], ["inbox", "--json"], ["import", "invoices", "--dry-run", CSV],
                                     ["user", "add", "sato", "--role", "staff", "--password-stdin"]], ids=" ".join)
def test_db_after_the_command_name(monkeypatch, capsys, tmp_path, command):
    monkeypatch.chdir(tmp_path)                       # the default var/tokusoku.db would be found here
    for good in (tmp_path / "good.db", tmp_path / "other.db"):
        assert run(monkeypatch, capsys, "--db", good, "import", "invoices", CSV)[0] == 0
    assert run(monkeypatch, capsys, *command, "--db", tmp_path / "good.db")[0] == 0
    assert run(monkeypatch, capsys, "--db", tmp_path / "elsewhere.db", *command, "--db", tmp_path / "other.db")[0] == 0
    assert not (tmp_path / "var").exists() and not (tmp_path / "elsewhere.db").exists()
    (tmp_path / "some.csv").write_bytes(Path(CSV).read_bytes())
    code, _, err = run(monkeypatch, capsys, *command, "--db", tmp_path / "some.csv")
    assert code == 2 and str(tmp_path / "some.csv") in err


def test_db_after_backup_and_restore(monkeypatch, capsys, tmp_path):
    good = tmp_path / "good.db"
    assert run(monkeypatch, capsys, "import", "invoices", CSV, "--db", good)[0] == 0
    assert run(monkeypatch, capsys, "backup", tmp_path / "copy.db", "--db", good)[0] == 0
    assert (tmp_path / "copy.db").is_file()
    assert run(monkeypatch, capsys, "restore", tmp_path / "copy.db", "--db", good)[0] == 0
    assert (tmp_path / "good.db.before-restore").is_file()


def test_without_db_the_default_or_environment_still_applies(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert run(monkeypatch, capsys, "import", "invoices", CSV)[0] == 0
    assert (tmp_path / "var" / "tokusoku.db").is_file()
    monkeypatch.setenv("TOKUSOKU_DB", str(tmp_path / "env.db"))
    assert run(monkeypatch, capsys, "import", "invoices", CSV)[0] == 0
    assert (tmp_path / "env.db").is_file()


def test_outbox_text_gives_a_failure_in_words_and_json_keeps_the_modems_text(monkeypatch, capsys, tmp_path):
    from appliance.db import Database
    path = tmp_path / "t.db"
    db = Database(path)
    with db.write() as conn:
        conn.execute("INSERT INTO outbox (idempotency_key, kind, recipient, body, parts, status, not_before,"
                     " created_at, updated_at, last_error) VALUES ('k','reminder','+819012349999','本文',1,'failed',"
                     " 't','t','t', ?)", ("'AT+CMGS=153' failed: +CMS ERROR: 1",))
    db.close()
    code, out, _ = run(monkeypatch, capsys, "--db", path, "outbox")
    assert code == 0 and "この番号は使われていません（'AT+CMGS=153' failed: +CMS ERROR: 1）" in out
    code, out, _ = run(monkeypatch, capsys, "--db", path, "outbox", "--json")
    assert json.loads(out)[0]["last_error"] == "'AT+CMGS=153' failed: +CMS ERROR: 1"
