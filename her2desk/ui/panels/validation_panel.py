"""Validation tab: every finding, filterable by severity and sheet."""
from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from .base import ALL, FilterableTable, Panel

_SEVERITY_CHOICES = {"All findings": None, "Errors only": {"error"}, "Warnings only": {"warning"}}
_LABELS = {"severity": "Severity", "patient_id": "Patient", "sheet": "Sheet", "row": "Row",
           "column": "Column", "value": "Value", "message": "What to check", "field": "Field",
           "rule": "Check"}


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
        self.severity.addItems(list(_SEVERITY_CHOICES))
        self.severity.setAccessibleName("Show severity")
        self.severity.currentTextChanged.connect(self._severity_changed)
        self.table = FilterableTable(filter_column="sheet", filter_label="Sheet:")
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(QLabel("Show:"))
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
            self.summary.setText("No problems found in the CRF.")
        else:
            self.summary.setText(
                f"<b style='color:#b00020'>{n_err} error{'s' * (n_err != 1)}</b> must be fixed; "
                f"<b style='color:#8a5a00'>{n_warn} warning{'s' * (n_warn != 1)}</b> to check. "
                "Hover a row for details.")
        issues = {}
        for label, sev, msg in zip(frame.index, frame.get("severity", []), frame.get("message", [])):
            for column in ("severity", "message"):
                issues[(label, column)] = (sev, msg)
        self.table.set_frame(frame, issues=issues, column_labels=_LABELS)
        # The message is what the coordinator reads: last, stretched; machine names hidden
        # (they stay in the exported table).
        header = self.table.view.horizontalHeader()
        columns = list(frame.columns)
        for name in ("field", "rule"):
            if name in columns:
                self.table.view.setColumnHidden(columns.index(name), True)
        if "message" in columns:
            header.moveSection(header.visualIndex(columns.index("message")), len(columns) - 1)
        self._severity_changed(self.severity.currentText())

    def _severity_changed(self, text: str) -> None:
        wanted = _SEVERITY_CHOICES.get(text)
        self.table.proxy.set_column_filter("severity", None if wanted is None else wanted)
        self.table._update_count()

    def export_frame(self) -> pd.DataFrame | None:
        return self.table.visible_frame() if self.results is not None else None


__all__ = ["ValidationPanel", "ALL"]
