"""The "explain this number" dialog: the patients behind one count, in a small non-modal window.

Every count a panel shows (a table cell, a flowchart box) can open this dialog with
the IDs the analysis layer says were counted, so a coordinator can check them
against the CRF. The dialog only looks the IDs up in the cohort frame; it never
decides who is counted.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..panels.base import FilterableTable

#: Columns shown next to the patient ID when the cohort has them (and they are not all blank).
KEY_COLUMNS = ("age_at_diagnosis", "hr_status", "er_pr_subgroup", "eligible", "exclusion_reason",
               "exclusion_fields")

COLUMN_LABELS = {
    "patient_id": "Patient",
    "age_at_diagnosis": "Age at diagnosis",
    "hr_status": "HR status",
    "er_pr_subgroup": "ER/PR subgroup",
    "eligible": "Eligible",
    "exclusion_reason": "Excluded because",
    "exclusion_fields": "Fields behind it",
    "mbc": "MBC",
    "first_line_class": "First-line regimen",
    "first_line_targets": "HER2 targets",
    "her2_heterogeneity": "HER2 heterogeneous",
}


def patient_word(n: int) -> str:
    return f"{n} patient{'s' if n != 1 else ''}"


def column_label(column: str) -> str:
    from ..text import column_label as cohort_column_label

    return cohort_column_label(column, COLUMN_LABELS)


def patient_frame(patient_ids: Sequence[str], cohort: pd.DataFrame | None, *,
                  extra_columns: Iterable[str] = (),
                  value_labels: Mapping[str, Mapping] | None = None) -> pd.DataFrame:
    """The listed patients, in the given order, with the key columns the cohort has.

    Columns blank for every listed patient are left out (an "Excluded because"
    column full of blanks for eligible patients only distracts). IDs missing from
    the cohort still get a row, so the list always has as many rows as the count.
    """
    ids = [str(p) for p in patient_ids]
    if cohort is None or "patient_id" not in getattr(cohort, "columns", ()):
        return pd.DataFrame({"patient_id": ids})
    wanted = []
    for col in (*extra_columns, *KEY_COLUMNS):
        if col in cohort.columns and col != "patient_id" and col not in wanted:
            wanted.append(col)
    keyed = cohort.assign(patient_id=cohort["patient_id"].astype(str))
    keyed = keyed.drop_duplicates("patient_id").set_index("patient_id")[wanted]
    frame = keyed.reindex(ids).reset_index()
    if "exclusion_fields" in frame.columns:
        from ..text import fields_text

        frame["exclusion_fields"] = frame["exclusion_fields"].map(fields_text)
    for col, labels in (value_labels or {}).items():
        if col in frame.columns:
            frame[col] = frame[col].map(lambda v, m=labels: m.get(v, v) if isinstance(v, str) else v)
    keep = ["patient_id"] + [c for c in wanted if frame[c].notna().any()]
    return frame[keep]


class PatientListDialog(QDialog):
    """Lists ``patient_ids`` under the title "<what the number is>: N patients".

    ``what`` says what was counted ("HR+/HER2+, Ki-67 >30%"); ``cohort`` (optional)
    supplies a few key columns; ``extra_columns`` are shown first (e.g. the
    variable of the clicked row); ``value_labels`` maps column -> {raw: shown}.
    """

    def __init__(self, what: str, patient_ids: Sequence[str], cohort: pd.DataFrame | None = None, *,
                 extra_columns: Iterable[str] = (), value_labels: Mapping[str, Mapping] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.patient_ids = [str(p) for p in patient_ids]
        self.what = what
        self.heading = f"{what}: {patient_word(len(self.patient_ids))}"
        self.setWindowTitle(self.heading)
        self.setAccessibleName("Patient list")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(820, 520)

        self.title_label = QLabel(self.heading)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_label.setStyleSheet("font-size: 12pt; font-weight: bold; padding: 4px 2px;")
        self.title_label.setAccessibleName("What these patients are")

        self.frame = patient_frame(self.patient_ids, cohort, extra_columns=extra_columns,
                                   value_labels=value_labels)
        self.table = FilterableTable()
        self.table.set_frame(self.frame, column_labels={c: column_label(c) for c in self.frame.columns})
        self.table.view.setAccessibleName("Patients")

        self.copy_ids_button = QPushButton(self.tr("Copy patient IDs"))
        self.copy_ids_button.setToolTip(self.tr("Copy the IDs, one per line, to paste into Excel or an e-mail"))
        self.copy_ids_button.clicked.connect(self.copy_ids)
        self.copy_table_button = QPushButton(self.tr("Copy table"))
        self.copy_table_button.setToolTip(self.tr("Copy the rows shown as tab-separated text (pastes into Excel)"))
        self.copy_table_button.clicked.connect(self.copy_table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(self.copy_ids_button)
        bar.addWidget(self.copy_table_button)
        bar.addStretch(1)
        bar.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        if not self.patient_ids:
            empty = QLabel(self.tr("No patient is counted here."))
            empty.setStyleSheet("color: #555; padding: 4px 2px;")
            layout.addWidget(empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)

    def ids_text(self) -> str:
        return "\n".join(self.patient_ids)

    def table_text(self) -> str:
        frame = self.table.visible_frame()
        header = "\t".join(column_label(c) for c in frame.columns)
        from ..models.dataframe_model import format_value

        lines = [header] + ["\t".join(format_value(v) for v in row) for row in frame.itertuples(index=False)]
        return "\n".join(lines)

    def copy_ids(self) -> None:
        QApplication.clipboard().setText(self.ids_text())

    def copy_table(self) -> None:
        QApplication.clipboard().setText(self.table_text())


def show_patient_list(parent: QWidget | None, what: str, patient_ids: Sequence[str],
                      cohort: pd.DataFrame | None = None, **kwargs) -> PatientListDialog:
    """Open the list without blocking the window (several can be open side by side)."""
    dialog = PatientListDialog(what, patient_ids, cohort, parent=parent, **kwargs)
    dialog.show()
    dialog.raise_()
    return dialog
