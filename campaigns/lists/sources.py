"""Reading call-list files: CSV (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030 or
any encoding charset-normalizer recognises), XLSX and plain text with one
number a line.

`inspect()` checks a file before anything is imported and raises
`SourceError` with a message a technician can act on; `rows()` then streams
`(row_number, cells)` with constant memory.  Row numbers count like a
spreadsheet does (the header is row 1).  A row the reader cannot make sense
of (a line longer than the field limit) comes back as `(row_number, None)`
so the caller can reject that row and go on.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import zipfile
from dataclasses import dataclass, field
from typing import Iterator

from campaigns.lists.i18n import Message as _l

MAX_COLUMNS = 200
MAX_FIELD = 64 * 1024  # a cell longer than this is not call-list data
SAMPLE_BYTES = 256 * 1024
# calamine parses XLSX several times faster than openpyxl but materialises the
# whole sheet in memory; openpyxl's read_only mode streams.  Small files take
# the fast path, big ones the constant-memory one.
CALAMINE_MAX_BYTES = 8 * 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


class SourceError(Exception):
    """The file cannot be imported; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


@dataclass
class SourceInfo:
    kind: str  # csv / xlsx / txt
    encoding: str | None = None
    delimiter: str = ","
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    has_header: bool = True
    header: list[str] = field(default_factory=list)
    rows_estimate: int = 0


def kind_for(filename: str) -> str:
    ext = os.path.splitext(filename or "")[1].lower()
    return {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".txt": "txt"}.get(ext, "csv")


def inspect(path: str, filename: str, encoding: str | None = None, sheet: str | None = None,
            has_header: bool | None = None) -> SourceInfo:
    """Identify the file, its encoding / sheet and header; raise SourceError if it cannot be imported."""
    size = os.path.getsize(path)
    if size == 0:
        raise SourceError("empty", _l("The file is empty."))
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if head.startswith(OLE2_MAGIC):
        raise SourceError("protected_or_xls", _l(
            "This is a password-protected workbook or an old .xls file. Remove the password or save it as "
            ".xlsx or CSV, then upload it again."))
    kind = kind_for(filename)
    if head.startswith(ZIP_MAGIC) or kind in ("xlsx", "xls"):
        if not head.startswith(ZIP_MAGIC):
            raise SourceError("not_xlsx", _l("The file is named like a workbook but is not an .xlsx file."))
        info = _inspect_xlsx(path, sheet, size)
    else:
        info = _inspect_text(path, head, size, kind, encoding)
    if len(info.header) > MAX_COLUMNS:
        raise SourceError("too_many_columns", _l(
            "The file has %(n)d columns; at most %(max)d are supported. Remove the columns you do not need.",
            n=len(info.header), max=MAX_COLUMNS))
    if has_header is not None and info.kind != "txt":
        info.has_header = has_header
    first_rows = []
    for _, cells in rows(path, info, limit=2):
        first_rows.append(cells)
    if info.has_header and info.kind != "txt" and has_header is None and info.header and _looks_like_data(info.header):
        info.has_header = False  # the first line is already a number: no header
    if info.has_header and not first_rows:
        raise SourceError("no_rows", _l("The file has a header but no rows."))
    if not info.has_header and not info.header:
        raise SourceError("no_rows", _l("The file has no rows."))
    if not info.has_header:
        width = max([len(info.header)] + [len(r or []) for r in first_rows])
        info.header = default_header(info.kind, width)
    info.header = unique_header(info.header)
    return info


def default_header(kind: str, width: int) -> list[str]:
    if kind == "txt":
        return ["phone"]
    return [f"column_{i + 1}" for i in range(width)]


def unique_header(header: list[str]) -> list[str]:
    """Blank and repeated names made unique, so a mapping can name columns."""
    out, seen = [], set()
    for i, name in enumerate(header):
        name = (name or "").strip() or f"column_{i + 1}"
        base, n = name, 2
        while name in seen:
            name, n = f"{base}_{n}", n + 1
        seen.add(name)
        out.append(name)
    return out


def _looks_like_data(cells: list[str]) -> bool:
    return any(sum(ch.isdigit() for ch in (c or "")) >= 7 for c in cells)


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if _decodes(sample, "utf-8"):
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise SourceError("unknown_encoding", _l(
            "The text encoding of this file could not be recognised. Choose the encoding by hand."))
    name = codecs.lookup(best.encoding).name
    # GBK files from Chinese Excel: GB18030 is its superset and decodes every GBK byte sequence.
    return "gb18030" if name in GB_FAMILY or best.encoding in GB_FAMILY else name


def _decodes(sample: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(sample, final=False)  # a sample may end inside a character
        return True
    except UnicodeDecodeError:
        return False


def _inspect_text(path: str, head: bytes, size: int, kind: str, encoding: str | None) -> SourceInfo:
    bom_utf16 = head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE)
    if b"\x00" in head[:8192] and not bom_utf16:
        raise SourceError("binary", _l("This is not a text, CSV or XLSX file (it contains binary data)."))
    if encoding:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise SourceError("bad_encoding", _l("Unknown encoding %(enc)s.", enc=encoding)) from None
        if not _decodes(head, encoding):
            raise SourceError("wrong_encoding", _l(
                "The file is not valid %(enc)s text. Choose another encoding or let it be detected.", enc=encoding))
    else:
        encoding = detect_encoding(head)
    if encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    text = head.decode(encoding, errors="ignore")
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    info = SourceInfo(kind=kind, encoding=encoding)
    info.rows_estimate = _estimate_lines(path, size, head)
    if kind == "txt":
        info.has_header = False
        info.header = ["phone"] if first_line.strip() or len(text.strip()) else []
        return info
    info.delimiter = _delimiter(first_line)
    reader = csv.reader([first_line], delimiter=info.delimiter)
    try:
        info.header = [c.strip() for c in next(reader)]
    except (StopIteration, csv.Error):
        info.header = []
    if not any(info.header):
        raise SourceError("no_header", _l("The first line of the file is empty."))
    return info


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _estimate_lines(path: str, size: int, head: bytes) -> int:
    """Lines in the file (exact for most lists; quoted line breaks make it an estimate)."""
    if size <= len(head):
        return head.count(b"\n") + (0 if head.endswith(b"\n") else 1)
    count = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _inspect_xlsx(path: str, sheet: str | None, size: int) -> SourceInfo:
    info = SourceInfo(kind="xlsx")
    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                raise SourceError("not_xlsx", _l("The file is a zip archive but not an Excel workbook."))
        sheets, height = _xlsx_sheets(path, sheet, size)
    except SourceError:
        raise
    except Exception:  # noqa: BLE001 - zipfile/openpyxl/calamine each raise their own kinds
        raise SourceError("damaged_xlsx", _l(
            "The workbook is damaged or incomplete (was the upload cut short?). Open it in Excel and save it again."
        )) from None
    info.sheets = sheets
    if sheet and sheet not in sheets:
        raise SourceError("no_sheet", _l("The workbook has no sheet named %(name)s.", name=sheet))
    info.sheet = sheet or sheets[0]
    info.rows_estimate = height
    try:
        first = next(_xlsx_rows(path, info.sheet, size, limit=1), None)
    except Exception:  # noqa: BLE001
        raise SourceError("damaged_xlsx", _l(
            "The workbook is damaged or incomplete (was the upload cut short?). Open it in Excel and save it again."
        )) from None
    info.header = [c.strip() for c in first] if first else []
    while info.header and not info.header[-1]:
        info.header.pop()
    if not info.header:
        raise SourceError("no_rows", _l("The sheet %(name)s is empty.", name=info.sheet))
    return info


def _xlsx_sheets(path: str, sheet: str | None, size: int) -> tuple[list[str], int]:
    if size <= CALAMINE_MAX_BYTES:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(path)
        names = list(wb.sheet_names)
        target = sheet if sheet in names else names[0]
        return names, wb.get_sheet_by_name(target).height
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        names = list(wb.sheetnames)
        target = sheet if sheet in names else names[0]
        return names, wb[target].max_row or 0
    finally:
        wb.close()


def cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: 13800138000.0 → "13800138000"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: str, sheet: str, size: int, limit: int | None = None) -> Iterator[list[str]]:
    if size <= CALAMINE_MAX_BYTES:
        from python_calamine import CalamineWorkbook

        rows_iter = CalamineWorkbook.from_path(path).get_sheet_by_name(sheet).iter_rows()
        for n, row in enumerate(rows_iter):
            if limit is not None and n >= limit:
                return
            yield [cell_text(v) for v in row]
        return
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for n, row in enumerate(wb[sheet].iter_rows(values_only=True)):
            if limit is not None and n >= limit:
                return
            yield [cell_text(v) for v in row]
    finally:
        wb.close()


def rows(path: str, info: SourceInfo, limit: int | None = None) -> Iterator[tuple[int, list[str] | None]]:
    """Data rows as (row_number, cells); cells is None for a row that could not be read."""
    if info.kind == "xlsx":
        yield from _numbered(_xlsx_rows(path, info.sheet, os.path.getsize(path)), info.has_header, limit)
        return
    csv.field_size_limit(MAX_FIELD)
    with open(path, encoding=info.encoding, errors="strict", newline="") as fh:
        if info.kind == "txt":
            yield from _numbered(([line.strip()] for line in fh), False, limit)
            return
        reader = csv.reader(fh, delimiter=info.delimiter)
        yield from _numbered_csv(reader, info.has_header, limit)


def _numbered_csv(reader, has_header: bool, limit: int | None):
    """`_numbered` over a csv reader, in one loop (the hot path of a big
    import); a row the reader rejects (e.g. a field over the size limit)
    comes back as None: one bad row, not a bad file."""
    number = 0
    produced = 0
    while True:
        try:
            for cells in reader:
                number += 1
                if number == 1 and has_header:
                    continue
                if not (cells and (cells[0] or any(cells))):
                    continue  # blank lines are not rows
                yield number, cells
                produced += 1
                if limit is not None and produced >= limit:
                    return
            return
        except csv.Error:
            number += 1
            if number == 1 and has_header:
                continue
            yield number, None
            produced += 1
            if limit is not None and produced >= limit:
                return


def _numbered(source, has_header: bool, limit: int | None):
    number = 0
    produced = 0
    for cells in source:
        number += 1
        if number == 1 and has_header:
            continue
        if cells is not None and not (cells and (cells[0] or any(cells))):
            continue  # blank lines are not rows
        yield number, cells
        produced += 1
        if limit is not None and produced >= limit:
            return
