"""Neoadjuvant tab: pCR rates (Wilson CIs) and Miller–Payne grades per analysis, with a table.

Every analysis in ``NeoadjuvantResults`` (by HR status, ER/PR subgroup, regimen,
regimen within each HR group and ER/PR within each HER2-targeted regimen) can be
chosen; the table lists n, pCR, rate with CI and P against the reference group,
and double-clicking a count lists the patients behind it.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
)

from ...i18n import N_
from ...report.format import DASH, format_rate_ci
from ..language import add_shown_item, set_shown
from ..plots.bar_chart import BarChartWidget
from ..text import p_phrase, p_text
from .base import Panel
from .common import figures_over_table, journal_writer, save_figure_to, save_menu_button
from .pairs_table import PairsBox
from .result_table import Cell, ResultTable, show_patients

#: The registry item whose pairs an analysis shows (all pairs, as the paper's text compares):
#: by analysis key, or by its prefix for the analyses within one HR group or regimen.
ITEM_OF_ANALYSIS = {"hr": "Fig 2a", "erpr": "Fig 2b", "regimen_": "Fig 3a", "erpr_": "Fig 3b"}


def item_of_analysis(key: str) -> str | None:
    """ "Fig 3a" for "regimen_HR+/HER2+"; None for an analysis no item compares pairwise."""
    if key in ITEM_OF_ANALYSIS:
        return ITEM_OF_ANALYSIS[key]
    return next((v for k, v in ITEM_OF_ANALYSIS.items() if k.endswith("_") and key.startswith(k)),
                None)


def _same_family(item_id: str, default: str) -> bool:
    """Table S1 shows Fig 3a's comparisons and Table S2 Fig 3b's: either number may be shown."""
    from ...analysis.paper import BY_ID

    return item_id in BY_ID and default in BY_ID and BY_ID[item_id].source == BY_ID[default].source


TEST_WORDS = {
    "chi-square": "Pearson's chi-square test",
    "fisher": "Fisher's exact test",
}


def test_tooltip(test: str | None, reason: str = "") -> str:
    if not test:
        return reason or "No test was possible (a group is empty or every patient had the same result)."
    name = next((v for k, v in TEST_WORDS.items() if k in test.lower()), test)
    return f"{name}." + (f" {reason}" if reason else "")


#: Regimen names are too long for a category axis; the figures use the usual abbreviations.
SHORT_GROUPS = {
    "chemotherapy only": "Chemotherapy only",
    "trastuzumab + chemotherapy": "H + chemo",
    "trastuzumab + pertuzumab + chemotherapy": "HP + chemo",
}
ABBREVIATIONS = "H = trastuzumab, P = pertuzumab, chemo = chemotherapy."


def short(group: Any) -> str:
    return SHORT_GROUPS.get(str(group), str(group))


def shortened(pcr: Any, grades: Any) -> tuple[Any, Any]:
    """The same results with short group names, for the figures only."""
    from dataclasses import replace

    pcr_s = replace(pcr, rates=tuple(replace(r, group=short(r.group)) for r in pcr.rates))
    grades_s = replace(grades, groups=tuple(short(g) for g in grades.groups),
                       percent=grades.percent.rename(columns=short),
                       n=grades.n.rename(index=short))
    return pcr_s, grades_s


def rate_text(r: Any) -> str:
    """ "52.6 % (47.1–58.0)", the rule of :mod:`her2desk.report.format`."""
    return format_rate_ci(r.rate, r.ci_low, r.ci_high)


class NeoadjuvantPanel(Panel):
    """``set_results(neo, cohort=None)``: ``analysis.neoadjuvant.NeoadjuvantResults`` (``analyses``
    of ``ResponseAnalysis`` with ``title``, ``pcr`` RateComparison, ``grades`` GradeDistribution,
    ``patient_ids``; ``footnote``). ``cohort`` lets "pCR" counts list exactly the responders."""

    title = "Neoadjuvant"
    analysis_shown = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choice = QComboBox()
        self.choice.setAccessibleName("Neoadjuvant analysis shown")
        self.choice.currentIndexChanged.connect(self._show)
        self.save_button = save_menu_button([
            ("pCR rates (PNG, SVG, PDF)…", lambda: self.save_figure(which="pcr")),
            ("Miller–Payne grades (PNG, SVG, PDF)…", lambda: self.save_figure(which="grades"))])
        self.pcr_chart = BarChartWidget()
        self.pcr_chart.setAccessibleName("pCR rates")
        self.grade_chart = BarChartWidget()
        self.grade_chart.setAccessibleName("Miller–Payne grades")
        self.table = ResultTable(name="pCR by group")
        self.table.patients_requested.connect(self._show_patients)
        self.grade_p = QLabel()
        self.grade_p.setAccessibleName("Grade distribution test")
        self.grade_p.setStyleSheet("padding: 2px 6px;")
        self.footnote = QLabel()
        self.footnote.setWordWrap(True)
        self.footnote.setStyleSheet("color: #555; padding: 2px 6px;")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Analysis:")))
        top.addWidget(self.choice, 1)
        top.addWidget(self.save_button)
        charts = QSplitter()
        charts.addWidget(self.pcr_chart)
        charts.addWidget(self.grade_chart)
        #: The paper item's pairs (Figs 2–3, Tables S1–S2: every pair the text compares).
        self.pairs_box = PairsBox("Paper item")
        tables = QSplitter(Qt.Orientation.Vertical)
        tables.addWidget(self.table)
        tables.addWidget(self.pairs_box)
        tables.setSizes([110, 210])
        split = figures_over_table(charts, [tables, self.grade_p, self.footnote],
                                   stretch=(3, 2), sizes=(420, 380))
        layout = QVBoxLayout(self.contents)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.analyses: list[Any] = []
        self.cohort: pd.DataFrame | None = None
        self.current: Any = None
        self.paper: dict[str, Any] = {}       # registry id -> analysis.paper.ItemResult
        self._wanted_item: str | None = None  # the item the Paper navigator asked for

    def set_paper_items(self, items: Any) -> None:
        """The study's paper items (``StudyResults.paper``); call before ``set_results``."""
        self.paper = {i.id: i for i in items or ()}

    def refresh_paper_items(self, items: Any) -> None:
        """New paper items for the page already drawn (they arrive after its stages)."""
        self.set_paper_items(items)
        if self.current is not None:
            self._show(self.analyses.index(self.current))

    def show_paper_item(self, item_id: str) -> None:
        """Show a pCR item under its number: its analysis, and its pairs below the table."""
        from ...analysis.paper import BY_ID

        source = BY_ID[item_id].source
        key = {"hr": "hr", "erpr": "erpr"}.get(source)
        if key is None:          # regimen × HR (Fig 3a, Table S1) or regimen × ER/PR (3b, S2)
            prefix = "regimen_" if source == "regimen_by_hr" else "erpr_"
            key = next((a.key for a in self.analyses if a.key.startswith(prefix)), None)
        self._wanted_item = item_id
        if key is not None:
            self.select(key)

    def set_results(self, neo: Any, *, cohort: pd.DataFrame | None = None) -> None:
        super().set_results(neo)
        self.current = None
        if neo is None:
            return
        self.cohort = cohort
        self.analyses = list(neo.analyses)
        set_shown(self.footnote, getattr(neo, "footnote", ""))
        self.choice.blockSignals(True)
        self.choice.clear()
        for a in self.analyses:
            add_shown_item(self.choice, a.title)
        self.choice.blockSignals(False)
        if not self.analyses:
            self.show_message(self.tr("No patient in the cohort had neoadjuvant therapy with a recorded grade."))
            return
        self._show(0)

    def select(self, key: str) -> None:
        """Show the analysis with this key (e.g. "hr", "regimen_HR+/HER2+")."""
        index = next(i for i, a in enumerate(self.analyses) if a.key == key)
        if index == self.choice.currentIndex():
            self._show(index)
        else:
            self.choice.setCurrentIndex(index)

    def _follow_paper_item(self, key: str) -> None:
        """Both charts know the paper figure they draw (Fig 2a, Fig 3a...), the same item the
        report's bar figures carry, so Figure options… can be saved for that item only and an
        item's saved options apply when it is shown."""
        from ...report.figure_style import item_of
        from ..report_figures import BAR_FIGURES

        item = next((item_of(title) for title, k, _ in BAR_FIGURES if k == key), "")
        if item == getattr(self.pcr_chart, "paper_item", ""):
            return
        self.pcr_chart.paper_item = self.grade_chart.paper_item = item
        if self.window() is not self:
            from ..figure_styles import apply_figure_styles

            apply_figure_styles(self.window())

    def _show(self, index: int) -> None:
        if not 0 <= index < len(self.analyses):
            return
        a = self.analyses[index]
        self.current = a
        pcr, grades = shortened(a.pcr, a.grades)
        self.pcr_chart.set_rate_comparison(pcr, title="Pathological complete response (95 % CI)")
        self.grade_chart.set_grade_distribution(grades, title="Miller–Payne grade")
        self._fill_table(a)
        self._follow_paper_item(a.key)
        wanted = item_of_analysis(a.key)
        item_id = self._wanted_item if self._wanted_item in self.paper and wanted is not None \
            and _same_family(self._wanted_item, wanted) else wanted
        self.pairs_box.set_item(self.paper.get(item_id) if item_id else None,
                                shown_footnote=self.footnote.property("her2desk_source") or "")
        g = a.grades.overall
        abbreviations = f"  ·  {ABBREVIATIONS}" if any(str(x) in SHORT_GROUPS for x in a.grades.groups) else ""
        test = f" ({g.test})" if g.test else ""
        set_shown(self.grade_p, N_(f"Miller–Payne grade distribution across groups: {p_phrase('P', g.p_value)}"
                                   f"{test}{abbreviations}"))
        self.grade_p.setToolTip(test_tooltip(g.test, g.reason))
        self.analysis_shown.emit(a)

    def _fill_table(self, a: Any) -> None:
        pcr = a.pcr
        headers = ["Group", "n", "pCR", "pCR rate (95 % CI)", "P vs reference", "Test"]
        rows = []
        for r in pcr.rates:
            ids = a.patient_ids.get(str(r.group), a.patient_ids.get(r.group, ()))
            is_ref = r.group == pcr.reference
            pw = next((t for t in pcr.pairwise if t.group == r.group), None)
            if is_ref:
                p_cell, test_cell = Cell("reference", "The other groups are compared with this one.",
                                         muted=True), Cell("")
            elif pw is not None:
                p_cell = Cell(p_text(pw.p_value), test_tooltip(pw.test, pw.test_reason), pw.p_value)
                test_cell = Cell(pw.test or DASH, test_tooltip(pw.test, pw.test_reason))
            else:
                p_cell, test_cell = Cell(DASH), Cell("")
            rows.append([
                Cell(str(r.group), bold=True),
                Cell(str(r.n), raw=r.n, patients=ids),
                # Listed on double-click only: each is a pass over the cohort.
                Cell(str(r.k), raw=r.k, patients=a.responder_ids.get(r.group) or None),
                Cell(rate_text(r), "Wilson score 95 % confidence interval.", r.rate),
                p_cell, test_cell,
            ])
        o = pcr.overall
        rows.append([Cell("All groups (overall)", bold=True), "", "", "",
                     Cell(p_text(o.p_value), test_tooltip(o.test, o.reason), o.p_value),
                     Cell(o.test or DASH, test_tooltip(o.test, o.reason))])
        self.table.set_rows(headers, rows, header_tips={
            "n": "Patients with a Miller–Payne grade in this group. Double-click to list them.",
            "pCR": "Patients with a pathological complete response. Double-click to list them.",
            "P vs reference": "Each group against the reference group; hover a P for the test used.",
        })

    def _show_patients(self, title: str, ids: tuple) -> None:
        what = f"{self.current.title if self.current else 'Neoadjuvant'}: {title}"
        show_patients(self, what, ids, self.cohort)

    def save_figure(self, path: str | None = None, which: str = "pcr") -> None:
        chart = self.grade_chart if which == "grades" else self.pcr_chart
        save_figure_to(self, journal_writer(self, chart), path, start=f"{which}.png")

    def export_frame(self) -> pd.DataFrame | None:
        if self.current is None:
            return None
        return self.table.frame()

    def shown_table(self):
        if self.current is None:
            return None
        return self.table.shown_table(f"pCR: {self.current.title}",
                                      [self.grade_p.text(), self.footnote.text()])
