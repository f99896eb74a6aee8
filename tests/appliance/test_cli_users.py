"""`tokusoku user add NAME --role ...` as an operator runs it."""
import sqlite3
import subprocess
import sys
from pathlib import Path

from werkzeug.security import check_password_hash

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


def tokusoku(db, *args, stdin=""):
    return subprocess.run([sys.executable, "-m", "appliance.cli", "--db", str(db), "user", *args],
                          input=stdin, capture_output=True, text=True, timeout=60, cwd=REPO)


def users(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT name, role, password_hash FROM users ORDER BY id").fetchall()


def test_add_with_password_from_stdin(tmp_path):
    db = tmp_path / "t.db"
    result = tokusoku(db, "add", "kanri", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "ユーザー「kanri」（admin）を追加しました" in result.stdout
    ((name, role, hashed),) = users(db)
    assert (name, role) == ("kanri", "admin") and check_password_hash(hashed, PASSWORD)
    assert PASSWORD not in hashed
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT actor, action, detail FROM audit").fetchall() == [("cli", "user.add", "kanri (admin)")]


def test_errors_exit_1_with_a_message(tmp_path):
    db = tmp_path / "t.db"
    short = tokusoku(db, "add", "sato", "--role", "staff", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "10文字以上" in short.stderr
    tokusoku(db, "add", "sato", "--role", "staff", "--password-stdin", stdin=PASSWORD)
    again = tokusoku(db, "add", "sato", "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    assert again.returncode == 1 and "すでにあります" in again.stderr
    assert [(n, r) for n, r, _ in users(db)] == [("sato", "staff")]


def test_role_is_required_and_checked(tmp_path):
    assert tokusoku(tmp_path / "t.db", "add", "sato", "--password-stdin", stdin=PASSWORD).returncode == 2
    bad = tokusoku(tmp_path / "t.db", "add", "sato", "--role", "root", "--password-stdin", stdin=PASSWORD)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_interactive_password_is_asked_twice(monkeypatch, tmp_path, capsys):
    from appliance import cli
    answers = iter([PASSWORD, "something else!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["--db", str(tmp_path / "t.db"), "user", "add", "sato", "--role", "viewer"]) == 1
    assert "一致しません" in capsys.readouterr().err
    answers = iter([PASSWORD, PASSWORD])
    assert cli.main(["--db", str(tmp_path / "t.db"), "user", "add", "sato", "--role", "viewer"]) == 0
    assert [(n, r) for n, r, _ in users(tmp_path / "t.db")] == [("sato", "viewer")]
