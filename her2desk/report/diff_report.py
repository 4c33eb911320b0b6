"""A :class:`~her2desk.analysis.freeze_diff.FreezeDiff` as rows and as ``diff.xlsx``.

Why one module for both: the command line's workbook and the app's tab show the same
tables (:func:`diff_tables`), so the two can never disagree. The workbook has a Summary
sheet and one sheet per table; numbers stay numbers; it is saved atomically with every
text cell neutralised (a CRF value such as ``=HYPERLINK(…)`` stays text).
"""
from __future__ import annotations

from pathlib import Path

from ..analysis.freeze_diff import FreezeDiff
from .files import write_workbook

__all__ = ["diff_tables", "diff_summary", "write_diff_workbook"]

Table = tuple[tuple[str, ...], list[tuple]]


def diff_tables(diff: FreezeDiff) -> dict[str, Table]:
    """Sheet name -> (headers, rows), in the order a reader should go through them."""
    return {
        "Patients": (("Patient ID", "Change"),
                     [(p, "added") for p in diff.added] + [(p, "removed") for p in diff.removed]),
        "Cells changed": (("Patient ID", "Sheet", "Row", "Column", "Field", "Old", "New"),
                          [(c.patient_id, c.sheet, c.row, c.column, c.field, c.old, c.new)
                           for c in diff.cells]),
        "Eligibility and groups": (("Patient ID", "What", "Old", "New"),
                                   [(p.patient_id, p.what, p.old, p.new) for p in diff.patients]),
        "Events": (("Endpoint", "Patient ID", "Change", "Old time (months)", "New time (months)"),
                   [(e.endpoint, e.patient_id, e.change, e.old_time, e.new_time)
                    for e in diff.events]),
        "Results": (("Result", "Quantity", "Old", "New", "Change"),
                    [(r.section, r.item, r.old, r.new, r.change) for r in diff.moved]),
    }


def diff_summary(diff: FreezeDiff) -> list[tuple[str, object]]:
    """The Summary sheet's lines: what was compared and how much of each kind changed."""
    lines: list[tuple[str, object]] = [
        ("Old freeze", diff.old_name), ("New freeze", diff.new_name),
        ("Patients added", len(diff.added)), ("Patients removed", len(diff.removed)),
        ("Cells changed", len(diff.cells)),
        ("Patients whose eligibility or group changed", len({p.patient_id for p in diff.patients})),
    ]
    for name, old, new in diff.event_counts:
        lines.append((f"{name}: events (old → new)", f"{old} → {new}"))
    lines.append(("Headline results that moved", len(diff.moved)))
    return lines


def write_diff_workbook(diff: FreezeDiff, path: str | Path) -> Path:
    """Save the comparison as an .xlsx: Summary, then one sheet per table of :func:`diff_tables`."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    bold = Font(bold=True)
    for label, value in diff_summary(diff):
        ws.append([label, value])
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 40
    for name, (headers, rows) in diff_tables(diff).items():
        sheet = wb.create_sheet(name)
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"
        for k, header in enumerate(headers):
            sheet.column_dimensions[chr(ord("A") + k)].width = max(12, min(48, len(header) + 8))
    return write_workbook(Path(path), wb)
