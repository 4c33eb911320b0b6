"""A titled manuscript table with footnotes, "Copy as tab-separated text" and "explain this number".

Shared by the Baseline and First-line panels: the panel builds
:class:`~her2desk.ui.models.report_table_model.ReportRow` s from an analysis
result and hands them over; double-clicking a count asks the panel (through
``patients_requested``) to open the patient list.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..language import shown
from ..models.report_table_model import HasPatientsRole, ReportRow, ReportTableModel

if TYPE_CHECKING:
    from ...report.shown_table import ShownTable


class ReportTableView(QTableView):
    """A table view whose Ctrl+C copies the whole table (see :meth:`ReportTable.copy`)."""

    copy_requested = Signal()

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ReportTable(QWidget):
    """Title, table, footnotes and a copy button; ``patients_requested(what, ids, extra_columns)``."""

    patients_requested = Signal(str, list, tuple)
    copied = Signal(str)

    def __init__(self, name: str = "Table", parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(name)
        self.title = ""
        self.subtitle = ""
        self.notes: list[str] = []
        self.model = ReportTableModel(self)
        self._natural: list[int] = []
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle_label = QLabel()
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setStyleSheet("color: #333;")
        self.subtitle_label.hide()
        self.view = ReportTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(name)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setStyleSheet("QHeaderView::section { font-weight: bold; padding: 4px 10px; }")
        self.view.setStyleSheet("QTableView { gridline-color: #ddd; }"
                                " QTableView::item { padding: 0px 10px; }")
        self.view.doubleClicked.connect(self.request_patients)
        self.view.copy_requested.connect(self.copy)
        self.view.viewport().installEventFilter(self)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes_label.setStyleSheet("color: #444; font-size: 9pt;")
        self.notes_label.setAccessibleName("Footnotes")
        self.copy_button = QPushButton(self.tr("Copy as tab-separated text"))
        self.copy_button.setToolTip(self.tr("Copy the whole table (Ctrl+C) to paste into Excel or Word"))
        self.copy_button.clicked.connect(self.copy)
        self.hint_label = QLabel(self.tr("Double-click a number to see the patients behind it."))
        self.hint_label.setStyleSheet("color: #555;")
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.hint_label, 1)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.notes_label)
        layout.addLayout(bar)
        # Short tables end where their rows end, footnotes right under them; the rest is blank.
        layout.addStretch(0)

    # -- contents ------------------------------------------------------------------
    def set_table(self, title: str, headers: Sequence[str], rows: Sequence[ReportRow], *,
                  notes: Sequence[str] = (), subtitle: str = "",
                  header_tooltips: Sequence[str] | None = None) -> None:
        self.title = title
        self.subtitle = subtitle
        self.notes = [n for n in notes if n]
        self.title_label.setVisible(bool(title))
        self.subtitle_label.setVisible(bool(subtitle))
        self.model.set_rows(headers, rows, header_tooltips)
        self._show_texts()
        self.notes_label.setVisible(bool(self.notes))
        self._size_columns()

    def _size_columns(self) -> None:
        self.view.resizeColumnsToContents()
        # Room for the padding the style sheet adds, so "n (%)" never elides.
        self._natural = [min(self.view.columnWidth(c) + 24, 520) for c in range(self.model.columnCount())]
        self.fit_columns()
        self.view.setMaximumHeight(self.content_height())
        # The frame hugs the columns instead of trailing an empty grey header.
        self.view.setMaximumWidth(sum(self._natural) + 2 * self.view.frameWidth()
                                  + self.view.verticalScrollBar().sizeHint().width() + 2)

    def _show_texts(self) -> None:
        """Title, subtitle and footnotes in the window's language (kept in English)."""
        self.title_label.setText(shown(self.title))
        self.subtitle_label.setText(shown(self.subtitle))
        self.notes_label.setText("\n".join(shown(n) for n in self.notes))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange:
            self._show_texts()
            self.model.retranslate()
            self._size_columns()
        super().changeEvent(event)

    def content_height(self) -> int:
        """Height showing every row (plus a horizontal scroll bar's worth of slack)."""
        view = self.view
        rows = sum(view.rowHeight(r) for r in range(self.model.rowCount()))
        return (rows + view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
                + view.horizontalScrollBar().sizeHint().height() + 2)

    def fit_columns(self) -> None:
        """Natural widths; when the window is too narrow the label column gives way first,
        so the counts and the P column stay in sight (the full label is in its tooltip)."""
        widths = list(getattr(self, "_natural", []))
        if not widths:
            return
        available = self.view.viewport().width()
        if sum(widths) > available > 0:
            widths[0] = max(160, available - sum(widths[1:]))
        for c, w in enumerate(widths):
            self.view.setColumnWidth(c, w)

    def eventFilter(self, obj, event) -> bool:
        # The viewport's own resize, not this widget's: a table on a hidden tab gets its
        # final width only when the tab is first shown.
        if obj is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(obj, event)

    def clear(self) -> None:
        self.set_table("", [], [])

    # -- copy / export -------------------------------------------------------------
    def tsv(self) -> str:
        return self.model.to_tsv(shown(self.title), [shown(n) for n in self.notes])

    def shown_table(self) -> "ShownTable":
        """Title, rows (indent and emphasis kept, the number behind each cell) and footnotes."""
        from ...report.shown_table import ShownRow, ShownTable

        headers = self.model.headers()
        rows = []
        for r, row in enumerate(self.model.rows()):
            cells = [self.model.cell_at(r, c) for c in range(len(headers))]
            rows.append(ShownRow(tuple(shown(c.text) for c in cells), tuple(c.raw for c in cells),
                                 indent=row.indent, bold=row.bold))
        return ShownTable(shown(self.title), tuple(headers), tuple(rows),
                          tuple(shown(n) for n in self.notes))

    def copy(self) -> None:
        """The whole table on the clipboard as HTML (Word pastes a table) and as TSV."""
        from ..clipboard import copy_table

        copy_table(self.shown_table())
        self.copied.emit(self.title)

    def export_frame(self) -> pd.DataFrame | None:
        headers = self.model.headers()
        if not headers:
            return None
        rows = [[self.model.display_text(r, c) for c in range(len(headers))]
                for r in range(self.model.rowCount())]
        return pd.DataFrame(rows, columns=_unique(headers))

    # -- explain a number ------------------------------------------------------------
    def request_patients(self, index: QModelIndex) -> bool:
        """Emit ``patients_requested`` for a count cell; False for other cells."""
        if not index.isValid() or not index.data(HasPatientsRole):
            return False
        item = self.model.cell_at(index.row(), index.column())
        ids = self.model.patients(index.row(), index.column()) or []
        self.patients_requested.emit(item.what, ids, tuple(item.extra_columns))
        return True


def _unique(headers: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        n = seen.get(h, 0)
        out.append(h if n == 0 else f"{h} ({n + 1})")
        seen[h] = n + 1
    return out
