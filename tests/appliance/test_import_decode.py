"""Encodings, delimiters, header rows, totals and blank rows, and files that cannot be imported."""
import codecs

import pytest

from appliance.importing import InvoiceImportError, check_file

HEADER = "請求書番号,取引先名,電話番号,金額,支払期日"
ROWS = ["INV-1,山田 太郎,090-1234-5678,\"￥12,000\",2026/12/10", "INV-2,髙橋 花子,080-2345-6789,3300,R8.12.20"]


def csv_text(*lines, delimiter=","):
    return "\r\n".join(line.replace(",", delimiter) if delimiter != "," else line for line in lines) + "\r\n"


def numbers(report):
    return [i.number for i in report.invoices]


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp932", "cp932"), ("utf-16", "utf-16"),
    ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"),
])
def test_encodings(encoding, expected):
    report = check_file(csv_text(HEADER, *ROWS).encode(encoding), "f.csv")
    assert report.encoding == expected
    assert [i.name for i in report.invoices] == ["山田 太郎", "髙橋 花子"]


def test_excel_unicode_text_is_utf16_with_tabs():
    lines = ["請求書番号\t取引先名\t電話番号\t金額\t支払期日", "INV-1\t山田 太郎\t090-1234-5678\t12,000\t2026/12/10",
             "INV-2\t株式会社アルファ, 東京支店\t080-4444-5555\t77,000円\t2026年12月18日"]
    data = codecs.BOM_UTF16_LE + "\r\n".join(lines).encode("utf-16-le")
    report = check_file(data, "unicode.txt")
    assert report.encoding == "utf-16" and not report.errors
    assert [(i.name, i.amount) for i in report.invoices] == [("山田 太郎", 12000), ("株式会社アルファ, 東京支店", 77000)]


def test_tab_separated_utf8():
    assert numbers(check_file(csv_text(HEADER, *ROWS, delimiter="\t").encode(), "t.tsv")) == ["INV-1", "INV-2"]


def test_title_line_and_blank_line_above_header_count_in_row_numbers():
    text = csv_text("請求一覧 2026年12月,,,,", "", HEADER, ROWS[0], "INV-3,鈴木,03-1234-5678,100,2026/12/1")
    report = check_file(text.encode("cp932"), "titled.csv")
    assert numbers(report) == ["INV-1"] and report.invoices[0].row == 4
    assert [(e.row, e.field) for e in report.errors] == [(5, "phone")]


def test_english_headers_and_synonyms_in_any_order_with_extra_columns():
    text = csv_text("Memo,Due Date,Customer,Mobile,Amount,Invoice Number",
                    "x,2026-12-10,Ken Ito,+81 90 8888 9999,12000,A-1")
    report = check_file(text.encode(), "en.csv")
    assert report.invoices[0].as_dict() == {"row": 2, "number": "A-1", "name": "Ken Ito",
                                            "phone": "+819088889999", "amount": 12000, "due_date": "2026-12-10"}


@pytest.mark.parametrize("header", [
    "請求番号,得意先名,携帯番号,請求額,入金期限", "取引番号,顧客名,携帯電話,金額（税込）,支払期限",
    "ＩＮＶＯＩＣＥ,ＮＡＭＥ,ＰＨＯＮＥ,ＡＭＯＵＮＴ,ＤＵＥ", "invoice_no,customer,phone,amount,due_date",
])
def test_header_synonyms(header):
    assert numbers(check_file(csv_text(header, *ROWS).encode(), "s.csv")) == ["INV-1", "INV-2"]


def test_billing_code_stands_in_for_a_missing_invoice_number_but_not_a_present_one():
    only_code = csv_text("請求先コード,請求先名,電話番号,金額,支払期日", "C-1,山田,090-1234-5678,100,2026/12/1")
    assert numbers(check_file(only_code.encode(), "c.csv")) == ["C-1"]
    both = csv_text("請求先コード,請求書番号,請求先名,電話番号,金額,支払期日",
                    "C-1,INV-9,山田,090-1234-5678,100,2026/12/1")
    assert numbers(check_file(both.encode(), "c.csv")) == ["INV-9"]


@pytest.mark.parametrize("totals", ["合計,,,\"15,300\",", ",合計,,15300,", ",,,15300,小計", "Total,,,15300,",
                                    "総計,,,15300,"])
def test_totals_and_blank_rows_are_skipped(totals):
    report = check_file(csv_text(HEADER, ROWS[0], "", ",,,,", ROWS[1], totals).encode(), "t.csv")
    assert numbers(report) == ["INV-1", "INV-2"] and report.rows == 2 and not report.errors
    assert report.skipped == [6]


def test_a_row_with_a_number_and_a_memo_saying_total_is_data():
    report = check_file(csv_text(HEADER + ",備考", ROWS[0] + ",合計").encode(), "m.csv")
    assert numbers(report) == ["INV-1"] and report.skipped == []


def test_short_rows_are_row_errors():
    report = check_file(csv_text(HEADER, "INV-1,山田").encode(), "short.csv")
    assert {e.field for e in report.errors} == {"phone", "amount", "due_date"}


@pytest.mark.parametrize("data, message", [
    (b"", "ファイルが空です"), (b"\xef\xbb\xbf\r\n\r\n", "ファイルが空です"),
    (b"PK\x03\x04\x14\x00\x06\x00", "CSVファイルではありません"), (b"\x89PNG\r\n\x1a\n\x00\x00", "CSVファイルではありません"),
    (b"\x00\x01\x02\x03\xff\xfe\x00", "テキストファイルではありません"),
    ("名前,住所\r\n山田,東京\r\n".encode(), "見出し行が見つかりません"),
    ("hello world\n".encode(), "見出し行が見つかりません"),
    ("請求書番号,取引先名,金額\r\nINV-1,山田,100\r\n".encode(), "「電話番号」、「支払期日」"),
    (b"\xff\xfe\x00\xd8", "utf-16として読めない"),
])
def test_unusable_files_name_the_file_and_say_why(data, message):
    with pytest.raises(InvoiceImportError, match=message) as caught:
        check_file(data, "請求.csv")
    assert str(caught.value).startswith("請求.csv: ")


def test_undecodable_bytes_in_neither_utf8_nor_cp932():
    with pytest.raises(InvoiceImportError, match="文字コードを判別できません"):
        check_file(HEADER.encode() + b"\r\nINV-1,\x80\xfd\xfe,090,1,2026/1/1\r\n", "x.csv")


def test_header_without_data_rows():
    with pytest.raises(InvoiceImportError, match="^h.csv: 1行目の見出しの下に請求データの行がありません"):
        check_file(csv_text(HEADER, "", "合計,,,0,").encode(), "h.csv")


# -- quotes: an unclosed one is a row error on its own line; legal quoting still reads --

QUOTED = [HEADER, "Q-1,山田,090-1111-2222,1000,2026/12/10", 'Q-2,"田中 ""太,090-1111-3333,1000,2026/12/10',
          "Q-3,佐藤,090-1111-4444,1000,2026/12/10", "Q-4,木村,090-1111-5555,1000,2026/12/10"]


def test_an_unclosed_quote_is_reported_on_its_line_and_no_later_row_is_lost():
    report = check_file(csv_text(*QUOTED).encode(), "quote.csv")
    assert report.rows == 4 and numbers(report) == ["Q-1", "Q-3", "Q-4"]
    (error,) = report.errors
    assert (error.row, error.field, error.number) == (3, "row", "Q-2")
    assert "3行目" in error.message and "引用符" in error.message and "閉じていません" in error.message


def test_an_unclosed_quote_before_a_quoted_cell_further_down_loses_no_row():
    lines = [*QUOTED[:4], 'Q-4,"木村",090-1111-5555,"1,000",2026/12/10']
    report = check_file(csv_text(*lines).encode(), "quote.csv")
    assert numbers(report) == ["Q-1", "Q-3", "Q-4"] and [e.row for e in report.errors] == [3]


def test_text_after_a_closing_quote_is_a_quote_error():
    lines = [HEADER, 'Q-1,"山田"太郎,090-1111-2222,1000,2026/12/10', "Q-2,佐藤,090-1111-4444,1000,2026/12/10"]
    report = check_file(csv_text(*lines).encode(), "quote.csv")
    assert numbers(report) == ["Q-2"]
    (error,) = report.errors
    assert (error.row, error.field) == (2, "row") and "引用符" in error.message


def test_a_line_break_inside_quotes_is_one_cell_and_rows_keep_counting():
    lines = [HEADER, 'Q-1,"山田商店\r\n経理部 御中",090-1111-2222,1000,2026/12/10',
             "Q-2,佐藤,090-1111-4444,1000,2026/12/10"]
    report = check_file(csv_text(*lines).encode(), "multiline.csv")
    assert not report.errors and [(i.row, i.name) for i in report.invoices] == [
        (2, "山田商店\r\n経理部 御中"), (3, "佐藤")]


def test_a_stray_quote_inside_an_unquoted_cell_is_kept_as_written():
    lines = [HEADER, 'Q-1,山田 "太郎",090-1111-2222,1000,2026/12/10']
    report = check_file(csv_text(*lines).encode(), "stray.csv")
    assert not report.errors and [i.name for i in report.invoices] == ['山田 "太郎"']
