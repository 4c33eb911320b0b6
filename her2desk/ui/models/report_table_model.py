"""A manuscript-style table: bold variable rows, indented level rows, fixed order.

Panels turn an analysis result (a ``BaselineTable``, a ``CountTable``...) into
:class:`ReportRow` s of already formatted text; this model only shows them. A
cell that is a count carries the patients behind it (a tuple of IDs, or a
callable asked only when the user double-clicks), so any number can be explained.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ..language import shown

PatientSource = Callable[[], Sequence[str]] | Sequence[str]

#: The raw value behind a cell (a float P, an int count...).
RawRole = Qt.ItemDataRole.UserRole
#: True when the cell can list the patients behind it.
HasPatientsRole = Qt.ItemDataRole.UserRole + 2

INDENT = "    "
HEADER_ROW_BACKGROUND = QColor("#eef3f8")


@dataclass
class ReportCell:
    text: str = ""
    tooltip: str = ""
    raw: Any = None
    patients: PatientSource | None = None   # None: not a count of patients
    what: str = ""                          # "HR+/HER2+, Ki-67 >30%": what the count is
    extra_columns: tuple[str, ...] = ()      # cohort columns worth showing in the list


@dataclass
class ReportRow:
    cells: list[ReportCell]
    bold: bool = False
    indent: int = 0
    shaded: bool = False
    key: Any = None                          # what the row stands for (variable, level)
    data: dict = field(default_factory=dict)


def cell(text: str = "", **kwargs) -> ReportCell:
    return ReportCell(text, **kwargs)


class ReportTableModel(QAbstractTableModel):
    """Read-only rows of :class:`ReportCell`; column 0 is the row label."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._headers: list[str] = []
        self._header_tips: list[str] = []
        self._rows: list[ReportRow] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, headers: Sequence[str], rows: Sequence[ReportRow],
                 header_tooltips: Sequence[str] | None = None) -> None:
        self.beginResetModel()
        self._headers = list(headers)
        self._header_tips = list(header_tooltips or [""] * len(self._headers))
        self._rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], [])

    # -- our API -------------------------------------------------------------------
    def headers(self) -> list[str]:
        """The column headers as shown (in the window's language)."""
        return [shown(h) for h in self._headers]

    def retranslate(self) -> None:
        """The language changed: every cell and header is asked for again."""
        if self._rows and self._headers:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._headers) - 1))
        if self._headers:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)

    def row(self, r: int) -> ReportRow:
        return self._rows[r]

    def rows(self) -> list[ReportRow]:
        return list(self._rows)

    def cell_at(self, r: int, c: int) -> ReportCell:
        cells = self._rows[r].cells
        return cells[c] if c < len(cells) else ReportCell()

    def display_text(self, r: int, c: int) -> str:
        text = shown(self.cell_at(r, c).text)
        return INDENT * self._rows[r].indent + text if c == 0 else text

    def find_row(self, predicate: Callable[[ReportRow], bool]) -> int:
        """Index of the first row for which ``predicate`` holds (-1: none)."""
        return next((i for i, row in enumerate(self._rows) if predicate(row)), -1)

    def to_tsv(self, title: str = "", notes: Sequence[str] = ()) -> str:
        """Tab-separated text as shown (indents kept as spaces); pastes into Excel or Word."""
        lines = [title] if title else []
        lines.append("\t".join(self.headers()))
        for r in range(len(self._rows)):
            lines.append("\t".join(_clean(self.display_text(r, c)) for c in range(len(self._headers))))
        lines.extend(n for n in notes if n)
        return "\n".join(lines) + "\n"

    def to_html(self, title: str = "", notes: Sequence[str] = ()) -> str:
        """The same table as HTML, so Word and Excel paste a real table with bold rows."""
        out = ["<html><body>"]
        if title:
            out.append(f"<p><b>{html.escape(title)}</b></p>")
        out.append('<table border="1" cellspacing="0" cellpadding="3" '
                   'style="border-collapse:collapse;font-family:Arial,sans-serif;font-size:10pt">')
        out.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in self.headers()) + "</tr>")
        for r, row in enumerate(self._rows):
            tds = []
            for c in range(len(self._headers)):
                text = html.escape(shown(self.cell_at(r, c).text))
                style = "text-align:left" if c == 0 else "text-align:center"
                if c == 0 and row.indent:
                    style += f";padding-left:{12 * row.indent + 3}pt"
                if row.bold and c == 0:
                    text = f"<b>{text}</b>"
                tds.append(f'<td style="{style}">{text}</td>')
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</table>")
        out.extend(f"<p style=\"font-size:9pt\">{html.escape(n)}</p>" for n in notes if n)
        out.append("</body></html>")
        return "".join(out)

    def patients(self, r: int, c: int) -> list[str] | None:
        source = self.cell_at(r, c).patients
        if source is None:
            return None
        return [str(p) for p in (source() if callable(source) else source)]

    # -- Qt ------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self._headers)):
            return None
        r, c = index.row(), index.column()
        row, item = self._rows[r], self.cell_at(r, c)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_text(r, c)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = shown(item.tooltip)
            if item.patients is not None:
                hint = QCoreApplication.translate("ReportTableModel",
                                                  "Double-click to list the patients behind this number.")
                tip = f"{tip}\n{hint}" if tip else hint
            if not tip and c == 0:
                tip = shown(item.text)   # the label column may be narrowed to fit the window
            return tip or None
        if role == Qt.ItemDataRole.FontRole:
            # Only the label is bold: bold numbers would read as "significant".
            return self._bold if row.bold and c == 0 else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignHCenter
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(HEADER_ROW_BACKGROUND) if row.shaded else None
        if role == RawRole:
            return item.raw
        if role == HasPatientsRole:
            return item.patients is not None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.display_text(r, c).strip() or "blank"
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self._headers)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            # Two lines on screen keeps the count columns narrow; copies keep one line.
            return shown(self._headers[section]).replace(" (n = ", "\n(n = ").replace("（n = ", "\n（n = ")
        if role == Qt.ItemDataRole.ToolTipRole:
            return shown(self._header_tips[section]) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignLeft if section == 0 else Qt.AlignmentFlag.AlignHCenter
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None


def _clean(text: str) -> str:
    """No tab or newline inside a cell, or the pasted table would shift."""
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
