"""Rejected rows of a batch as a download: CSV in the file's own encoding or
XLSX, with spreadsheet formula injection neutralised."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterator

from sqlalchemy import select

from campaigns.lists.reasons import reason_text
from campaigns.models import ImportBatch, ImportReject

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet will show as text, never evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def reject_rows(session, batch: ImportBatch, chunk: int = 5000) -> Iterator[list[str]]:
    header = list((batch.options.get("source") or {}).get("header") or [])
    yield [safe_cell(c) for c in ["row", "reason", "reason_text", "detail", *header]]
    last = 0
    while True:
        block = session.execute(
            select(ImportReject.id, ImportReject.row_number, ImportReject.reason, ImportReject.detail,
                   ImportReject.raw)
            .where(ImportReject.batch_id == batch.id, ImportReject.id > last)
            .order_by(ImportReject.id).limit(chunk)
        ).all()
        if not block:
            return
        for rid, row, reason, detail, raw in block:
            cells = raw if isinstance(raw, list) else json.loads(raw or "[]")
            yield [str(row), reason, safe_cell(reason_text(reason)), safe_cell(detail or "")] + [
                safe_cell(c) for c in cells
            ]
            last = rid


def csv_chunks(rows: Iterator[list[str]], encoding: str | None) -> Iterator[bytes]:
    """The rows as CSV bytes in `encoding` (characters it lacks become "?")."""
    bom, codec = _codec(encoding or "utf-8")
    yield bom
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for n, row in enumerate(rows, 1):
        writer.writerow(row)
        if n % 2000 == 0:
            yield buf.getvalue().encode(codec, errors="replace")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode(codec, errors="replace")


def _codec(encoding: str) -> tuple[bytes, str]:
    """The byte-order mark to write once, and the codec for the rest."""
    low = encoding.replace("_", "-").lower()
    if low == "utf-8-sig":
        return b"\xef\xbb\xbf", "utf-8"
    if low == "utf-16":
        return b"\xff\xfe", "utf-16-le"
    return b"", encoding


def xlsx_bytes(rows: Iterator[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("rejected")
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
