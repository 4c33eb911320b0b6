"""Validation tab: every finding, filterable by severity and sheet."""
from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from ...i18n import N_
from .base import ALL, FilterableTable, Panel

_SEVERITY_CHOICES = {QT_TRANSLATE_NOOP("ValidationPanel", "All findings"): None,
                     QT_TRANSLATE_NOOP("ValidationPanel", "Errors only"): {"error"},
                     QT_TRANSLATE_NOOP("ValidationPanel", "Warnings only"): {"warning"}}
#: Column headers, shown in the window's language through the Qt-free catalogue (the
#: findings workbook of ``validate --out`` uses the same words).
_LABELS = {"severity": N_("Severity"), "patient_id": N_("Patient"), "sheet": N_("Sheet"), "row": N_("Row"),
           "column": N_("Column"), "value": N_("Value"), "message": N_("What to check"), "field": N_("Field"),
           "rule": N_("Check")}


class ValidationPanel(Panel):
    """``set_results(report)``: a ``ValidationReport`` (``.to_frame()`` with columns
    severity, patient_id, sheet, row, column, value, message, field, rule) or that frame."""

    title = "Validation"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setAccessibleName("Validation summary")
        self.summary.setStyleSheet("font-size: 11pt; padding: 4px;")
        self.severity = QComboBox()
        for text, wanted in _SEVERITY_CHOICES.items():
            self.severity.addItem(QCoreApplication.translate("ValidationPanel", text), wanted)
        self.severity.setAccessibleName("Show severity")
        self.severity.currentIndexChanged.connect(self._severity_changed)
        self.table = FilterableTable(filter_column="sheet", filter_label=N_("Sheet:"))
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel(self.tr("Show:")))
        top.addWidget(self.severity)
        layout = QVBoxLayout(self.contents)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.frame = pd.DataFrame()

    def set_results(self, report: Any) -> None:
        super().set_results(report)
        if report is None:
            return
        frame = report if isinstance(report, pd.DataFrame) else report.to_frame()
        self.frame = frame
        n_err = int((frame["severity"] == "error").sum()) if len(frame) else 0
        n_warn = int((frame["severity"] == "warning").sum()) if len(frame) else 0
        if not len(frame):
            self.summary.setText(self.tr("No problems found in the CRF."))
        else:
            errors = (self.tr("{0} error") if n_err == 1 else self.tr("{0} errors")).format(n_err)
            warnings = (self.tr("{0} warning") if n_warn == 1 else self.tr("{0} warnings")).format(n_warn)
            self.summary.setText(self.tr("<b style='color:#b00020'>{0}</b> must be fixed; "
                                         "<b style='color:#8a5a00'>{1}</b> to check. "
                                         "Hover a row for details.").format(errors, warnings))
        issues = {}
        for label, sev, msg in zip(frame.index, frame.get("severity", []), frame.get("message", [])):
            for column in ("severity", "message"):
                issues[(label, column)] = (sev, msg)
        self.table.set_frame(frame, issues=issues, column_labels=_LABELS,
                             translated_columns=("severity", "message"))
        # The message is what the coordinator reads: last, stretched; machine names hidden
        # (they stay in the exported table).
        header = self.table.view.horizontalHeader()
        columns = list(frame.columns)
        for name in ("field", "rule"):
            if name in columns:
                self.table.view.setColumnHidden(columns.index(name), True)
        if "message" in columns:
            header.moveSection(header.visualIndex(columns.index("message")), len(columns) - 1)
        self._severity_changed()

    def retranslate(self) -> None:
        """Qt retranslates the labels; the combo's items and the summary are said again here
        (the table's headers and messages follow the language on their own)."""
        for i, text in enumerate(_SEVERITY_CHOICES):
            self.severity.setItemText(i, QCoreApplication.translate("ValidationPanel", text))
        if self.results is not None:
            self.set_results(self.results)
        else:
            super().retranslate()

    def _severity_changed(self, _index: int = 0) -> None:
        wanted = self.severity.currentData()
        self.table.proxy.set_column_filter("severity", None if wanted is None else wanted)
        self.table._update_count()

    def export_frame(self) -> pd.DataFrame | None:
        return self.table.visible_frame() if self.results is not None else None


__all__ = ["ValidationPanel", "ALL"]
