"""First-line & conversion tab: Table 4, Table S7 (receptor conversion) and HER2 heterogeneity.

Everything shown comes from ``StudyResults``: ``tables["table4"]`` (a
``CountTable``), ``conversion`` (a ``ConversionTable``) and the survival
comparisons ``aos_het``, ``pfs_het``, ``aos_het_hr``, ``pfs_het_hr``. Each count
carries the patient IDs the analysis counted, so double-clicking explains it.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ...i18n import N_
from ...report.format import (DASH, REFERENCE, HR_NOTE, MEDIAN_NOTE, NOT_ESTIMABLE, format_hr_with_ci,
                              format_median_with_ci, format_n_percent)
from ..dialogs.patient_list import PatientListDialog, show_patient_list
from ..models.report_table_model import ReportCell, ReportRow
from ..language import set_shown
from ..text import p_text
from .base import Panel
from .baseline_panel import ALL, pretty_group
from .report_table import ReportTable

CONVERSION_COLUMNS = (("concordant", "Concordant"), ("pos->neg", "Positive → negative"),
                      ("neg->pos", "Negative → positive"))
HETEROGENEITY_KEYS = ("aos_het", "pfs_het", "aos_het_hr", "pfs_het_hr")
#: Cohort columns worth seeing next to the IDs of a first-line or conversion count.
_FIRST_LINE_COLUMNS = ("first_line_class", "first_line_targets")


def _n_percent(n: int, total: int) -> str:
    return format_n_percent(n, total)


def pretty_regimen(text: str) -> str:
    return str(text).replace("->", "→")


def table4_rows(table: Any) -> tuple[list[str], list[ReportRow], list[str]]:
    """Table 4: one row per regimen class, the single/dual-target rows indented under it."""
    groups = list(table.groups)
    columns = groups + [ALL]
    headers = ["First-line regimen"]
    headers += [f"{pretty_group(g)} (n = {table.group_n.get(g, 0)})" for g in groups]
    headers += [f"Total (n = {table.group_n.get(ALL, 0)})"]
    rows = []
    for row in table.rows:
        label = pretty_regimen(row.level)
        cells = [ReportCell(label, raw=row.level)]
        for g in columns:
            n = int(row.counts.get(g, 0))
            who = "All patients with MBC" if g == ALL else pretty_group(g)
            cells.append(ReportCell(_n_percent(n, int(table.group_n.get(g, 0))), raw=n,
                                    patients=tuple(row.patient_ids.get(g, ())),
                                    what=f"{who}, first line: {label}",
                                    extra_columns=_FIRST_LINE_COLUMNS))
        rows.append(ReportRow(cells, bold=row.indent == 0, indent=row.indent,
                              shaded=row.indent == 0, key=(row.variable, row.level)))
    notes = ["Values are n (%) of the patients with MBC in each column.", pretty_regimen(table.footnote)]
    return headers, rows, notes


def conversion_rows(conv: Any) -> tuple[list[str], list[ReportRow], list[str]]:
    """Table S7: per receptor, concordant / pos→neg / neg→pos / discordant, n (%)."""
    headers = ["Receptor"] + [label for _, label in CONVERSION_COLUMNS] + ["Discordant"]
    rows = []
    for row in conv.rows:
        cells = [ReportCell(row.receptor)]
        for key, label in CONVERSION_COLUMNS:
            n = int(row.counts.get(key, 0))
            cells.append(ReportCell(_n_percent(n, row.n), raw=n,
                                    patients=tuple(conv.patient_ids.get((row.receptor, key), ())),
                                    what=f"{row.receptor} {label.lower()}"))
        ids = tuple(conv.patient_ids.get((row.receptor, "pos->neg"), ())) + \
            tuple(conv.patient_ids.get((row.receptor, "neg->pos"), ()))
        cells.append(ReportCell(_n_percent(row.discordant, row.n), raw=row.discordant,
                                patients=ids, what=f"{row.receptor} discordant"))
        rows.append(ReportRow(cells, bold=True, key=row.receptor))
    notes = ["Values are n (%) of the patients with receptor results on both the primary "
             "tumour and a metastasis. Discordant = positive → negative + negative → positive.",
             conv.footnote]
    return headers, rows, notes


def heterogeneity_rows(comparisons: list[Any], unit: str = "months"
                       ) -> tuple[list[str], list[ReportRow], list[str]]:
    """n, events, median, log-rank P and HR (95 % CI) per group of each heterogeneity comparison."""
    headers = ["Comparison / group", "n", "Events", f"Median ({unit}) (95% CI)", "Log-rank P",
               "HR (95% CI)"]
    rows = []
    for comp in comparisons:
        p_cell = ReportCell(p_text(comp.logrank_p), raw=comp.logrank_p,
                            tooltip="Log-rank test across the groups of this comparison")
        rows.append(ReportRow([ReportCell(comp.title, tooltip=f"Population: {comp.population}"),
                               ReportCell(), ReportCell(), ReportCell(), p_cell, ReportCell()],
                              bold=True, shaded=True, key=comp.key))
        hrs = {hr.group: hr for hr in comp.hazard_ratios}
        for g in comp.groups:
            label = pretty_group(g.label)
            median = format_median_with_ci(g.median, g.median_ci, unit, n=g.n)
            hr = hrs.get(g.label)
            if hr is not None and not hr.estimable:
                hr_text, hr_tip = NOT_ESTIMABLE, f"{label} vs {pretty_group(hr.reference)}: {HR_NOTE}"
            elif hr is not None:
                hr_text = format_hr_with_ci(hr.hazard_ratio, hr.ci)
                hr_tip = f"{label} vs {pretty_group(hr.reference)}; Wald P {p_text(hr.p_value)}"
            elif g.label == comp.reference_group or (hrs and g.label not in hrs):
                hr_text, hr_tip = REFERENCE, "Reference group of the hazard ratio"
            else:
                hr_text, hr_tip = DASH, ""
            rows.append(ReportRow([
                ReportCell(label),
                ReportCell(str(g.n), raw=g.n, patients=tuple(g.patient_ids),
                           what=f"{comp.title}: {label}",
                           extra_columns=("her2_heterogeneity", "hr_status")),
                ReportCell(str(g.events), raw=g.events),
                ReportCell(median, raw=g.median),
                ReportCell(),
                ReportCell(hr_text, tooltip=hr_tip, raw=getattr(hr, "hazard_ratio", None)),
            ], indent=1, key=(comp.key, g.label)))
    notes = [f"{MEDIAN_NOTE} HR: Cox model, group vs the reference group. Patients with MBC; "
             "HER2 heterogeneity from the primary tumour and rebiopsy results."]
    # The methods note of each endpoint once (the subgroup comparisons repeat it).
    notes += [c.footnote for c in comparisons if c.key in ("aos_het", "pfs_het") and c.footnote]
    return headers, rows, notes


def heterogeneity_summary(summary: Any) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The "assessed in N patients with MBC: M (x%) heterogeneous" sentence, with both ID lists."""
    if summary is None or not summary.n_assessed:
        return N_("HER2 heterogeneity could not be assessed: no patient with MBC has the results."), (), ()
    n, m = summary.n_assessed, summary.n_heterogeneous
    share = _n_percent(m, n).replace(")", "%)")
    if n == 1:
        text = N_(f'HER2 heterogeneity assessed in <a href="assessed">{n} patient</a> with MBC: '
                  f'<a href="heterogeneous">{share}</a> heterogeneous.')
    else:
        text = N_(f'HER2 heterogeneity assessed in <a href="assessed">{n} patients</a> with MBC: '
                  f'<a href="heterogeneous">{share}</a> heterogeneous.')
    return text, summary.assessed_ids, summary.heterogeneous_ids


class FirstLinePanel(Panel):
    """``set_results(results, cohort=None)``: a ``StudyResults``; ``cohort`` adds key
    columns to the patient lists."""

    title = "First-line & conversion"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.cohort: pd.DataFrame | None = None
        self.last_dialog: PatientListDialog | None = None
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("First-line and conversion tables")
        self.tabs.setDocumentMode(True)
        self.table4 = ReportTable("Table 4")
        self.conversion = ReportTable("Table S7")
        self.heterogeneity = ReportTable("HER2 heterogeneity")
        self.het_summary = QLabel()
        self.het_summary.setWordWrap(True)
        self.het_summary.setStyleSheet("font-size: 11pt; padding: 2px 0 6px 0;")
        self.het_summary.setAccessibleName("HER2 heterogeneity summary")
        self.het_summary.setTextFormat(Qt.TextFormat.RichText)
        self.het_summary.setToolTip(self.tr("Click a number to see the patients behind it."))
        self.het_summary.linkActivated.connect(self._summary_link)
        self.assessed_ids: tuple[str, ...] = ()
        self.heterogeneous_ids: tuple[str, ...] = ()
        het_page = QWidget()
        het_layout = QVBoxLayout(het_page)
        het_layout.setContentsMargins(8, 8, 8, 6)
        het_layout.addWidget(self.het_summary)
        het_layout.addWidget(self.heterogeneity, 1)
        self._het_page = het_page
        for widget, label in ((self.table4, self.tr("Table 4 · First-line treatment")),
                              (self.conversion, self.tr("Table S7 · Receptor conversion")),
                              (het_page, self.tr("HER2 heterogeneity"))):
            page = widget
            if widget is not het_page:
                page = QWidget()
                lay = QVBoxLayout(page)
                lay.setContentsMargins(8, 8, 8, 6)
                lay.addWidget(widget)
            self.tabs.addTab(page, label)
        for table in (self.table4, self.conversion, self.heterogeneity):
            table.patients_requested.connect(self.open_patient_list)
        layout = QVBoxLayout(self.contents)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)

    def set_results(self, results: Any, cohort: pd.DataFrame | None = None) -> None:
        super().set_results(results)
        self.cohort = cohort
        if results is None:
            for t in (self.table4, self.conversion, self.heterogeneity):
                t.clear()
            return
        unit = getattr(getattr(results, "settings", None), "time_unit", "months")
        table4 = getattr(results, "tables", {}).get("table4")
        if table4 is not None and table4.groups:
            headers, rows, notes = table4_rows(table4)
            self.table4.set_table(table4.title, headers, rows, notes=notes,
                                  subtitle=f"Patients with MBC (n = {table4.group_n.get(ALL, 0)}), "
                                           "first-line treatment class.")
        else:
            self.table4.set_table("Table 4. First-line treatment for MBC", [], [],
                                  subtitle="No eligible patient has metastatic breast cancer.")
        conv = getattr(results, "conversion", None)
        if conv is not None and conv.n:
            headers, rows, notes = conversion_rows(conv)
            self.conversion.set_table(
                "Table S7. Receptor conversion between primary tumour and metastasis",
                headers, rows, notes=notes,
                subtitle=f"Patients with ER, PR and HER2 on both biopsies (n = {conv.n}).")
        else:
            self.conversion.set_table(
                "Table S7. Receptor conversion between primary tumour and metastasis", [], [],
                subtitle="No eligible patient has receptor results on a metastatic biopsy.")
        by_key = {c.key: c for c in getattr(results, "survival", ()) or ()}
        comps = [by_key[k] for k in HETEROGENEITY_KEYS if k in by_key and by_key[k].groups]
        text, self.assessed_ids, self.heterogeneous_ids = heterogeneity_summary(
            getattr(results, "heterogeneity", None))
        set_shown(self.het_summary, text)
        if comps:
            headers, rows, notes = heterogeneity_rows(comps, unit)
            self.heterogeneity.set_table("HER2 heterogeneity: advanced OS and first-line PFS",
                                         headers, rows, notes=notes)
        else:
            self.heterogeneity.set_table("HER2 heterogeneity: advanced OS and first-line PFS", [], [])

    def _summary_link(self, which: str) -> None:
        if which == "heterogeneous":
            self.open_patient_list("MBC, HER2 heterogeneous", list(self.heterogeneous_ids),
                                   ("her2_heterogeneity", "hr_status"))
        else:
            self.open_patient_list("MBC, HER2 heterogeneity assessed", list(self.assessed_ids),
                                   ("her2_heterogeneity", "hr_status"))

    def current_table(self) -> ReportTable:
        return (self.table4, self.conversion, self.heterogeneity)[max(self.tabs.currentIndex(), 0)]

    def open_patient_list(self, what: str, ids: list, extra_columns: tuple = ()) -> PatientListDialog:
        self.last_dialog = show_patient_list(self, what, ids, self.cohort, extra_columns=extra_columns)
        return self.last_dialog

    def export_frame(self) -> pd.DataFrame | None:
        if self.results is None:
            return None
        return self.current_table().export_frame()

    def shown_table(self):
        if self.results is None:
            return None
        return self.current_table().shown_table()
