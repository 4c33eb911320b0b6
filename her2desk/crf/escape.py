"""Make text safe to show or to write: no live formulas, no raw control characters.

Why: CRF cells are written back out (findings.xlsx, table exports, report.xlsx and
its Settings sheet, CSV files, the terminal). A text cell such as ``=HYPERLINK(…)``,
``+cmd|…`` or ``@SUM(1)`` would become a live formula in Excel; ``"\\t=1+1"``
too once the tab is stripped; an ESC or BEL in an ID would drive the terminal.
Every writer of her2desk passes its text through this one module:

* :func:`printable` - for the terminal and messages: every control character
  (C0, DEL, C1, bidi overrides) shown as ``\\x1b`` / ``\\u202e``;
* :func:`safe_text` - for CSV cells: controls shown the same way (line breaks
  kept), and a leading apostrophe before text Excel would take as a formula;
* :func:`xlsx_value` before a value goes into an openpyxl cell (openpyxl refuses
  some control characters outright), then :func:`neutralise_cell` /
  :func:`neutralise_workbook` (or :func:`safe_cell` for write-only sheets):
  formula-looking text stored as text with Excel's quote prefix (shown without an
  apostrophe, never evaluated).
"""
from __future__ import annotations

import re
from typing import Any

__all__ = ["printable", "safe_text", "formula_like", "neutralise_cell", "neutralise_workbook",
           "safe_value", "xlsx_value", "safe_cell", "needs_escaping"]

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_CONTROL_KEEP_NL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``text`` with every control character shown as an escape (for terminals and messages)."""
    return _CONTROL.sub(_escape, str(text))


def formula_like(text: str) -> bool:
    """True when Excel (or LibreOffice) would evaluate ``text`` typed into a cell."""
    s = text.lstrip(" ")
    return bool(s) and s.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(s)


def safe_text(text: str) -> str:
    """A CSV cell: controls escaped (line breaks kept), formula-looking text after a ``'``."""
    out = _CONTROL_KEEP_NL.sub(_escape, text)
    return "'" + out if formula_like(text) or formula_like(out) else out


def needs_escaping(text: str) -> bool:
    """Whether :func:`safe_text` would change ``text`` (a quick test for bulk writers)."""
    return formula_like(text) or _CONTROL_KEEP_NL.search(text) is not None


def safe_value(value: Any) -> Any:
    """:func:`safe_text` for strings; other values unchanged (for CSV/DataFrame exports)."""
    return safe_text(value) if isinstance(value, str) else value


def xlsx_value(value: Any) -> Any:
    """A value ready for an openpyxl cell: strings with controls escaped (line breaks kept)."""
    return _CONTROL_KEEP_NL.sub(_escape, value) if isinstance(value, str) else value


def safe_cell(ws: Any, value: Any) -> Any:
    """A write-only cell holding ``value`` safely (see :func:`neutralise_cell`)."""
    from openpyxl.cell import WriteOnlyCell

    return neutralise_cell(WriteOnlyCell(ws, value=xlsx_value(value)), original=value)


def neutralise_cell(cell: Any, original: Any = None) -> Any:
    """Make one openpyxl cell safe in place: escaped text, formulas turned into quoted text."""
    value = cell.value
    if not isinstance(value, str):
        return cell
    clean = _CONTROL_KEEP_NL.sub(_escape, value)
    risky = formula_like(value) or formula_like(clean) or cell.data_type == "f" or \
        (isinstance(original, str) and formula_like(original))
    if clean != value or risky:
        cell.value = clean
    if risky:
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def neutralise_workbook(workbook: Any) -> Any:
    """:func:`neutralise_cell` on every cell of a (normal, not write-only) openpyxl workbook."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    neutralise_cell(cell)
    return workbook
