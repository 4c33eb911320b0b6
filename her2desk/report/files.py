"""Atomic writers for the report's files: a half-written file never replaces a good one."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl import Workbook          # imported where used: not before the first paint

    from .shown_table import ShownTable

from ..crf.atomic import atomic_write
from ..crf.escape import needs_escaping, neutralise_workbook, safe_cell, safe_value


def json_text(payload: Any) -> str:
    """The JSON text her2desk writes (indented, UTF-8, no NaN)."""
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(path: Path, payload: Any) -> Path:
    text = json_text(payload)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def write_workbook(path: Path, workbook: Workbook) -> Path:
    """Save ``workbook`` atomically, every text cell neutralised (:mod:`her2desk.crf.escape`)."""
    neutralise_workbook(workbook)
    return atomic_write(path, lambda tmp: workbook.save(tmp))


def write_docx(path: Path, document) -> Path:
    """A python-docx ``Document``, saved whole or not at all."""
    return atomic_write(path, lambda tmp: document.save(tmp))


def write_bytes(path: Path, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def write_shown_table(path: Path, table: "ShownTable") -> Path:
    """A page's results table as .xlsx through report.xlsx's walker: title, two-row header, one
    column per number with its number format (P shown "<0.001"), footnotes, on a sheet named
    after the table; atomically, every text cell neutralised."""
    from .excel_report import write_table_sheet
    from .shown_table import to_report_table

    from openpyxl import Workbook
    wb = Workbook()
    wb.remove(wb.active)
    report_table = to_report_table(table)
    write_table_sheet(wb, report_table, sheet_name=report_table.key)
    return write_workbook(Path(path), wb)


def write_table(path: Path, frame: "pd.DataFrame", sheet_name: str = "Table") -> Path:
    """A table as .csv (UTF-8 with BOM, for Excel) or .xlsx, atomically, every cell escaped.

    The window's table exports come here: a CRF value such as ``=HYPERLINK(…)`` or
    ``+cmd|…`` is written as text (a leading ``'`` in CSV, Excel's quote prefix in
    .xlsx) and control characters are shown as ``\\x1b``, so opening the export never
    runs anything.
    """
    import pandas as pd

    path = Path(path)
    if path.suffix.casefold() == ".csv":
        safe = frame.copy()
        safe.columns = [safe_value(str(c)) for c in safe.columns]
        for col in safe.columns:
            if safe[col].dtype == object:
                safe[col] = safe[col].map(safe_value)
        return atomic_write(path, lambda tmp: safe.to_csv(tmp, index=False, encoding="utf-8-sig"))

    def cell_value(ws, v):
        if isinstance(v, str):
            return safe_cell(ws, v) if needs_escaping(v) else v
        if isinstance(v, (bool, int, float)):
            return None if isinstance(v, float) and v != v else v
        try:
            if pd.isna(v):
                return None
        except (TypeError, ValueError):
            pass
        if isinstance(v, pd.Timestamp):
            return v.to_pydatetime()
        if hasattr(v, "item"):
            try:
                return cell_value(ws, v.item())
            except (ValueError, AttributeError):
                pass
        if isinstance(v, (dt.date, dt.datetime, dt.time)):
            return v
        return safe_cell(ws, str(v))

    def build(tmp: Path) -> None:
        from openpyxl import Workbook

        from ..crf.template import save_write_only

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet_name)
        ws.append([safe_cell(ws, str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            ws.append([cell_value(ws, v) for v in row])
        save_write_only(wb, tmp)

    return atomic_write(path, build)
