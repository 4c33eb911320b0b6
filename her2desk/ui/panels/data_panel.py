"""Data tab: the imported CRF forms as the workbook shows them, with problem cells tinted.

The coordinator compares this tab with the workbook open beside it, so it speaks the
workbook's language: coded cells show the label the template's drop-down writes
("Breast-conserving surgery", not "bcs"; the code is in the tooltip), forms are named by
the worksheet they were read from, and rows are numbered with Excel's own row numbers
(the numbers the Validation tab gives).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from ...i18n import N_
from ..language import add_shown_item
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


def code_labels() -> dict[str, dict[str, str]]:
    """{field: {code: label}} for every coded field: the labels the CRF template writes
    (:meth:`her2desk.crf.codebook.Field.code_labels`, the template's own lookup)."""
    from ...crf import codebook as cb

    return {f.name: f.code_labels() for form in cb.FORMS for f in cb.fields_of(form)
            if f.type == cb.CODE and f.codes}


def sheet_titles(forms: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """Each form named by the worksheet(s) it was read from, as the workbook names them.

    A form read from a sheet of its own is named by it ("First-line MBC", or "随访" in a
    workbook of the centre's own); forms read from one flat sheet share its name, so
    the form is added ("Export — Treatment"); a form the file lacks (or a CSV without
    sheets) is named as the template names it.
    """
    from ...crf import codebook as cb

    sheets = {name: list(dict.fromkeys(str(s) for s in frame["_sheet"].dropna()))
              if "_sheet" in frame.columns else [] for name, frame in forms.items()}
    users: dict[str, int] = {}
    for found in sheets.values():
        for sheet in found:
            users[sheet] = users.get(sheet, 0) + 1
    titles = {}
    for name, found in sheets.items():
        template = cb.FORMS.get(name, name)
        shown = ", ".join(found[:2]) + ("…" if len(found) > 2 else "")
        if not found:
            titles[name] = template
        elif len(found) == 1 and users[found[0]] == 1:
            titles[name] = found[0]
        else:
            titles[name] = f"{shown} — {template}"
    return titles


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
        top.addWidget(QLabel(self.tr("Sheet:")))
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
        self._value_labels = code_labels()
        self._raw: dict[str, pd.DataFrame] = {}

    def set_results(self, loaded: Any) -> None:
        super().set_results(loaded)
        if loaded is None:
            return
        crf = loaded.crf
        self._forms = dict(crf.forms)
        self._raw = dict(getattr(crf, "raw", None) or {})
        validation = getattr(loaded, "validation", None)
        self._findings = tuple(getattr(validation, "findings", ()) or ())
        self._tooltips, self._labels = self._codebook_text()
        source = getattr(crf, "source", None)
        self.source_label.setText(f"{source.name}" if source is not None else "")
        self.form_choice.blockSignals(True)
        self.form_choice.clear()
        titles = sheet_titles(self._forms)
        for name, frame in self._forms.items():
            # shown in the window's language and said again on a change (Panel.retranslate)
            add_shown_item(self.form_choice, N_(f"{titles[name]} ({len(frame)} rows)"), name)
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
                             header_tooltips=self._tooltips, column_labels=self._labels,
                             value_labels=self._value_labels, row_header="_row",
                             unread_text=self._raw.get(name))

    def export_frame(self) -> pd.DataFrame | None:
        """What the tab shows, for Export table (Ctrl+E) and Copy table: the rows shown, coded
        cells as the workbook's labels ("Breast-conserving surgery", not "bcs") and columns
        headed as the workbook heads them, so the export reads like the sheet it came from."""
        if self.results is None:
            return None
        return self.table.visible_frame(shown=True).rename(columns=self._labels)
