"""Figure options…: edit a figure's text and look (a report.figure_style.FigureStyle).

The dialog only edits the choices; :mod:`her2desk.ui.figure_styles` saves them with the study and
redraws every figure of that kind (or that paper item), in the window and in the report alike.
Empty fields keep the figure's own text, so clearing a field undoes it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...report.figure_style import PALETTES, FigureStyle

KIND_NAMES = {"km": QT_TRANSLATE_NOOP("FigureOptionsDialog", "All Kaplan–Meier plots"),
              "bars": QT_TRANSLATE_NOOP("FigureOptionsDialog", "All bar charts"),
              "forest": QT_TRANSLATE_NOOP("FigureOptionsDialog", "All forest plots"),
              "hazard": QT_TRANSLATE_NOOP("FigureOptionsDialog", "All yearly-hazard plots"),
              "flowchart": QT_TRANSLATE_NOOP("FigureOptionsDialog", "The study flowchart")}
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class FigureOptionsDialog(QDialog):
    """``FigureOptionsDialog(style, kind, groups, item="")``; :meth:`figure_style` and
    :meth:`applies_to` give the result when accepted."""

    def __init__(self, style: FigureStyle | None, kind: str, groups: Sequence[str], *,
                 item: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Figure options"))
        self.kind, self.item, self.groups = kind, item, [str(g) for g in groups]
        style = style or FigureStyle()
        form = QFormLayout()
        self.title_check = QCheckBox(self.tr("Show a title (journals print the caption under the figure)"))
        self.title_check.setChecked(style.show_title)
        self.title_edit = QLineEdit(style.title)
        self.title_edit.setPlaceholderText(self.tr("the figure's own title"))
        self.title_edit.setEnabled(style.show_title)
        self.title_check.toggled.connect(self.title_edit.setEnabled)
        form.addRow(self.title_check)
        form.addRow(self.tr("Title"), self.title_edit)
        self.x_label = QLineEdit(style.x_label)
        self.x_label.setPlaceholderText(self.tr("the figure's own label"))
        self.y_label = QLineEdit(style.y_label)
        self.y_label.setPlaceholderText(self.tr("the figure's own label"))
        if kind != "flowchart":                        # boxes and arrows have no axes
            form.addRow(self.tr("X axis label"), self.x_label)
            form.addRow(self.tr("Y axis label"), self.y_label)
        self.palette = QComboBox()
        self.palette.addItems(list(PALETTES))
        self.palette.setCurrentText(style.palette)
        form.addRow(self.tr("Colours"), self.palette)
        groups_box = QGroupBox(self.tr("Groups: legend label and colour (#rrggbb; empty: the palette's)"))
        groups_form = QFormLayout(groups_box)
        labels, colours = dict(style.legend_labels), dict(style.colours)
        self.label_edits: dict[str, QLineEdit] = {}
        self.colour_edits: dict[str, QLineEdit] = {}
        for g in self.groups:
            label = QLineEdit(labels.get(g, ""))
            label.setPlaceholderText(g)
            colour = QLineEdit(colours.get(g, ""))
            colour.setPlaceholderText(style.colour(g, self.groups.index(g)))
            colour.setMaxLength(7)
            self.label_edits[g], self.colour_edits[g] = label, colour
            groups_form.addRow(g, label)
            groups_form.addRow(self.tr("{0} colour").format(g), colour)
        self.x_max = QDoubleSpinBox()
        self.x_max.setRange(0, 10000)
        self.x_max.setSpecialValueText(self.tr("automatic"))
        self.x_max.setValue(style.x_max or 0)
        self.x_tick = QDoubleSpinBox()
        self.x_tick.setRange(0, 1000)
        self.x_tick.setSpecialValueText(self.tr("automatic"))
        self.x_tick.setValue(style.x_tick or 0)
        self.at_risk = QCheckBox(self.tr("Number-at-risk table under the plot"))
        self.at_risk.setChecked(style.at_risk)
        self.cumulative = QCheckBox(self.tr("Cumulative events beside the numbers at risk"))
        self.cumulative.setChecked(style.cumulative_events)
        if kind in ("km", "hazard"):
            form.addRow(self.tr("Time axis ends at"), self.x_max)
            form.addRow(self.tr("Tick every"), self.x_tick)
        if kind == "km":
            form.addRow(self.at_risk)
            form.addRow(self.cumulative)
        self.applies = QComboBox()
        self.applies.addItem(self.tr(KIND_NAMES.get(kind, "All figures of this kind")), kind)
        if item:
            self.applies.addItem(self.tr("Only {0}").format(item), item)
        form.addRow(self.tr("Apply to"), self.applies)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a00;")
        self.problem.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if self.groups:
            layout.addWidget(groups_box)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def restore_defaults(self) -> None:
        fresh = FigureOptionsDialog(FigureStyle(), self.kind, self.groups, item=self.item)
        self.title_check.setChecked(False)
        for mine, theirs in ((self.title_edit, fresh.title_edit), (self.x_label, fresh.x_label),
                             (self.y_label, fresh.y_label)):
            mine.setText(theirs.text())
        for edit in (*self.label_edits.values(), *self.colour_edits.values()):
            edit.clear()
        self.palette.setCurrentText(fresh.palette.currentText())
        self.x_max.setValue(0)
        self.x_tick.setValue(0)
        self.at_risk.setChecked(True)
        self.cumulative.setChecked(False)
        fresh.deleteLater()

    def accept(self) -> None:
        bad = [g for g, e in self.colour_edits.items() if e.text().strip()
               and not _COLOUR.match(e.text().strip())]
        if bad:
            self.problem.setText(self.tr("The colour of {0} must look like #0072B2.").format(bad[0]))
            self.problem.show()
            return
        super().accept()

    def figure_style(self) -> FigureStyle:
        return FigureStyle(
            show_title=self.title_check.isChecked(), title=self.title_edit.text().strip(),
            x_label=self.x_label.text().strip(), y_label=self.y_label.text().strip(),
            legend_labels=tuple((g, e.text().strip()) for g, e in self.label_edits.items()
                                if e.text().strip()),
            palette=self.palette.currentText(),
            colours=tuple((g, e.text().strip()) for g, e in self.colour_edits.items()
                          if _COLOUR.match(e.text().strip())),
            x_max=self.x_max.value() or None, x_tick=self.x_tick.value() or None,
            at_risk=self.at_risk.isChecked(), cumulative_events=self.cumulative.isChecked())

    def applies_to(self) -> str:
        """The side file's entry the style is saved under: the figure kind or the paper item."""
        return str(self.applies.currentData())
