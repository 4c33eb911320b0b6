"""The findings of a validation as an .xlsx file (``her2desk validate --out findings.xlsx``).

Two sheets: Findings (one row per cell, filterable, coloured by severity) and Summary
(counts by rule). Written write-only and atomically, so a failed export never leaves a
half-written file. Every text cell goes through :mod:`.escape` (a CRF value such as
``=HYPERLINK(…)`` stays text), and at most :data:`MAX_ROWS` findings are listed (an
Excel sheet holds 1,048,576 rows); the last row then counts the rest.
"""
from __future__ import annotations

import os

from .atomic import atomic_path
from .escape import safe_cell
from .model import ERROR, WARNING
from .validation_report import ValidationReport

_HEADERS = ("Severity", "Patient ID", "Sheet", "Row", "Column", "Value", "Message", "Field",
            "Rule")
_WIDTHS = (10, 14, 16, 7, 28, 18, 90, 26, 26)
#: Findings listed on the Findings sheet; the Summary sheet counts them all.
MAX_ROWS = 1_000_000


def write_validation_report(report: ValidationReport, path: str | os.PathLike, language: str = "en") -> None:
    """Save the findings (and a summary by rule) as an .xlsx file, atomically; ``language="zh_CN"``
    writes sheet names, headers, severities, messages and rule descriptions in Chinese."""
    from ..i18n import translate

    def tr(text):
        return translate(text, language) if isinstance(text, str) else text

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from .template import save_write_only

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F1")
    border = Border(bottom=Side(style="thin", color="7F8FA6"))
    sev_fill = {ERROR: PatternFill("solid", fgColor="F8D7DA"),
                WARNING: PatternFill("solid", fgColor="FFF3CD")}
    wrap = Alignment(wrap_text=True, vertical="top")

    def header_row(ws, names):
        cells = []
        for name in names:
            c = WriteOnlyCell(ws, value=tr(name))
            c.font, c.fill, c.border = bold, fill, border
            cells.append(c)
        return cells

    def build(tmp):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(tr("Findings"))
        for i, width in enumerate(_WIDTHS, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        listed = report.findings[:MAX_ROWS]
        ws.auto_filter.ref = f"A1:{get_column_letter(len(_HEADERS))}{len(listed) + 1}"
        ws.append(header_row(ws, _HEADERS))
        for f in listed:
            sev = safe_cell(ws, tr(f.severity))
            if f.severity in sev_fill:
                sev.fill = sev_fill[f.severity]
            msg = safe_cell(ws, tr(f.message))
            msg.alignment = wrap
            ws.append([sev] + [safe_cell(ws, v) for v in (
                f.patient_id or None, f.sheet or None, f.row, f.column or None, f.value or None)]
                + [msg, safe_cell(ws, f.field or None), safe_cell(ws, f.rule or None)])
        if len(report.findings) > len(listed):
            ws.append([None] * 6 + [f"... and {len(report.findings) - len(listed):,} more findings "
                                    f"(counted on the Summary sheet)."])

        summary = wb.create_sheet(tr("Summary"))
        for i, width in enumerate((28, 50, 10, 10, 10), 1):
            summary.column_dimensions[get_column_letter(i)].width = width
        summary.freeze_panes = "A2"
        table = report.counts_by_rule()
        summary.append(header_row(summary, ["Rule", "Description", "Errors", "Warnings",
                                            "Total"]))
        for rec in table.itertuples(index=False):
            summary.append([safe_cell(summary, rec[0]), safe_cell(summary, tr(rec[1])), int(rec[2]),
                            int(rec[3]), int(rec[4])])
        total = WriteOnlyCell(summary, value=tr("Total"))
        total.font = bold
        summary.append([total, None, report.n_errors, report.n_warnings, len(report)])
        summary.auto_filter.ref = f"A1:E{len(table) + 1}"
        save_write_only(wb, tmp)

    with atomic_path(path) as tmp:
        build(tmp)
