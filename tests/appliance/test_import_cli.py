"""`tokusoku import invoices` as an operator runs it: output, exit status, the database."""
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]


def tokusoku(db, *args):
    return subprocess.run([sys.executable, "-m", "appliance.cli", "--db", str(db), "import", "invoices", *args],
                          capture_output=True, text=True, timeout=60, cwd=REPO)


def count(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM invoices").fetchone()[0]


def test_clean_file_exit_0_with_japanese_summary(tmp_path):
    result = tokusoku(tmp_path / "t.db", str(DATA / "simple-en-utf8.csv"))
    assert result.returncode == 0, result.stderr
    assert "2行中 2件を取り込みました" in result.stdout and count(tmp_path / "t.db") == 2


def test_errors_exit_1_and_nothing_imported(tmp_path):
    result = tokusoku(tmp_path / "t.db", str(DATA / "accounting-export-cp932.csv"))
    assert result.returncode == 1
    assert (f"{DATA / 'accounting-export-cp932.csv'}: 12行中、正しい行 7件・エラー 5件。"
            "エラーがあるため何も取り込んでいません（正しい行だけなら --valid-only）。") in result.stdout.splitlines()
    assert "  5行目（INV-2026-0004） 電話番号: 固定電話のためSMSを送れません" in result.stdout.splitlines()
    assert count(tmp_path / "t.db") == 0


def test_valid_only_json(tmp_path):
    result = tokusoku(tmp_path / "t.db", str(DATA / "accounting-export-cp932.csv"), "--valid-only", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["rows"], report["imported"], len(report["errors"])) == (12, 7, 5)
    assert set(report["errors"][0]) >= {"row", "field", "message"}
    assert set(report["invoices"][0]) >= {"number", "name", "phone", "amount", "due_date"}
    assert count(tmp_path / "t.db") == 7


def test_dry_run_writes_nothing(tmp_path):
    assert tokusoku(tmp_path / "t.db", str(DATA / "simple-en-utf8.csv")).returncode == 0
    result = tokusoku(tmp_path / "t.db", str(DATA / "cloud-invoice-utf8-bom.csv"), "--dry-run", "--valid-only",
                      "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["imported"] == 2
    assert count(tmp_path / "t.db") == 2


def test_dry_run_into_a_missing_database_creates_no_file(tmp_path):
    result = tokusoku(tmp_path / "t.db", str(DATA / "simple-en-utf8.csv"), "--dry-run", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["imported"] == 2
    assert not (tmp_path / "t.db").exists()


@pytest.mark.parametrize("content, message", [(b"", "ファイルが空です"), (b"PK\x03\x04rest", "CSVファイルではありません"),
                                              ("氏名,住所\n".encode(), "見出し行が見つかりません"), (None, "見つかりません")])
def test_unusable_file_exit_2_names_the_file_without_traceback(tmp_path, content, message):
    path = tmp_path / "請求.csv"
    if content is not None:
        path.write_bytes(content)
    result = tokusoku(tmp_path / "t.db", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"tokusoku import: {path}: ") and message in result.stderr
    assert "Traceback" not in result.stderr


def test_file_name_with_spaces(tmp_path):
    path = tmp_path / "12月 請求一覧.csv"
    shutil.copy(DATA / "simple-en-utf8.csv", path)
    assert tokusoku(tmp_path / "t.db", str(path)).returncode == 0


def test_the_report_names_the_database_first(tmp_path):
    db = tmp_path / "t.db"
    dry = tokusoku(db, str(DATA / "simple-en-utf8.csv"), "--dry-run")
    assert dry.stdout.splitlines()[0] == f"取り込み先のデータベース: {db}（まだありません。取り込むときに作ります）"
    done = tokusoku(db, str(DATA / "simple-en-utf8.csv"))
    assert done.stdout.splitlines()[0] == f"取り込み先のデータベース: {db}"
    again = tokusoku(db, str(DATA / "accounting-export-cp932.csv"), "--dry-run")
    assert again.stdout.splitlines()[0] == f"取り込み先のデータベース: {db}"
    assert json.loads(tokusoku(db, str(DATA / "simple-en-utf8.csv"), "--dry-run", "--json").stdout)["database"] == str(db)


def test_dry_run_with_errors_says_how_many_rows_are_valid(tmp_path):
    result = tokusoku(tmp_path / "t.db", str(DATA / "accounting-export-cp932.csv"), "--dry-run")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[1] == (f"{DATA / 'accounting-export-cp932.csv'}: 12行中、正しい行 7件・エラー 5件。"
                        "エラーがあるため何も取り込みません（正しい行だけなら --valid-only）。")
    assert "0件" not in result.stdout and lines[-1] == "（試行のみ: データベースには何も書き込んでいません）"
    assert "  5行目（INV-2026-0004） 電話番号: 固定電話のためSMSを送れません" in lines


def test_no_valid_row_gets_no_valid_only_hint(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("請求番号,氏名,電話番号,金額,支払期日\nA-1,伊藤,0312345678,1000,2026-12-10\n", encoding="utf-8")
    lines = tokusoku(tmp_path / "t.db", str(path)).stdout.splitlines()
    assert lines[1] == f"{path}: 1行中、正しい行 0件・エラー 1件。エラーがあるため何も取り込んでいません。"
    assert lines[-1] == "エラーを直して取り込み直してください。"
