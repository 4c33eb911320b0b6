"""Study settings: the few choices that change who is eligible and how time is counted."""
from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

_CONF = {"log (as R)": "log", "log-log (as SAS/SPSS)": "log-log", "plain": "plain"}
_TIES = {"Efron (as R)": "efron", "Breslow (as SPSS)": "breslow"}
#: The multiplicity adjustment of the paper's pairwise comparisons (setting ``p_adjust``).
_P_ADJUST = {"Unadjusted (as the paper)": "none", "Holm": "holm",
             "Benjamini–Hochberg (BH)": "BH"}


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class StudySettingsDialog(QDialog):
    """Edit a ``StudySettings``; :meth:`settings` returns the edited copy."""

    def __init__(self, settings: Any, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Study settings"))
        self._original = settings

        def date_edit(value: date, name: str) -> QDateEdit:
            w = QDateEdit(_qdate(value))
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setAccessibleName(name)
            return w

        self.enrol_from = date_edit(settings.enrol_from, "Enrolment from")
        self.enrol_to = date_edit(settings.enrol_to, "Enrolment to")
        self.cutoff = date_edit(settings.cutoff, "Data cutoff")
        self.fish = QDoubleSpinBox()
        self.fish.setRange(1.0, 10.0)
        self.fish.setSingleStep(0.1)
        self.fish.setDecimals(2)
        self.fish.setValue(settings.fish_threshold)
        self.fish.setAccessibleName("FISH ratio threshold")
        self.de_novo = QSpinBox()
        self.de_novo.setRange(0, 365)
        self.de_novo.setSuffix(" days")
        self.de_novo.setValue(settings.de_novo_window_days)
        self.de_novo.setAccessibleName("De novo window")
        self.unknown = QCheckBox(self.tr("Include 'Unknown' levels in the tests"))
        self.unknown.setChecked(settings.include_unknown_in_test)
        self.conf = QComboBox()
        self.conf.addItems(list(_CONF))
        self.conf.setCurrentIndex(list(_CONF.values()).index(settings.km_conf_type))
        self.conf.setAccessibleName("Kaplan–Meier confidence interval type")
        self.ties = QComboBox()
        self.ties.addItems(list(_TIES))
        self.ties.setCurrentIndex(list(_TIES.values()).index(settings.cox_ties))
        self.ties.setAccessibleName("Cox ties method")
        self.p_adjust = QComboBox()
        self.p_adjust.addItems(list(_P_ADJUST))
        self.p_adjust.setCurrentIndex(list(_P_ADJUST.values()).index(settings.p_adjust))
        self.p_adjust.setAccessibleName("P-value adjustment of pairwise comparisons")
        self.p_adjust.setToolTip(self.tr("How the P values of each paper item's pairs of groups (all ER/PR "
                                 "pairs, regimen pairs…) are adjusted for multiplicity: "
                                 "unadjusted as the paper, or Holm / Benjamini–Hochberg within "
                                 "each item (R's p.adjust). Every footnote names the choice."))
        self.unit = QComboBox()
        self.unit.addItems(["months", "years"])
        self.unit.setCurrentText(settings.time_unit)
        self.unit.setAccessibleName("Time unit of survival plots")
        self.problems = QLabel()
        self.problems.setStyleSheet("color: #b00020;")
        self.problems.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Enrolment from"), self.enrol_from)
        form.addRow(self.tr("Enrolment to"), self.enrol_to)
        form.addRow(self.tr("Data cutoff"), self.cutoff)
        form.addRow(self.tr("FISH HER2/CEP17 ratio ≥"), self.fish)
        form.addRow(self.tr("De novo MBC within"), self.de_novo)
        form.addRow("", self.unknown)
        form.addRow(self.tr("KM confidence interval"), self.conf)
        form.addRow(self.tr("Cox ties"), self.ties)
        form.addRow(self.tr("Pairwise P values"), self.p_adjust)
        form.addRow(self.tr("Survival time axis"), self.unit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)

    def settings(self) -> Any:
        return self._original.replace(
            enrol_from=_pydate(self.enrol_from.date()), enrol_to=_pydate(self.enrol_to.date()),
            cutoff=_pydate(self.cutoff.date()), fish_threshold=round(self.fish.value(), 2),
            de_novo_window_days=self.de_novo.value(), include_unknown_in_test=self.unknown.isChecked(),
            km_conf_type=_CONF[self.conf.currentText()], cox_ties=_TIES[self.ties.currentText()],
            p_adjust=_P_ADJUST[self.p_adjust.currentText()], time_unit=self.unit.currentText())

    def _accept(self) -> None:
        problems = self.settings().validate()
        if problems:
            self.problems.setText("\n".join(problems))
            return
        self.accept()
