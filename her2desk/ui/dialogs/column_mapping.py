"""Map the columns her2desk did not recognise to codebook fields, or ignore them.

One row per unmatched ``(sheet, header)``: a drop-down of every codebook field
with :func:`crf.reader.suggest_field`'s guess preselected, or "Ignore this
column". Saving merges the choices into the mapping stored next to the study
(``save_mapping``) so the next read uses them; the window then reloads.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

IGNORE = ""
IGNORE_TEXT = "Ignore this column"


def field_choices() -> list[tuple[str, str]]:
    """(shown text, field name) for every codebook field, grouped by form."""
    from ...crf import codebook as cb

    out = []
    for form, title in cb.FORMS.items():
        for f in cb.FIELDS:
            if f.form == form:
                out.append((f"{f.label or f.name}  ({title})", f.name))
    return out


class ColumnMappingDialog(QDialog):
    """``ColumnMappingDialog(study_path, unmatched)``; :meth:`save` writes the mapping file."""

    def __init__(self, study_path: str | os.PathLike, unmatched: Sequence[tuple[str, str]],
                 parent: QWidget | None = None):
        super().__init__(parent)
        from ...crf.reader import suggest_field

        self.study_path = Path(study_path)
        self.unmatched = [(str(s), str(h)) for s, h in unmatched]
        self.setWindowTitle(self.tr("Map columns"))
        self.setAccessibleName("Map columns")
        self.resize(760, 420)
        n = len(self.unmatched)
        intro = QLabel(self.tr("her2desk did not recognise {0} column{1} of <b>{2}</b>. Choose the CRF field each one holds, or ignore it. The choice is saved next to the workbook and the study is read again.").format(n, 's' * (n != 1), self.study_path.name))
        intro.setWordWrap(True)
        self.table = QTableWidget(n, 3)
        self.table.setAccessibleName("Unrecognised columns")
        self.table.setHorizontalHeaderLabels(["Sheet", "Column header", "Means"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.combos: list[QComboBox] = []
        choices = field_choices()
        for row, (sheet, header) in enumerate(self.unmatched):
            for col, text in enumerate((sheet, header)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
            combo = QComboBox()
            combo.setAccessibleName(f"Field for column {header}")
            combo.addItem(IGNORE_TEXT, IGNORE)
            for text, name in choices:
                combo.addItem(text, name)
            guess = suggest_field(header)
            index = combo.findData(guess) if guess else 0
            combo.setCurrentIndex(max(0, index))
            if guess:
                combo.setToolTip(self.tr("Suggested from the header: {0}").format(guess))
            self.table.setCellWidget(row, 2, combo)
            self.combos.append(combo)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save and reload"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.saved_path: Path | None = None

    def choices(self) -> dict[str, str]:
        """``{"<sheet>!<header>": field or ""}`` as chosen."""
        return {f"{sheet}!{header}": combo.currentData()
                for (sheet, header), combo in zip(self.unmatched, self.combos)}

    def set_choice(self, header: str, field: str) -> None:
        for (_, h), combo in zip(self.unmatched, self.combos):
            if h == header:
                combo.setCurrentIndex(max(0, combo.findData(field)))

    def save(self) -> Path:
        """Merge the choices into the saved mapping; returns the file written."""
        from ...crf.reader import load_mapping, save_mapping

        mapping = load_mapping(self.study_path)
        mapping.update(self.choices())
        self.saved_path = save_mapping(self.study_path, mapping)
        return self.saved_path

    def _accept(self) -> None:
        try:
            self.save()
        except OSError as exc:
            from ...crf.atomic import AtomicWriteError

            reason = str(exc) if isinstance(exc, AtomicWriteError) else f"{exc.strerror or exc}."
            self.error.setText(self.tr("The mapping could not be saved next to {0}. {1}").format(self.study_path.name, reason))
            self.error.show()
            return
        self.accept()
