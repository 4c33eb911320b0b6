"""Write the CRF workbook (empty, or filled with a study's data) from the codebook.

Everything here is derived from :mod:`her2desk.crf.codebook`: one sheet per
form with the fields' headers, drop-down lists of code labels, number and date
rules, header notes, a ``Codebook`` sheet and an ``Instructions`` sheet. A field
added to the codebook shows up in the template with no change here.

The workbook is streamed with openpyxl's write-only mode (3,000 patients write
in well under a second) and saved atomically (see :mod:`her2desk.crf.atomic`).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import os
from typing import Iterable, Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from . import codebook as cb
from .atomic import atomic_path

INSTRUCTIONS_SHEET = "Instructions"
CODEBOOK_SHEET = "Codebook"
LISTS_SHEET = "Lists"           # hidden; holds drop-down lists too long for a formula

#: Columns of the Codebook sheet.
CODEBOOK_COLUMNS = ("name", "form", "type", "label", "header", "unit", "required", "min", "max",
                    "codes", "synonyms", "description")

DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0"
NUMBER_FORMAT = "0.00"
#: Validations cover at least this many data rows (and 500 beyond the data).
MIN_VALIDATED_ROWS = 1000
EXTRA_VALIDATED_ROWS = 500
#: Excel refuses a literal list longer than this in a data-validation formula.
EXCEL_LIST_LIMIT = 255

YES_LABEL, NO_LABEL = "Yes", "No"

_HEADER_FONT = Font(bold=True, color="1F2937")
_REQUIRED_FONT = Font(bold=True, color="9C1C1C")
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="7F8FA6"))
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
_TITLE_FONT = Font(bold=True, size=14)

# Excel serial days of the date rule's bounds: 1 = 1900-01-01, 73050 = 2099-12-31.
_DATE_MIN_SERIAL = 1
_DATE_MAX_SERIAL = (_dt.date(2099, 12, 31) - _dt.date(1899, 12, 30)).days


def sheet_names() -> list[str]:
    """Sheets of the template in order (the hidden lists sheet last)."""
    return [*cb.FORMS.values(), INSTRUCTIONS_SHEET, CODEBOOK_SHEET, LISTS_SHEET]


def list_labels(fld: cb.Field) -> list[str]:
    """The drop-down entries of a coded or yes/no field (code labels)."""
    if fld.type == cb.YESNO:
        return [YES_LABEL, NO_LABEL]
    return [c.label for c in fld.codes]


def _fmt_bound(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _codes_text(fld: cb.Field) -> str:
    if fld.type == cb.YESNO:
        return "Yes; No"
    return "; ".join(f"{c.code} = {c.label}" for c in fld.codes)


def _note_text(fld: cb.Field) -> str:
    lines = [fld.description]
    if fld.unit:
        lines.append(f"Unit: {fld.unit}.")
    if fld.type == cb.DATE:
        lines.append("Enter a date (yyyy-mm-dd).")
    elif fld.type == cb.PERCENT:
        lines.append("Percent of cells, 0–100 (type 35 for 35 %).")
    if fld.type in (cb.CODE, cb.YESNO):
        lines.append("Choose: " + ", ".join(list_labels(fld)) + ".")
    lo, hi = _fmt_bound(fld.min), _fmt_bound(fld.max)
    if fld.type != cb.PERCENT and (lo or hi):
        lines.append(f"Allowed range: {lo or '…'} to {hi or '…'}.")
    lines.append("Required." if fld.required else "Leave blank if unknown.")
    return "\n".join(lines)


def _column_width(fld: cb.Field) -> float:
    longest = max([len(fld.header)] + [len(s) for s in list_labels(fld)])
    if fld.type == cb.DATE:
        longest = max(longest, 12)
    elif fld.type == cb.TEXT:
        longest = max(longest, 24)
    return float(min(max(longest + 2, 10), 40))


def _validation_rows(n_rows: int) -> int:
    """Last worksheet row covered by validations (header is row 1)."""
    return max(MIN_VALIDATED_ROWS, n_rows + EXTRA_VALIDATED_ROWS) + 1


class _Lists:
    """Drop-down lists too long for a literal formula, kept on the hidden sheet."""

    def __init__(self) -> None:
        self.columns: list[tuple[str, list[str]]] = []

    def formula(self, fld: cb.Field) -> str:
        labels = list_labels(fld)
        literal = ",".join(labels)
        if len(literal) + 2 <= EXCEL_LIST_LIMIT and not any(
                ("," in s or '"' in s) for s in labels):
            return f'"{literal}"'
        for idx, (name, existing) in enumerate(self.columns, 1):
            if existing == labels:
                break
        else:
            self.columns.append((fld.name, labels))
            idx = len(self.columns)
        col = get_column_letter(idx)
        return f"{quote_sheetname(LISTS_SHEET)}!${col}$2:${col}${len(labels) + 1}"


def _validation_for(fld: cb.Field, lists: _Lists) -> DataValidation | None:
    common = dict(allow_blank=True, showErrorMessage=True, showInputMessage=False,
                  errorStyle="stop")
    if fld.type in (cb.CODE, cb.YESNO):
        if not list_labels(fld):
            return None
        return DataValidation(type="list", formula1=lists.formula(fld), showDropDown=False,
                              errorTitle=fld.label or fld.name,
                              error="Choose a value from the list (leave blank if unknown).",
                              **common)
    if fld.type == cb.DATE:
        return DataValidation(type="date", operator="between",
                              formula1=str(_DATE_MIN_SERIAL), formula2=str(_DATE_MAX_SERIAL),
                              errorTitle=fld.label or fld.name,
                              error="Enter a date, e.g. 2016-03-25.", **common)
    if fld.type in (cb.INTEGER, cb.NUMBER, cb.PERCENT) and (fld.min is not None
                                                          or fld.max is not None):
        kind = "whole" if fld.type == cb.INTEGER else "decimal"
        lo, hi = _fmt_bound(fld.min), _fmt_bound(fld.max)
        if lo and hi:
            kw = dict(operator="between", formula1=lo, formula2=hi)
            text = f"between {lo} and {hi}"
        elif lo:
            kw = dict(operator="greaterThanOrEqual", formula1=lo)
            text = f"at least {lo}"
        else:
            kw = dict(operator="lessThanOrEqual", formula1=hi)
            text = f"at most {hi}"
        what = "a whole number" if kind == "whole" else "a number"
        return DataValidation(type=kind, errorTitle=fld.label or fld.name,
                              error=f"Enter {what} {text}.", **kw, **common)
    return None


# ---------------------------------------------------------------------------
# data rows: canonical typed values -> cell values, one column at a time


def _as_cells(fld: cb.Field, series: pd.Series | None, n: int) -> list:
    """Cell values of one column: labels for codes, Yes/No, dates, None for missing."""
    if series is None:
        return [None] * n
    s = series.reset_index(drop=True)
    missing = s.isna().to_numpy()
    if fld.type == cb.DATE:
        dt = pd.to_datetime(s, errors="coerce")
        missing = dt.isna().to_numpy()
        if len(dt) and bool(((dt != dt.dt.normalize()) & ~dt.isna()).any()):
            values = [ts.to_pydatetime() for ts in dt]      # keep times of day when present
        else:
            values = dt.dt.date.tolist()
        return [None if m else v for v, m in zip(values, missing)]
    if fld.type == cb.YESNO:
        def yn(v):
            if isinstance(v, str):
                return v
            return YES_LABEL if bool(v) else NO_LABEL
        return [None if m else yn(v) for v, m in zip(s.tolist(), missing)]
    if fld.type == cb.CODE:
        labels = fld.code_labels()
        return [None if m else labels.get(str(v), str(v)) for v, m in zip(s.tolist(), missing)]
    if fld.type in (cb.INTEGER, cb.NUMBER, cb.PERCENT):
        num = pd.to_numeric(s, errors="coerce")
        bad = num.isna().to_numpy() & ~missing      # text the caller left in: write as is
        out = []
        for v, raw, m, b in zip(num.tolist(), s.tolist(), missing, bad):
            if m:
                out.append(None)
            elif b:
                out.append(str(raw))
            elif fld.type == cb.INTEGER and float(v).is_integer():
                out.append(int(v))
            else:
                out.append(float(v))
        return out
    return [None if m else str(v) for v, m in zip(s.tolist(), missing)]


def _styled_cell(ws, value, number_format: str):
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


def _header_cells(ws, fields: Iterable[cb.Field]) -> list:
    cells = []
    for fld in fields:
        cell = WriteOnlyCell(ws, value=fld.header)
        cell.font = _REQUIRED_FONT if fld.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = _HEADER_ALIGN
        note = Comment(_note_text(fld), "her2desk")
        note.width, note.height = 300, 140
        cell.comment = note
        cells.append(cell)
    return cells


def _write_form(wb: Workbook, form: str, frame: pd.DataFrame | None, lists: _Lists) -> None:
    fields = cb.fields_of(form)
    ws = wb.create_sheet(cb.FORMS[form])
    n = 0 if frame is None else len(frame)
    last_row = _validation_rows(n)

    # Sheet-level settings must precede the rows in write-only mode.
    ws.freeze_panes = "B2"          # header row and the Patient ID column stay in view
    for idx, fld in enumerate(fields, 1):
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = _column_width(fld)
        dv = _validation_for(fld, lists)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{last_row}")
            ws.data_validations.append(dv)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(fields))}1"

    ws.append(_header_cells(ws, fields))
    if not n:
        return
    columns = [_as_cells(f, frame[f.name] if f.name in frame.columns else None, n)
               for f in fields]
    formats = []
    for fld in fields:
        formats.append(DATE_FORMAT if fld.type == cb.DATE else
                       PERCENT_FORMAT if fld.type == cb.PERCENT else None)
    styled = [i for i, f in enumerate(formats) if f]
    for row in zip(*columns):
        if styled:
            row = list(row)
            for i in styled:
                if row[i] is not None and not isinstance(row[i], str):
                    row[i] = _styled_cell(ws, row[i], formats[i])
        ws.append(row)


def _write_codebook(wb: Workbook) -> None:
    ws = wb.create_sheet(CODEBOOK_SHEET)
    widths = dict(name=28, form=14, type=9, label=28, header=30, unit=7, required=9, min=6,
                  max=6, codes=50, synonyms=50, description=70)
    for idx, col in enumerate(CODEBOOK_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(idx)].width = widths[col]
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(CODEBOOK_COLUMNS))}1"
    header = []
    for col in CODEBOOK_COLUMNS:
        cell = WriteOnlyCell(ws, value=col)
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _HEADER_BORDER
        header.append(cell)
    ws.append(header)
    for fld in cb.FIELDS:
        ws.append([fld.name, cb.FORMS.get(fld.form, fld.form), fld.type, fld.label or fld.name,
                   fld.header, fld.unit or None, "yes" if fld.required else "no",
                   fld.min, fld.max,
                   (_codes_text(fld) or None) if fld.type in (cb.CODE, cb.YESNO) else None,
                   "; ".join(fld.synonyms) or None, fld.description])


def instruction_lines() -> list[str]:
    forms = list(cb.FORMS.values())
    pid = cb.field("patient_id").header
    return [
        "How to fill in this CRF workbook",
        "",
        f"Sheets: {', '.join(forms)}. Each sheet is one case report form.",
        f"Every row is one patient, identified by '{pid}' in the first column. Use the same "
        f"{pid} on every sheet; it is what links the sheets together.",
        f"The {cb.FORMS['patients']} sheet must list every patient. The "
        + ", ".join(cb.FORMS[f] for f in cb.ONE_ROW_FORMS if f != "patients")
        + " sheets have at most one row per patient.",
        f"The {cb.FORMS['rebiopsy']} sheet may have several rows for one patient, one per biopsy "
        "of metastatic tissue, or none.",
        f"The {cb.FORMS['first_line']} sheet is only for patients with metastatic disease.",
        "",
        "Dates: enter real dates, e.g. 2016-03-25. Excel shows them as yyyy-mm-dd.",
        "Percentages (ER, PR, Ki-67): enter the percentage of stained cells as a number from "
        "0 to 100, e.g. 35 for 35 %. Do not enter 0.35.",
        "Coded columns (Sex, HER2 IHC, stages, Yes/No...): choose a value from the drop-down "
        "list in the cell. The Codebook sheet lists every allowed value.",
        "HER2 IHC 2+: also record the FISH HER2/CEP17 ratio; without it HER2 status is unknown.",
        "Unknown or not done: leave the cell blank. Blank always means unknown.",
        "Headers in dark red are required. Hover over a header to read what the column means.",
        "Do not rename, reorder or delete the header row; extra columns to the right are ignored.",
    ]


def _write_instructions(wb: Workbook) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET)
    ws.column_dimensions["A"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, line in enumerate(instruction_lines()):
        cell = WriteOnlyCell(ws, value=line or None)
        if i == 0:
            cell.font = _TITLE_FONT
        else:
            cell.alignment = wrap
        ws.append([cell])


def _write_lists(wb: Workbook, lists: _Lists) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    columns = lists.columns
    if not columns:
        ws.append(["(drop-down lists)"])
        return
    ws.append([name for name, _ in columns])
    depth = max(len(labels) for _, labels in columns)
    for r in range(depth):
        ws.append([labels[r] if r < len(labels) else None for _, labels in columns])


def build_workbook(forms: Mapping[str, pd.DataFrame] | None = None) -> Workbook:
    """The template as an unsaved write-only workbook (save it once)."""
    forms = forms or {}
    unknown = set(forms) - set(cb.FORMS)
    if unknown:
        raise ValueError(f"Unknown form(s): {', '.join(sorted(unknown))}. "
                         f"Known forms: {', '.join(cb.FORMS)}.")
    wb = Workbook(write_only=True)
    lists = _Lists()
    for form in cb.FORMS:
        _write_form(wb, form, forms.get(form), lists)
    _write_instructions(wb)
    _write_codebook(wb)
    _write_lists(wb, lists)       # last: filled while the forms were written
    return wb


def save_write_only(wb: Workbook, path) -> None:
    """Save a write-only workbook; on failure close its row streams quietly.

    (Otherwise each unfinished sheet complains on stderr when garbage-collected.)
    """
    try:
        wb.save(path)
    except BaseException:
        for ws in wb.worksheets:
            rows = getattr(ws, "_rows", None)
            if rows is not None:
                with contextlib.suppress(Exception):
                    rows.close()
        raise


def write_crf_workbook(path: str | os.PathLike,
                       forms: Mapping[str, pd.DataFrame] | None = None) -> None:
    """Write the CRF workbook to ``path`` (atomically), empty or with data rows.

    ``forms`` maps form names (keys of ``codebook.FORMS``) to tables of canonical
    typed values as in ``CRFData.forms``: codes are written as their labels,
    yes/no as Yes/No, dates as Excel dates, missing values as empty cells.
    Columns not in the codebook (``_sheet``, ``_row``...) are ignored; a form
    not given gets only its header row.

    Raises :class:`her2desk.crf.atomic.AtomicWriteError` (an ``OSError``) when
    the file cannot be written, e.g. when it is open in Excel.
    """
    with atomic_path(path) as tmp:      # checks the folder before any work is done
        save_write_only(build_workbook(forms), tmp)
