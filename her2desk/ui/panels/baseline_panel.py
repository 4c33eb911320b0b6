"""Baseline tab: Tables 1–3 as in the manuscript, by HR status or ER/PR subgroup.

The numbers come from :func:`her2desk.analysis.tables.baseline_table`; this panel
only lays them out. Changing the grouping recomputes the three tables in a
background task (Fisher's exact tests on 4 groups can take a moment), and
double-clicking a count lists the patients :func:`~her2desk.analysis.tables.patients_behind`
says were counted.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

import pandas as pd
from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabBar, QVBoxLayout

from ...i18n import N_
from ...report.format import format_median_range, format_n_percent, format_p, math_signs, minus_sign
from ..language import add_shown_item
from ..dialogs.patient_list import PatientListDialog, show_patient_list
from ..models.report_table_model import ReportCell, ReportRow
from ..workers import TaskCancelled, TaskRunner
from .base import Panel
from .report_table import ReportTable

ALL = "All"
UNKNOWN = "Unknown"
TABLE_KEYS = ("table1", "table2", "table3")
TAB_LABELS = {"table1": QT_TRANSLATE_NOOP("BaselinePanel", "Table 1 · Baseline characteristics"),
              "table2": QT_TRANSLATE_NOOP("BaselinePanel", "Table 2 · Early treatment"),
              "table3": QT_TRANSLATE_NOOP("BaselinePanel", "Table 3 · Metastatic patterns (MBC)")}
#: Words for the groupings of ``analysis.tables.GROUPINGS``; unknown keys show as is.
GROUPING_LABELS = {"hr_status": N_("HR status"), "er_pr_subgroup": N_("ER/PR subgroup")}
_SUPERSCRIPTS = "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ"


def pretty_group(label: Any) -> str:
    """Group label with a real minus sign, as printed: "HR-/HER2+" -> "HR−/HER2+"."""
    return minus_sign(label)


def pretty_level(level: Any) -> str:
    """ ">=50" -> "≥50" (:func:`her2desk.report.format.math_signs`)."""
    return math_signs(level)


def grouping_label(key: str) -> str:
    return GROUPING_LABELS.get(key, key.replace("_", " "))


def describe_level(label: str, level: Any) -> str:
    """ "Ki-67 >30%", "Menopausal status = Premenopausal": what a level row counts."""
    text = pretty_level(level)
    return f"{label} {text}" if text[:1] in "<>≤≥0123456789" else f"{label} = {text}"


def p_tooltip(comp: Any) -> str:
    """Which test gave this P and why it was chosen, with more digits than the table shows."""
    lines = []
    reason = (getattr(comp, "test_reason", "") or "").strip()
    if reason:
        lines.append(reason if reason.endswith(".") else reason + ".")
    p = getattr(comp, "p_value", None)
    se = getattr(comp, "mc_se", None)
    if p is not None and se is not None:
        lines.append(f"P = {p:.4g} ± {se:.2g} (Monte Carlo standard error)")
    elif p is not None:
        lines.append(f"P = {p:.4g}")
    note = (getattr(comp, "footnote", "") or "").strip()
    if note:
        lines.append(note)
    return "\n".join(lines)


def population_words(key: str) -> str:
    return "patients with MBC" if key == "table3" else "eligible patients"


def baseline_rows(table: Any, patients: Callable[[str, Any, str], Callable[[], list[str]]] | None = None
                  ) -> tuple[list[str], list[ReportRow], list[str]]:
    """Headers, rows and footnotes of one ``BaselineTable``, formatted as the manuscript.

    ``patients(variable, level, group)`` returns a callable listing the patients
    behind a count (None: counts are not clickable).
    """
    groups = list(table.groups)
    columns = groups + [ALL]
    headers = ["Characteristic"]
    headers += [f"{pretty_group(g)} (n = {table.group_n.get(g, 0)})" for g in groups]
    headers += [f"Total (n = {table.group_n.get(ALL, 0)})", "P"]
    everyone = f"All {population_words(table.key)}"
    markers: dict[str, str] = {}
    rows: list[ReportRow] = []

    def marker(note: str) -> str:
        if not note:
            return ""
        if note not in markers:
            markers[note] = _SUPERSCRIPTS[len(markers) % len(_SUPERSCRIPTS)]
        return markers[note]

    def who(group: str) -> str:
        return everyone if group == ALL else pretty_group(group)

    for comp in table.comparisons:
        p_cell = ReportCell(format_p(comp.p_value), tooltip=p_tooltip(comp), raw=comp.p_value)
        mark = marker(comp.footnote)
        if comp.kind == "categorical":
            label = ReportCell(N_(f"{comp.label}, n (%){mark}"), tooltip=p_tooltip(comp))
            rows.append(ReportRow([label] + [ReportCell() for _ in columns] + [p_cell],
                                  bold=True, shaded=True, key=(comp.variable, None)))
            for level in comp.levels:
                cells = [ReportCell(pretty_level(level), raw=level)]
                for g in columns:
                    n = int(comp.counts.at[level, g])
                    cells.append(ReportCell(
                        format_n_percent(n, int(comp.totals[g])), raw=n,
                        patients=patients(comp.variable, level, g) if patients else None,
                        what=f"{who(g)}, {describe_level(comp.label, level)}",
                        extra_columns=(comp.variable,)))
                cells.append(ReportCell())
                rows.append(ReportRow(cells, indent=1, key=(comp.variable, level)))
        else:
            cells = [ReportCell(f"{comp.label}, median (range){mark}", tooltip=p_tooltip(comp))]
            for g in columns:
                cells.append(ReportCell(
                    format_median_range(comp.median[g], comp.minimum[g], comp.maximum[g]),
                    raw=float(comp.median[g]),
                    tooltip=N_(f"n = {int(comp.n[g])} with a value")
                            + (f"; {int(comp.n_missing[g])} missing" if int(comp.n_missing[g]) else ""),
                    patients=patients(comp.variable, None, g) if patients else None,
                    what=f"{who(g)}, {comp.label}", extra_columns=(comp.variable,)))
            cells.append(p_cell)
            rows.append(ReportRow(cells, bold=True, shaded=True, key=(comp.variable, None)))
    notes = [table.footnote, "   ".join(f"{m} {note}" for note, m in markers.items())]
    return headers, rows, notes


class BaselinePanel(Panel):
    """``set_results(results, cohort=None)``: a ``StudyResults`` (or its ``tables`` dict)
    and the derived cohort, needed to regroup and to list the patients behind a count."""

    title = "Baseline"
    #: (grouping) once the three tables for that grouping are shown.
    grouping_ready = Signal(str)
    #: (message) when a regrouping failed.
    grouping_failed = Signal(str)

    def __init__(self, runner: TaskRunner | None = None, parent=None):
        super().__init__(parent)
        self.runner = runner or TaskRunner(self)
        self.cohort: pd.DataFrame | None = None
        self.include_unknown = False
        self.tables: dict[str, dict[str, Any]] = {}     # grouping -> key -> BaselineTable
        self.grouping = "hr_status"
        self.table_keys: tuple[str, ...] = TABLE_KEYS
        self.last_dialog: PatientListDialog | None = None

        self.tab_bar = QTabBar()
        self.tab_bar.setAccessibleName("Baseline table shown")
        self.tab_bar.setExpanding(False)
        self.tab_bar.setDrawBase(False)
        for key in TABLE_KEYS:
            self.tab_bar.addTab(self.tr(TAB_LABELS[key]))
        self.tab_bar.currentChanged.connect(lambda i: self._show())
        self.grouping_box = QComboBox()
        self.grouping_box.setAccessibleName("Compare groups by")
        self.grouping_box.setToolTip(self.tr("Which groups the columns compare; the tables are recomputed"))
        self._fill_groupings(GROUPING_LABELS)
        self.grouping_box.currentIndexChanged.connect(self._grouping_chosen)
        self.status = QLabel()
        self.status.setStyleSheet("color: #8a5a00;")
        self.status.setAccessibleName("Baseline status")
        top = QHBoxLayout()
        top.addWidget(self.tab_bar)
        top.addStretch(1)
        top.addWidget(self.status)
        top.addWidget(QLabel(self.tr("Compare by:")))
        top.addWidget(self.grouping_box)
        self.table = ReportTable("Baseline table")
        self.table.patients_requested.connect(self.open_patient_list)
        layout = QVBoxLayout(self.contents)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    # -- results -------------------------------------------------------------------
    def _fill_groupings(self, keys: Mapping | Any) -> None:
        current = self.grouping_box.currentData() or self.grouping
        self.grouping_box.blockSignals(True)
        self.grouping_box.clear()
        for key in keys:
            add_shown_item(self.grouping_box, grouping_label(key), key)
        i = self.grouping_box.findData(current)
        self.grouping_box.setCurrentIndex(max(i, 0))
        self.grouping_box.blockSignals(False)

    def set_results(self, results: Any, cohort: pd.DataFrame | None = None) -> None:
        super().set_results(results)
        self.runner.cancel("baseline")
        self.tables = {}
        self.status.clear()
        self.table.view.setEnabled(True)
        if results is None:
            self.table.clear()
            return
        from ...analysis.tables import GROUPINGS

        tables = getattr(results, "tables", results)
        grouping = getattr(results, "grouping", None) or next(
            (t.grouping for t in tables.values() if hasattr(t, "grouping")), "hr_status")
        settings = getattr(results, "settings", None)
        self.include_unknown = bool(getattr(settings, "include_unknown_in_test", False))
        self.cohort = cohort
        self.grouping = grouping
        self.tables[grouping] = {k: tables[k] for k in TABLE_KEYS if k in tables}
        self.table_keys = tuple(self.tables[grouping])
        for i, key in enumerate(TABLE_KEYS):
            self.tab_bar.setTabEnabled(i, key in self.table_keys)
        self._fill_groupings(GROUPINGS)
        self.grouping_box.blockSignals(True)
        self.grouping_box.setCurrentIndex(max(self.grouping_box.findData(grouping), 0))
        self.grouping_box.blockSignals(False)
        # Regrouping needs the patients themselves.
        self.grouping_box.setEnabled(cohort is not None)
        self._show()

    def clear_results(self, text: str | None = None) -> None:
        self.runner.cancel("baseline")
        self.tables = {}
        self.cohort = None
        super().clear_results(text)

    def current_key(self) -> str:
        return TABLE_KEYS[max(self.tab_bar.currentIndex(), 0)]

    def current_table(self) -> Any:
        return self.tables.get(self.grouping, {}).get(self.current_key())

    def _show(self) -> None:
        table = self.current_table()
        if table is None:
            self.table.clear()
            return
        cohort, key, grouping = self.cohort, table.key, table.grouping

        def patients(variable: str, level: Any, group: str) -> Callable[[], list[str]]:
            def ids() -> list[str]:
                from ...analysis.tables import patients_behind

                return patients_behind(cohort, key, variable, level, group, grouping=grouping)
            return ids

        headers, rows, notes = baseline_rows(table, patients if cohort is not None else None)
        n = table.group_n.get(ALL, 0)
        words = population_words(key)
        population = words[0].upper() + words[1:]
        subtitle = N_(f"{population} (n = {n}), compared by {grouping_label(grouping)}.")
        p_tip = "Hover a P value to see which test gave it and why."
        self.table.set_table(table.title, headers, rows, notes=notes, subtitle=subtitle,
                             header_tooltips=[""] * (len(headers) - 1) + [p_tip])

    # -- regrouping ------------------------------------------------------------------
    def _grouping_chosen(self, index: int) -> None:
        key = self.grouping_box.itemData(index)
        if key:
            self.set_grouping(key)

    def set_grouping(self, grouping: str) -> None:
        """Show the tables by ``grouping``; computed in the background the first time."""
        i = self.grouping_box.findData(grouping)
        if i >= 0 and i != self.grouping_box.currentIndex():
            self.grouping_box.blockSignals(True)
            self.grouping_box.setCurrentIndex(i)
            self.grouping_box.blockSignals(False)
        if grouping in self.tables:
            self.runner.cancel("baseline")
            self.grouping = grouping
            self.status.clear()
            self.table.view.setEnabled(True)
            self._show()
            self.grouping_ready.emit(grouping)
            return
        if self.cohort is None:
            return
        cohort, include, keys = self.cohort, self.include_unknown, self.table_keys

        def work(progress, cancelled):
            from ...analysis.tables import baseline_table

            out = {}
            for i, key in enumerate(keys):
                if cancelled():
                    raise TaskCancelled()
                progress(i / len(keys), f"Table {key[-1]} by {grouping_label(grouping)}")
                out[key] = baseline_table(cohort, key, grouping=grouping, include_unknown_in_test=include)
            progress(1.0, "Baseline tables done")
            return out

        self.status.setStyleSheet("color: #8a5a00;")
        self.status.setText(self.tr("Recomputing Tables 1–3 by {0}…").format(grouping_label(grouping)))
        # The old grouping's numbers stay visible but greyed out until the new ones arrive.
        self.table.view.setEnabled(False)
        self.runner.start("baseline", work,
                          on_finished=lambda tables: self._regrouped(grouping, tables),
                          on_failed=self._regroup_failed)

    def _regrouped(self, grouping: str, tables: dict[str, Any]) -> None:
        self.tables[grouping] = tables
        self.grouping = grouping
        self.status.clear()
        self.table.view.setEnabled(True)
        self._show()
        self.grouping_ready.emit(grouping)

    def _regroup_failed(self, message: str) -> None:
        self.table.view.setEnabled(True)
        self.status.setText(self.tr("Could not compare by this grouping. {0}").format(message))
        self.status.setStyleSheet("color: #b00020;")
        i = self.grouping_box.findData(self.grouping)
        self.grouping_box.blockSignals(True)
        self.grouping_box.setCurrentIndex(max(i, 0))
        self.grouping_box.blockSignals(False)
        self.grouping_failed.emit(message)

    # -- explain / export ------------------------------------------------------------
    def open_patient_list(self, what: str, ids: list, extra_columns: tuple = ()) -> PatientListDialog:
        self.last_dialog = show_patient_list(self, what, ids, self.cohort, extra_columns=extra_columns)
        return self.last_dialog

    def export_frame(self) -> pd.DataFrame | None:
        if self.results is None or self.current_table() is None:
            return None
        return self.table.export_frame()

    def shown_table(self):
        if self.results is None or self.current_table() is None:
            return None
        return self.table.shown_table()
