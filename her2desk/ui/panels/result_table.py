"""A small read-only results table (survival summary, Cox terms, pCR rates).

These tables are a handful of rows of formatted numbers, each cell possibly with
a tooltip (the test used), emphasis (a failed check) and the patients behind it.
A QStandardItemModel holds that directly; the big DataFrame model is for data.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..language import shown

if TYPE_CHECKING:
    from ...report.shown_table import ShownTable

PatientsRole = Qt.ItemDataRole.UserRole + 10
RawRole = Qt.ItemDataRole.UserRole

WARN_BG = QColor("#fff4d6")
MUTED = QColor("#666666")


@dataclass
class Cell:
    """One table cell: shown text plus optional tooltip, raw value and patients behind it.

    ``patients`` may be a callable returning the IDs: listing them can mean a pass
    over the cohort, which is worth doing only when the user double-clicks.
    """

    text: str
    tooltip: str = ""
    raw: Any = None
    patients: Sequence[str] | Callable[[], Sequence[str]] | None = None
    bold: bool = False
    warn: bool = False
    muted: bool = False


def cell(value: Any) -> Cell:
    return value if isinstance(value, Cell) else Cell("" if value is None else str(value), raw=value)


class ResultTable(QTableView):
    """Rows of :class:`Cell`; double-clicking a cell with patients emits ``patients_requested``."""

    patients_requested = Signal(str, object)   # title, tuple of patient IDs

    def __init__(self, parent: QWidget | None = None, *, name: str = "Results table"):
        super().__init__(parent)
        self.setAccessibleName(name)
        self.table_model = QStandardItemModel(self)
        self.setModel(self.table_model)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.doubleClicked.connect(self._double_clicked)
        self.headers: list[str] = []
        self.rows: list[list[Cell]] = []

    def set_rows(self, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                 header_tips: dict[str, str] | None = None) -> None:
        self.headers = list(headers)
        self.rows = [[cell(v) for v in row] for row in rows]
        self._header_tips = header_tips
        m = self.table_model
        m.clear()
        m.setColumnCount(len(self.headers))
        m.setHorizontalHeaderLabels([shown(h) for h in self.headers])
        for c, h in enumerate(self.headers):
            if header_tips and h in header_tips:
                m.horizontalHeaderItem(c).setToolTip(shown(header_tips[h]))
        for r in self.rows:
            items = []
            for c in r:
                item = QStandardItem(shown(c.text))
                item.setEditable(False)
                item.setData(c.raw, RawRole)
                tip = shown(c.tooltip)
                if c.patients:
                    item.setData(True, PatientsRole)
                    tip = (tip + "\n" if tip else "") + self.tr("Double-click to list these patients.")
                if tip:
                    item.setToolTip(tip)
                if c.bold:
                    f = QFont()
                    f.setBold(True)
                    item.setFont(f)
                if c.warn:
                    item.setBackground(QBrush(WARN_BG))
                if c.muted:
                    item.setForeground(QBrush(MUTED))
                items.append(item)
            m.appendRow(items)
        self.resizeColumnsToContents()
        for c in range(m.columnCount()):
            self.setColumnWidth(c, min(self.columnWidth(c) + 10, 340))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange and self.headers:
            self.set_rows(self.headers, self.rows, getattr(self, "_header_tips", None))
        super().changeEvent(event)

    def text(self, row: int, column: int | str) -> str:
        col = self.headers.index(column) if isinstance(column, str) else column
        return self.table_model.item(row, col).text()

    def column_texts(self, column: int | str) -> list[str]:
        return [self.text(r, column) for r in range(self.table_model.rowCount())]

    def shown_table(self, title: str = "", notes: Sequence[str] = ()) -> "ShownTable":
        """The table as shown, with the number behind each cell (for Ctrl+E, Copy and Print)."""
        from ...report.shown_table import ShownRow, ShownTable

        rows = tuple(ShownRow(tuple(c.text for c in r), tuple(c.raw for c in r),
                              bold=bool(r and r[0].bold)) for r in self.rows)
        return ShownTable(title, tuple(self.headers), rows, tuple(n for n in notes if n))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([[c.text for c in r] for r in self.rows], columns=self.headers)

    def request_patients(self, row: int, column: int | str) -> bool:
        """What a double-click does, callable from tests and keyboard handlers."""
        col = self.headers.index(column) if isinstance(column, str) else column
        return self._double_clicked(self.table_model.index(row, col))

    def patients_at(self, row: int, column: int) -> tuple[str, ...]:
        """The patients behind one cell (listed now if the cell holds a callable)."""
        if not (0 <= row < len(self.rows) and 0 <= column < len(self.rows[row])):
            return ()
        ids = self.rows[row][column].patients
        if callable(ids):
            ids = ids()
        return tuple(ids or ())

    def _double_clicked(self, index: QModelIndex) -> bool:
        if not index.data(PatientsRole):
            return False
        ids = self.patients_at(index.row(), index.column())
        if not ids:
            return False
        row_label = self.table_model.index(index.row(), 0).data()
        header = self.headers[index.column()] if index.column() < len(self.headers) else ""
        self.patients_requested.emit(f"{row_label} — {header}", tuple(ids))
        return True


class SimplePatientListDialog(QDialog):
    """Fallback list of patient IDs (the shared patient-list dialog replaces it when present)."""

    def __init__(self, title: str, ids: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Patients: {0}").format(title))
        self.resize(360, 460)
        self.ids = list(ids)
        label = QLabel(self.tr("{0} patient{1} behind “{2}”").format(len(self.ids), 's' * (len(self.ids) != 1), title))
        label.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Patient IDs")
        self.list.addItems(self.ids)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)


def show_patients(parent: QWidget, title: str, ids: Sequence[str], cohort: pd.DataFrame | None = None,
                  **kwargs: Any) -> QDialog:
    """Open the patients behind a number: the shared patient-list dialog, or a plain list."""
    try:
        from ..dialogs.patient_list import show_patient_list
    except ImportError:  # an installation without the shared dialog still lists the IDs
        dialog = SimplePatientListDialog(title, ids, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
    return show_patient_list(parent, title, list(ids), cohort, **kwargs)
