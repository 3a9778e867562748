"""The report's files: an XLSX workbook with formatted Chinese headers and a
CSV (UTF-8 with BOM so Excel on Chinese Windows opens it right).  Pure: data
in, bytes out."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from reports.metrics import COLUMNS

SECTIONS = [("totals", "汇总"), ("campaigns", "按项目"), ("agents", "按座席"), ("caller_ids", "按主显号码"),
            ("hours", "按小时")]
KEY_HEADERS = {"totals": "范围", "campaigns": "项目", "agents": "座席", "caller_ids": "主显号码", "hours": "时段"}
FORMATS = {"int": "#,##0", "pct": "0.0%", "dur": "[h]:mm:ss", "hours": "0.00", "score": "0.00"}


def _rows(data: dict, section: str) -> list[dict]:
    if section == "totals":
        return [{"label": "合计", **data["totals"]}]
    return data[section]


def _cell_value(kind: str, value):
    if value is None:
        return None
    if kind == "dur":
        return value / 86400  # Excel durations are fractions of a day
    return value


def xlsx_bytes(data: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="305496")
    thin = Side(style="thin", color="BFBFBF")
    for section, title in SECTIONS:
        sheet = book.create_sheet(title)
        sheet.append([f"外呼日报 {data['day']}（{data['timezone']}）· {title}"])
        sheet["A1"].font = Font(bold=True, size=13)
        headers = [KEY_HEADERS[section]] + [zh for _, zh, _, _ in COLUMNS]
        sheet.append(headers)
        for col, _ in enumerate(headers, start=1):
            cell = sheet.cell(row=2, column=col)
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        for row in _rows(data, section):
            sheet.append([row["label"]] + [_cell_value(kind, row.get(key)) for key, _, _, kind in COLUMNS])
            excel_row = sheet.max_row
            for col, (_, _, _, kind) in enumerate(COLUMNS, start=2):
                sheet.cell(row=excel_row, column=col).number_format = FORMATS[kind]
        sheet.freeze_panes = "B3"
        sheet.column_dimensions["A"].width = 18
        for col in range(2, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(col)].width = 12
        sheet.row_dimensions[2].height = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(data: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["维度", "键"] + [zh for _, zh, _, _ in COLUMNS])
    for section, title in SECTIONS:
        for row in _rows(data, section):
            writer.writerow([title, row["label"]] + ["" if row.get(key) is None else row.get(key)
                                                     for key, _, _, _ in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
