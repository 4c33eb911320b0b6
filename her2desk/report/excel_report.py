"""``report.xlsx``: the study's tables for a manuscript, one sheet per table, numbers as numbers.

Walks the :class:`~her2desk.report.report_tables.ReportTable` objects that report.docx walks
too. A column that prints "52 (11.2)" or "0.66 (0.44–0.99)" becomes one Excel column per number
(n and %, HR and its limits) under a two-row header, each cell a number with a number format (P
as ``0.000`` showing "<0.001"), so a coordinator can sort, chart or re-check every value. Figures
arrive as PNG bytes rendered by the caller, so this layer needs no Qt.
"""
from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Mapping

from openpyxl import Workbook
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..i18n import ENGLISH, normalise_language, translate
from .. import __version__
from ..analysis.study import StudyResults
from ..crf.escape import neutralise_workbook, xlsx_value
from ..cohort.settings import StudySettings
from .report_tables import REPORT_TABLE_KEYS, ReportTable, study_report_tables

_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_NOTE = Font(italic=True, size=9, color="555555")
_THIN = Side(style="thin", color="888888")
_WRAP = Alignment(wrap_text=True, vertical="top")

#: The workbook's sheets: the settings, then one per registered report table (a new table in
#: report_tables.REPORT_TABLES is a new sheet here, with no second list to keep in step).
SHEETS: tuple[str, ...] = ("Settings", *REPORT_TABLE_KEYS)
#: The first data row of every table sheet (title, group header, part header above it).
FIRST_DATA_ROW = 4


def _width(value) -> int:
    return min(60, len(str(value)) + 2) if value is not None else 0


def write_table_sheet(wb: Workbook, table: ReportTable, *, sheet_name: str | None = None):
    """One table on a sheet of its own: title, two header rows, rows of numbers, footnotes."""
    ws = wb.create_sheet(sheet_name or table.key)
    ws.cell(1, 1, xlsx_value(table.title)).font = _TITLE
    widths: dict[int, int] = {}
    col = 1
    spans = []                                  # (first sheet column, number of parts) per column
    for column in table.columns:
        n = max(1, len(column.parts))
        spans.append((col, n))
        top = ws.cell(2, col, xlsx_value(column.header))
        for j in range(n):
            cell = ws.cell(3, col + j, xlsx_value(column.parts[j].header) if column.parts else None)
            for c in (ws.cell(2, col + j), cell):
                c.font, c.fill = _BOLD, _HEAD_FILL
            cell.border = Border(bottom=_THIN)
            widths[col + j] = max(8, _width(cell.value))
        if n > 1:
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + n - 1)
        top.alignment = Alignment(horizontal="center", wrap_text=True, vertical="top")
        widths[col] = max(widths[col], min(_width(column.header), 30) if n == 1 else 8)
        col += n
    r = FIRST_DATA_ROW
    for row in table.rows:
        for column, (first, n), cell in zip(table.columns, spans, row.cells):
            if row.style == "section" and first > 1:
                break
            values = cell.values
            numeric = column.parts and len(values) == n and any(v is not None for v in values)
            if numeric:
                for j, value in enumerate(values):
                    if value is None:
                        continue
                    out = ws.cell(r, first + j, xlsx_value(value))
                    if isinstance(value, (int, float)):
                        out.number_format = column.parts[j].number_format
            elif cell.text:
                label = ("  " * row.indent + cell.text) if first == 1 else cell.text
                ws.cell(r, first, xlsx_value(label))
                widths[first] = max(widths.get(first, 8), _width(label) if first == 1 else 8)
        if row.style in ("heading", "section"):
            ws.cell(r, 1).font = _BOLD
        r += 1
    r += 1
    for note in table.footnotes:
        ws.cell(r, 1, xlsx_value(note)).font = _NOTE
        r += 1
    for c, w in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 2)
    return ws


def _setting_value(value):
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def _settings_sheet(wb: Workbook, results: StudyResults, source: Path | None, sha256: str) -> None:
    ws = wb.create_sheet("Settings")
    ws.cell(1, 1, "Study report settings").font = _TITLE
    for j, head in enumerate(("Item", "Value", "Setting name"), start=1):
        c = ws.cell(2, j, head)
        c.font, c.fill, c.border = _BOLD, _HEAD_FILL, Border(bottom=_THIN)
    rows: list[tuple] = [("Input file", source.name if source else "", ""),
                         ("Input SHA-256", sha256, ""),
                         ("her2desk version", __version__, ""),
                         ("Generated", datetime.now().replace(second=0, microsecond=0), "")]
    for f in dataclasses.fields(StudySettings):
        label = f.metadata.get("label", f.name)
        rows.append((label[:1].upper() + label[1:], _setting_value(getattr(results.settings, f.name)),
                     f.name))
    for i, values in enumerate(rows, start=3):
        for j, value in enumerate(values, start=1):
            cell = ws.cell(i, j, xlsx_value(value))
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    r = len(rows) + 4
    if results.notes:
        ws.cell(r, 1, "Notes on this analysis").font = _BOLD
        for k, text in enumerate(results.notes, start=1):
            ws.cell(r + k, 1, xlsx_value(text)).font = _NOTE
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 66
    ws.column_dimensions["C"].width = 26


def _figures_sheet(wb: Workbook, figures: Mapping[str, bytes]) -> None:
    ws = wb.create_sheet("Figures")
    ws["A1"] = "Figures"
    ws["A1"].font = _TITLE
    row = 3
    for title, png in figures.items():
        ws.cell(row, 1, xlsx_value(title)).font = _BOLD
        img = XLImage(io.BytesIO(png))
        scale = min(1.0, 720 / max(img.width, 1))
        img.width, img.height = int(img.width * scale), int(img.height * scale)
        ws.add_image(img, f"A{row + 1}")
        row += int(img.height / 20) + 4


def translate_workbook(wb: Workbook, language: str) -> Workbook:
    """Every sheet name and text cell through the catalogue; numbers are left as they are.
    Sheet names stay unique and within Excel's 31 characters."""
    if normalise_language(language) == ENGLISH:
        return wb
    taken: set[str] = set()
    for ws in wb.worksheets:
        name = translate(ws.title, language)[:31] or ws.title
        if name in taken:
            name = ws.title
        taken.add(name)
        ws.title = name
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = translate(cell.value, language)
    return wb


def build_report_workbook(results: StudyResults, *, source: Path | None = None, sha256: str = "",
                          figures: Mapping[str, bytes] | None = None,
                          tables: Iterable[ReportTable] | None = None, language: str = ENGLISH) -> Workbook:
    """The report workbook; ``language="zh_CN"`` writes its sheet names and text in Chinese."""
    wb = Workbook()
    wb.remove(wb.active)
    _settings_sheet(wb, results, source, sha256)
    for table in (tables if tables is not None else study_report_tables(results)):
        write_table_sheet(wb, table)
    if figures:
        _figures_sheet(wb, figures)
    translate_workbook(wb, language)
    return neutralise_workbook(wb)     # no text (a file named '=1+1.xlsx') becomes a formula


def sheet_names(with_figures: bool = False) -> Iterable[str]:
    return SHEETS + (("Figures",) if with_figures else ())
