"""Reading files: encodings, XLSX, text; and every kind of bad file gets a clear message."""
from __future__ import annotations

import codecs
import zipfile

import pytest

from campaigns.lists import sources
from campaigns.lists.sources import SourceError, inspect, rows
from tests.campaigns.lists.conftest import write_csv

HEADER = ["姓名", "手机号码", "城市"]
ROWS = [["张伟", "13800138000", "北京"], ["李娜", "139-1234-5678", "上海"]]


def _all(path, info):
    return [cells for _, cells in rows(str(path), info)]


@pytest.mark.parametrize("encoding,detected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"),
                                               ("gb18030", "gb18030"), ("utf-16", "utf-16")])
def test_encodings_are_detected(tmp_path, encoding, detected):
    # enough Chinese text for a detector to be sure, as in a real export
    body = [HEADER] + [[f"{n}号客户张伟", f"1380013{n:04d}", "北京市朝阳区建国路"] for n in range(40)]
    path = write_csv(tmp_path / "list.csv", body, encoding)
    info = inspect(str(path), "list.csv")
    assert info.encoding == detected
    assert info.header == HEADER
    assert _all(path, info)[0] == ["0号客户张伟", "13800130000", "北京市朝阳区建国路"]


def test_client_gbk_export_sample(samples):
    info = inspect(str(samples / "cn_client_export_gbk.csv"), "cn_client_export_gbk.csv")
    assert info.encoding == "gb18030" and info.header[:2] == ["姓名", "手机号码"]
    assert len(_all(samples / "cn_client_export_gbk.csv", info)) == 300


def test_manual_encoding_override(tmp_path):
    path = write_csv(tmp_path / "list.csv", [HEADER] + ROWS, "gbk")
    assert inspect(str(path), "list.csv", encoding="gbk").encoding == "gbk"
    with pytest.raises(SourceError) as err:
        inspect(str(path), "list.csv", encoding="utf-8")
    assert err.value.code == "wrong_encoding" and "utf-8" in str(err.value.message)


def test_delimiters_and_no_header(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("电话;姓名\n13800138000;王\n", encoding="utf-8")
    assert inspect(str(path), "semi.csv").header == ["电话", "姓名"]
    bare = tmp_path / "bare.csv"
    bare.write_text("13800138000,王\n13900139000,李\n", encoding="utf-8")
    info = inspect(str(bare), "bare.csv")
    assert not info.has_header and info.header == ["column_1", "column_2"]
    assert len(_all(bare, info)) == 2


def test_plain_text_one_number_a_line(tmp_path):
    path = tmp_path / "numbers.txt"
    path.write_text("13800138000\n\n 139 0013 9000 \n", encoding="utf-8")
    info = inspect(str(path), "numbers.txt")
    assert info.kind == "txt" and info.header == ["phone"]
    assert _all(path, info) == [["13800138000"], ["139 0013 9000"]]


@pytest.mark.parametrize("calamine", [True, False])
def test_xlsx_both_readers(samples, monkeypatch, calamine):
    if not calamine:
        monkeypatch.setattr(sources, "CALAMINE_MAX_BYTES", 0)  # the streaming reader for big files
    info = inspect(str(samples / "cn_small.xlsx"), "cn_small.xlsx")
    assert info.kind == "xlsx" and info.sheet == "名单" and info.header[:2] == ["姓名", "手机号码"]
    data = _all(samples / "cn_small.xlsx", info)
    assert len(data) > 10 and all(len(r) == len(info.header) for r in data)


@pytest.mark.parametrize("calamine", [True, False])
def test_xlsx_numbers_chosen_sheet(tmp_path, monkeypatch, calamine):
    from openpyxl import Workbook

    if not calamine:
        monkeypatch.setattr(sources, "CALAMINE_MAX_BYTES", 0)
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["这个表不是名单"])
    ws = wb.create_sheet("数据")
    ws.append(["手机", "金额"])
    ws.append([13800138000, 12.5])  # typed as numbers by Excel
    wb.save(tmp_path / "book.xlsx")
    info = inspect(str(tmp_path / "book.xlsx"), "book.xlsx", sheet="数据")
    assert info.sheets == ["说明", "数据"]
    assert _all(tmp_path / "book.xlsx", info) == [["13800138000", "12.5"]]
    with pytest.raises(SourceError) as err:
        inspect(str(tmp_path / "book.xlsx"), "book.xlsx", sheet="nope")
    assert err.value.code == "no_sheet"


# -- bad files: each one a clear message ------------------------------------------------

def _refused(path, name, **kw) -> SourceError:
    with pytest.raises(SourceError) as err:
        inspect(str(path), name, **kw)
    assert str(err.value.message)  # a sentence for people
    return err.value


def test_empty_file(tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    assert _refused(tmp_path / "e.csv", "e.csv").code == "empty"


def test_header_without_rows(tmp_path):
    (tmp_path / "h.csv").write_text("姓名,手机号码\r\n", encoding="utf-8")
    assert _refused(tmp_path / "h.csv", "h.csv").code == "no_rows"


def test_binary_junk(tmp_path):
    (tmp_path / "junk.csv").write_bytes(bytes(range(256)) * 64)
    assert _refused(tmp_path / "junk.csv", "junk.csv").code == "binary"


def test_truncated_xlsx(tmp_path, samples):
    data = (samples / "cn_small.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    assert _refused(tmp_path / "cut.xlsx", "cut.xlsx").code == "damaged_xlsx"


def test_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "x.xlsx", "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert _refused(tmp_path / "x.xlsx", "x.xlsx").code == "not_xlsx"


def test_password_protected_or_legacy_xls(tmp_path):
    # an encrypted workbook is an OLE2/CFB container, like the old .xls format
    (tmp_path / "secret.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    err = _refused(tmp_path / "secret.xlsx", "secret.xlsx")
    assert err.code == "protected_or_xls" and "password" in str(err.message)


def test_wrong_encoding_named(tmp_path):
    write_csv(tmp_path / "gbk.csv", [HEADER] + ROWS, "gbk")
    assert _refused(tmp_path / "gbk.csv", "gbk.csv", encoding="utf-8").code == "wrong_encoding"
    assert _refused(tmp_path / "gbk.csv", "gbk.csv", encoding="klingon").code == "bad_encoding"


def test_a_thousand_columns(tmp_path):
    header = ["手机号码"] + [f"c{i}" for i in range(999)]
    write_csv(tmp_path / "wide.csv", [header, ["13800138000"] + [""] * 999])
    err = _refused(tmp_path / "wide.csv", "wide.csv")
    assert err.code == "too_many_columns" and "1000" in str(err.message)


def test_a_ten_megabyte_line_is_one_bad_row(tmp_path):
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("手机号码,备注\r\n13800138000,ok\r\n13900139000," + "x" * (10 * 1024 * 1024) + "\r\n13700137000,ok\r\n")
    info = inspect(str(path), "long.csv")
    got = list(rows(str(path), info))
    assert [cells for _, cells in got] == [["13800138000", "ok"], None, ["13700137000", "ok"]]


def test_bom_only_utf16_is_text(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "手机\t姓名\r\n13800138000\t王\r\n".encode("utf-16-le"))
    info = inspect(str(path), "u16.csv")
    assert info.delimiter == "\t" and _all(path, info) == [["13800138000", "王"]]
