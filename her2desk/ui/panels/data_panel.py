"""Data tab: the imported CRF forms as tables, with problem cells tinted."""
from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from .base import FilterableTable, Panel


def issues_for_form(frame: pd.DataFrame, findings: Any) -> dict:
    """Findings -> {(index label, column): (severity, message)} for one form's table.

    A finding names a sheet and Excel row; the form table remembers both in
    ``_sheet``/``_row``, so the finding lands on the cell the coordinator typed.
    """
    if frame.empty or "_sheet" not in frame.columns or "_row" not in frame.columns:
        return {}
    where = {(str(s), int(r)): label for label, s, r in
             zip(frame.index, frame["_sheet"], frame["_row"]) if pd.notna(r)}
    issues: dict = {}
    for f in findings or ():
        if f.row is None:
            continue
        label = where.get((str(f.sheet), int(f.row)))
        if label is None:
            continue
        column = f.field if f.field in frame.columns else "patient_id"
        key = (label, column)
        if key in issues and issues[key][0] == "error" and f.severity != "error":
            continue
        issues[key] = (f.severity, f.message)
    return issues


class DataPanel(Panel):
    """``set_results(loaded)``: anything with ``crf.forms`` (dict of DataFrames) and
    ``validation.findings`` (e.g. ``cohort.loading.LoadedStudy``)."""

    title = "Data"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form_choice = QComboBox()
        self.form_choice.setAccessibleName("Form shown")
        self.form_choice.currentIndexChanged.connect(self._show_form)
        self.source_label = QLabel()
        self.source_label.setStyleSheet("color: #555;")
        self.table = FilterableTable()
        top = QHBoxLayout()
        top.addWidget(QLabel("Form:"))
        top.addWidget(self.form_choice)
        top.addStretch(1)
        top.addWidget(self.source_label)
        layout = QVBoxLayout(self.contents)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._forms: dict[str, pd.DataFrame] = {}
        self._findings: tuple = ()
        self._tooltips: dict[str, str] = {}
        self._labels: dict[str, str] = {}

    def set_results(self, loaded: Any) -> None:
        super().set_results(loaded)
        if loaded is None:
            return
        crf = loaded.crf
        self._forms = dict(crf.forms)
        validation = getattr(loaded, "validation", None)
        self._findings = tuple(getattr(validation, "findings", ()) or ())
        self._tooltips, self._labels = self._codebook_text()
        source = getattr(crf, "source", None)
        self.source_label.setText(f"{source.name}" if source is not None else "")
        self.form_choice.blockSignals(True)
        self.form_choice.clear()
        for name, frame in self._forms.items():
            self.form_choice.addItem(f"{name} ({len(frame)} rows)", name)
        self.form_choice.blockSignals(False)
        self._show_form(0)

    @staticmethod
    def _codebook_text() -> tuple[dict[str, str], dict[str, str]]:
        """Header tooltips (the field's description) and labels (the template's header)."""
        from ...crf import codebook as cb

        tips, labels = {}, {}
        for name in cb.FORMS:
            for f in cb.fields_of(name):
                labels[f.name] = f.header
                tips[f.name] = f"{f.description}\n(field: {f.name})"
        tips["_sheet"], labels["_sheet"] = "Worksheet the row was read from", "Sheet"
        tips["_row"], labels["_row"] = "Row number in the worksheet, as Excel shows it", "Excel row"
        return tips, labels

    def _show_form(self, index: int) -> None:
        name = self.form_choice.itemData(index)
        if name is None:
            return
        frame = self._forms[name]
        self.table.set_frame(frame, issues=issues_for_form(frame, self._findings),
                             header_tooltips=self._tooltips, column_labels=self._labels)

    def export_frame(self) -> pd.DataFrame | None:
        return self.table.visible_frame() if self.results is not None else None
