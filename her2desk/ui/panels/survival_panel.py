"""Survival tab: Kaplan–Meier curves for any endpoint × grouping, a summary table, yearly hazards.

The paper's comparisons arrive precomputed in ``StudyResults.survival``; any other
endpoint × grouping is built as a ``ComparisonSpec`` and computed by
``analysis.endpoints.survival_comparison`` in a background task. Nothing here
computes a statistic: the panel picks, draws and tabulates result objects.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_
from ...report.format import (DASH, MEDIAN_NOTE, NOT_ESTIMABLE, REFERENCE, format_hr, format_hr_ci,
                              format_hr_with_ci, format_median_with_ci, format_rate_ci)
from ..language import add_shown_item, find_english, set_shown
from ..plots import style
from ..plots.figure import FigureWidget
from ..plots.km_plot import KMPlotWidget
from ..text import p_phrase, p_text
from .base import Panel
from .common import figures_over_table, journal_writer, save_figure_to, save_menu_button, show_notes, warning_box
from .pairs_table import PairsBox
from .result_table import Cell, ResultTable, show_patients

TASK_KEY = "survival-comparison"


def hr_estimable(hr: Any) -> bool:
    """The analysis layer's verdict (``HazardRatio.estimable``): converged, finite, positive."""
    return bool(getattr(hr, "estimable", False))


def annotation_for(comparison: Any) -> str:
    """'Log-rank P = …' and one 'HR … (95 % CI …)' line per group vs the reference."""
    lines = []
    p = getattr(comparison, "logrank_p", None)
    if p is not None and math.isfinite(p):
        lines.append(p_phrase("Log-rank P", p))
    for hr in getattr(comparison, "hazard_ratios", ()) or ():
        if not hr_estimable(hr):
            lines.append(f"HR {NOT_ESTIMABLE}, {hr.group} vs {hr.reference}")
            continue
        lines.append(f"HR {format_hr(hr.hazard_ratio)} (95 % CI {format_hr_ci(hr.ci)}), "
                     f"{hr.group} vs {hr.reference}")
    return "\n".join(lines)


@dataclass(frozen=True)
class GroupingOption:
    """A grouping the user can pick; ``subset`` None = the endpoint's usual population."""

    label: str
    column: str
    subset: str | None = None


def grouping_options() -> tuple[GroupingOption, ...]:
    from ...analysis.endpoints import SURVIVAL_GROUPINGS

    return tuple(GroupingOption(label, column, subset) for label, column, subset in SURVIVAL_GROUPINGS)


ENDPOINT_LABELS = {"OS": N_("Overall survival (OS)"), "DFS": N_("Disease-free survival (DFS)"),
                   "advanced_OS": N_("Overall survival from MBC diagnosis (advanced-OS)"),
                   "PFS": N_("First-line progression-free survival (PFS)")}


def spec_for(endpoint: str, option: GroupingOption) -> Any:
    """The analysis layer's comparison for this choice (the paper's when there is one)."""
    from ...analysis.endpoints import comparison_spec

    return comparison_spec(endpoint, option.column, option.subset, option.label)


def median_cell(group: Any, unit: str) -> str:
    """ "23.4 (18.0–30.2)", "NR (45.2–NR)": the rule of :mod:`her2desk.report.format`."""
    return format_median_with_ci(group.median, group.median_ci, unit, n=group.n)


def landmark_cell(group: Any, months: float) -> str:
    value = group.landmarks.get(float(months))
    if value is None:
        return DASH
    return format_rate_ci(*value)


#: Years of follow-up with fewer patients at risk are left out of the hazard plot.
MIN_AT_RISK = 10


class HazardPlotWidget(FigureWidget):
    """Events per 100 person-years in each year of follow-up, one line per group.

    Years in which fewer than ``MIN_AT_RISK`` patients of a group were still followed
    are not drawn: their rates rest on one or two events.
    """

    export_title = "Yearly hazard plot"
    figure_kind = "hazard"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, name="Yearly hazard plot")
        self.plot = self.add_plot()
        self.plot.showGrid(x=False, y=True, alpha=style.GRID_ALPHA)
        self._y_top = 1.0
        self.plot.getViewBox().sigResized.connect(self._fit_y)
        # Upper left: hazards start low, so that corner is the emptiest. The legend scales with
        # the page like the rest (pyqtgraph draws it untransformed: a speck at 600 dpi).
        self.legend = self.plot.addLegend(offset=(10, 6), labelTextSize=f"{style.TICK_PT}pt",
                                          labelTextColor=style.FOREGROUND,
                                          brush=pg.mkBrush(255, 255, 255, 230), pen=pg.mkPen("#bbbbbb"))
        self.legend.setFlag(self.legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
        #: label -> (interval start in months, events per 100 person-years) as drawn
        self.series: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def _fit_y(self, *_: Any) -> None:
        style.fit_y_from_zero(self.plot, self._y_top)     # keeps the "0" label at any height

    def set_hazards(self, hazards: Sequence[tuple[str, Any]], *, time_unit: str = "months",
                    title: str = "") -> None:
        from ..plots.km_plot import nice_ticks

        self.plot.clear()
        self.legend.clear()
        self.series = {}
        scale = 1 / 12.0 if time_unit == "years" else 1.0
        t_max = 0.0
        y_max = 0.0
        for i, (label, hz) in enumerate(hazards):
            start = np.asarray(hz.start, dtype=float)
            end = np.asarray(hz.end, dtype=float)
            rate = np.asarray(hz.hazard, dtype=float) * 12.0 * 100.0   # per person-month -> per 100 py
            # A year with a handful of patients left gives a rate of 100s that hides the rest.
            ok = np.isfinite(rate) & (np.asarray(hz.n_at_risk) >= MIN_AT_RISK)
            mid = (start + end) / 2 * scale
            colour = self.colour(i, label)
            self.plot.plot(mid[ok], rate[ok], pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=6,
                           symbolBrush=pg.mkBrush(colour), symbolPen=pg.mkPen("w"),
                           name=self.figure_style.legend_label(label) if self.figure_style else label)
            self.series[label] = (start[ok], rate[ok])
            if ok.any():
                t_max = max(t_max, float(end[ok].max() * scale))
                y_max = max(y_max, float(rate[ok].max()))
        style.style_axis(self.plot.getAxis("left"), "Events per 100 person-years")
        style.style_axis(self.plot.getAxis("bottom"), f"Time ({time_unit}), by year of follow-up")
        ticks = nice_ticks(t_max or 12 * scale * 5, time_unit)
        x_end = max(t_max, ticks[-1])
        if self.figure_style is not None and (self.figure_style.x_max or self.figure_style.x_tick):
            x_end, step = self.figure_style.time_ticks(x_end)
            ticks = np.arange(0.0, x_end + 1e-9, step) if step else nice_ticks(x_end, time_unit)
        self.plot.getAxis("bottom").setTicks([[(v, f"{v:g}") for v in ticks], []])
        self.plot.setXRange(-0.03 * x_end, x_end * 1.02, padding=0)
        self._y_top = (y_max or 1.0) * 1.15
        self._fit_y()
        self.plot.setTitle(title or None, size=f"{style.LABEL_PT}pt", color=style.FOREGROUND.name())


class SurvivalPanel(Panel):
    """``set_results(comparisons, time_unit="months", cohort=None, settings=None)``.

    ``comparisons``: the precomputed ``SurvivalComparison`` objects; ``cohort``
    (the derived cohort) lets the panel compute any other endpoint × grouping.
    ``comparison_shown(comparison)`` is emitted each time the figure and table change.
    """

    title = "Survival"
    comparison_shown = Signal(object)
    compute_failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        from ...analysis.endpoints import ENDPOINTS

        self.options = grouping_options()
        self.endpoint_box = QComboBox()
        self.endpoint_box.setAccessibleName("Endpoint")
        for key in ENDPOINTS:
            add_shown_item(self.endpoint_box, ENDPOINT_LABELS.get(key, key), key)
        self.grouping_box = QComboBox()
        self.grouping_box.setAccessibleName("Compare groups")
        for opt in self.options:
            add_shown_item(self.grouping_box, opt.label, opt.column)
        self.grouping_box.setCurrentIndex(1)   # by HR status: the study's main comparison (Fig 4b)
        self.unit_box = QComboBox()
        self.unit_box.setAccessibleName("Time unit")
        add_shown_item(self.unit_box, N_("Months"), "months")
        add_shown_item(self.unit_box, N_("Years"), "years")
        self.ci_check = QCheckBox(self.tr("95 % CI bands"))
        self.ci_check.setChecked(True)
        self.median_check = QCheckBox(self.tr("Median lines"))
        self.hazard_check = QCheckBox(self.tr("Yearly hazard"))
        self.hazard_check.setToolTip(self.tr("Events per 100 person-years in each year of follow-up: shows when "
                                     "risk accrues, e.g. curves that cross late."))
        self.save_button = save_menu_button([
            ("Kaplan–Meier figure (PNG, SVG, PDF)…", lambda: self.save_figure()),
            ("Yearly hazard figure (PNG, SVG, PDF)…", lambda: self.save_figure(which="hazard"))])

        self.plot = KMPlotWidget()
        self.hazard_plot = HazardPlotWidget()
        self.hazard_plot.hide()
        self.table = ResultTable(name="Survival summary")
        self.table.patients_requested.connect(self._show_patients)
        self.status = QLabel()
        self.status.setAccessibleName("Survival status")
        self.status.setWordWrap(True)
        self.status.hide()
        #: The comparison's notes (Cox separation, non-convergence, no events…), as on the Cox tab.
        self.notes_label = warning_box("Survival model notes")
        self.footnote = QLabel()
        self.footnote.setWordWrap(True)
        self.footnote.setStyleSheet("color: #555; padding: 2px 6px;")

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Endpoint:")))
        top.addWidget(self.endpoint_box, 2)
        top.addSpacing(8)
        top.addWidget(QLabel(self.tr("Compare:")))
        top.addWidget(self.grouping_box, 2)
        top.addSpacing(8)
        top.addWidget(QLabel(self.tr("Time in:")))
        top.addWidget(self.unit_box)
        opts = QHBoxLayout()
        for w in (self.ci_check, self.median_check, self.hazard_check):
            opts.addWidget(w)
        opts.addStretch(1)
        opts.addWidget(self.save_button)

        figures = QSplitter(Qt.Orientation.Horizontal)
        figures.addWidget(self.plot)
        figures.addWidget(self.hazard_plot)
        figures.setStretchFactor(0, 3)
        figures.setStretchFactor(1, 2)
        self.figures = figures
        #: The paper item's pairs under its number (Figs 4d/5d/6d: every ER/PR pair) and the
        #: immortal-time caution of the grouping shown.
        self.pairs_box = PairsBox("Paper item")
        # beside the summary table, so the curves keep their height
        tables = QSplitter(Qt.Orientation.Horizontal)
        tables.addWidget(self.table)
        tables.addWidget(self.pairs_box)
        tables.setStretchFactor(0, 1)
        tables.setStretchFactor(1, 1)
        tables.setSizes([700, 640])
        split = figures_over_table(figures, [tables, self.notes_label, self.footnote],
                                   stretch=(4, 2), sizes=(565, 195))
        self.splitter = split
        layout = QVBoxLayout(self.contents)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(opts)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

        self.comparisons: list[Any] = []
        self.cache: dict[str, Any] = {}
        self.cohort: pd.DataFrame | None = None
        self.settings: Any = None
        self.time_unit = "months"
        self.current: Any = None
        self.hazards: dict[str, Any] = {}
        self._hazard_cache: dict[str, dict[str, Any]] = {}
        self.paper: tuple[Any, ...] = ()      # analysis.paper.ItemResult of the study
        self._wanted_item: str | None = None  # the item the Paper navigator asked for
        self.item_ids: tuple[str, ...] = ()   # the registry numbers of the comparison shown
        self._generation = 0
        for box in (self.endpoint_box, self.grouping_box):
            box.currentIndexChanged.connect(self._choice_changed)
        self.unit_box.currentIndexChanged.connect(self._redraw)
        for check in (self.ci_check, self.median_check, self.hazard_check):
            check.toggled.connect(self._redraw)

    def set_paper_items(self, items: Sequence[Any] | None) -> None:
        """The study's paper items (``StudyResults.paper``); call before ``set_results``."""
        self.paper = tuple(items or ())

    def refresh_paper_items(self, items: Sequence[Any] | None) -> None:
        """New paper items for the page already drawn (they arrive after its stages)."""
        self.set_paper_items(items)
        if self.current is not None:
            self._fill_pairs(self.current)

    def paper_items_for(self, comparison: Any) -> list[Any]:
        """The registry items drawn from this comparison (e.g. Fig 4c and Fig 4d)."""
        from ...analysis.paper import BY_ID

        return [i for i in self.paper if i.id in BY_ID and BY_ID[i.id].source == comparison.key
                and i.kind in ("km", "pairs")]

    def show_paper_item(self, item_id: str) -> None:
        """Show a registry item (a KM figure or a P/HR panel) under its number, as the user
        would choose it: its endpoint and grouping, and its pairs below the table."""
        from ...analysis.endpoints import ENDPOINT_SUBSET, STANDARD_COMPARISONS
        from ...analysis.paper import BY_ID

        spec = next(s for s in STANDARD_COMPARISONS if s.key == BY_ID[item_id].source)
        option = next(o for o in self.options if o.column == spec.grouping and (
            o.subset == spec.subset
            or (o.subset is None and spec.subset == ENDPOINT_SUBSET.get(spec.endpoint, ""))))
        self._wanted_item = item_id
        self.select(spec.endpoint, option.label)

    @property
    def choice(self) -> QComboBox:
        """The grouping chooser (the name this tab's single chooser had before)."""
        return self.grouping_box

    # -- results in ----------------------------------------------------------------
    def set_results(self, comparisons: Sequence[Any] | None, time_unit: str = "months", *,
                    cohort: pd.DataFrame | None = None, settings: Any = None) -> None:
        super().set_results(comparisons)
        self._generation += 1
        self.cache = {}
        self._hazard_cache = {}
        self.current = None
        if comparisons is None:
            return
        self.comparisons = list(comparisons)
        self.cache = {c.key: c for c in self.comparisons}
        self.cohort, self.settings = cohort, settings
        self.unit_box.blockSignals(True)
        self.unit_box.setCurrentIndex(max(0, self.unit_box.findData(time_unit)))
        self.unit_box.blockSignals(False)
        self._choice_changed()

    def clear_results(self, text: str | None = None) -> None:
        self._generation += 1
        self.cache, self.current, self.cohort = {}, None, None
        self._hazard_cache = {}
        runner = self._runner()
        runner.cancel(TASK_KEY)
        super().clear_results(text)

    # -- choices -------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return self.endpoint_box.currentData()

    @property
    def grouping(self) -> GroupingOption:
        return self.options[max(0, self.grouping_box.currentIndex())]

    def select(self, endpoint: str, grouping_label: str | None = None) -> None:
        """Choose endpoint and grouping (by the label in the list) as the user would."""
        self.endpoint_box.blockSignals(True)
        self.endpoint_box.setCurrentIndex(self.endpoint_box.findData(endpoint))
        self.endpoint_box.blockSignals(False)
        if grouping_label is not None:
            self.grouping_box.blockSignals(True)
            self.grouping_box.setCurrentIndex(find_english(self.grouping_box, grouping_label))
            self.grouping_box.blockSignals(False)
        self._choice_changed()

    def current_spec(self) -> Any:
        return spec_for(self.endpoint, self.grouping)

    def _choice_changed(self, *_: Any) -> None:
        if self.results is None:
            return
        spec = self.current_spec()
        if spec.key in self.cache:
            self._display(self.cache[spec.key])
            return
        if self.cohort is None:
            self._show_status("This comparison needs the study's patient data; reopen the study.", "warning")
            return
        cohort, settings = self.cohort, self.settings
        conf = getattr(settings, "km_conf_type", "log")
        ties = getattr(settings, "cox_ties", "efron")
        self._generation += 1
        generation = self._generation
        self._show_status(f"Computing {spec.title}…", "info")

        def work(progress, cancelled):
            from ...analysis.endpoints import survival_comparison

            progress(0.2, f"Survival: {spec.title}")
            return survival_comparison(cohort, spec, conf_type=conf, ties=ties)

        def finished(comparison: Any) -> None:
            if generation != self._generation:
                return
            self.cache[spec.key] = comparison
            if self.current_spec().key == spec.key:
                self._display(comparison)

        def failed(message: str) -> None:
            if generation == self._generation:
                self._show_status(f"This comparison could not be computed. {message}", "error")
                self.compute_failed.emit(message)

        self._runner().start(TASK_KEY, work, on_finished=finished, on_failed=failed)

    def _show_status(self, text: str, kind: str = "info") -> None:
        colours = {"info": ("#e6f1fa", "#00507f"), "warning": ("#fff4d6", "#8a5a00"),
                   "error": ("#fde7ea", "#b00020")}
        bg, fg = colours.get(kind, colours["info"])
        self.status.setStyleSheet(f"background: {bg}; color: {fg}; border-radius: 3px; padding: 4px 8px;")
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # -- display -------------------------------------------------------------------
    def _redraw(self, *_: Any) -> None:
        if self.current is not None:
            self._display(self.current)

    def _display(self, comparison: Any) -> None:
        self.current = comparison
        self.time_unit = self.unit_box.currentData()
        notes = list(getattr(comparison, "notes", ()) or ())
        if not comparison.curves:
            from ...analysis.endpoints import ENDPOINTS

            self._show_status(f"No patient in this study has {ENDPOINTS[comparison.endpoint][2].lower()} "
                              f"data among {comparison.population}, so there is nothing to draw.", "warning")
            notes = []          # the status above already says why nothing is estimated
        elif len(comparison.curves) == 1 and comparison.grouping:
            self._show_status(f"Only one group ({comparison.curves[0].label}) has patients here, so "
                              "there is nothing to compare.", "info")
            notes = []
        else:
            self._show_status("")
        show_notes(self.notes_label, notes)
        self._follow_paper_item(comparison)
        self.plot.set_curves(comparison.curves, annotation=annotation_for(comparison),
                             title=comparison.title, time_unit=self.time_unit,
                             show_ci=self.ci_check.isChecked(), show_median=self.median_check.isChecked())
        self._fill_table(comparison)
        self._fill_pairs(comparison)
        self._fill_hazards(comparison)
        set_shown(self.footnote, comparison.footnote)
        self.comparison_shown.emit(comparison)

    def _fill_pairs(self, comparison: Any) -> None:
        """The paper item of this comparison with its pairs (the P/HR panel when there is one,
        or the one the navigator asked for) and the grouping's immortal-time caution."""
        from ...analysis.endpoints import immortal_time_caution

        items = self.paper_items_for(comparison)
        wanted = next((i for i in items if i.id == self._wanted_item), None)
        shown = wanted if wanted is not None and wanted.pairs else (
            next((i for i in items if i.kind == "pairs"), None)
            or next((i for i in items if i.pairs), None))
        caution = immortal_time_caution(comparison.grouping, comparison.endpoint)
        self.pairs_box.set_item(shown, [c for c in [caution] if c] + [
            c for i in items for c in i.cautions], shown_footnote=comparison.footnote)
        self.item_ids = tuple(i.id for i in items)

    def _follow_paper_item(self, comparison: Any) -> None:
        """The KM plot knows which paper figure it draws (Fig 4b...), so Figure options… can be
        saved for that item only, and an item's saved options apply when it is shown."""
        from ...analysis.paper import PAPER_ITEMS

        key = getattr(comparison, "key", None)
        item = next((i.id for i in PAPER_ITEMS if i.kind == "km" and i.source == key), "")
        if item != getattr(self.plot, "paper_item", ""):
            self.plot.paper_item = item
            from ..figure_styles import apply_figure_styles

            apply_figure_styles(self.window()) if self.window() is not self else None

    def _fill_hazards(self, comparison: Any) -> None:
        show = self.hazard_check.isChecked()
        self.hazard_plot.setVisible(show)
        if not show:
            # Toggling the CI bands or the unit redraws the page: no hazards to compute
            # for a figure nobody looks at.
            self.hazards = {}
            return
        key = getattr(comparison, "key", None)
        cached = self._hazard_cache.get(key) if key is not None else None
        if cached is None:
            from ...analysis.endpoints import curve_annual_hazard

            cached = {curve.label: curve_annual_hazard(curve, width=12.0)
                      for curve in comparison.curves if curve.n}
            if key is not None:
                self._hazard_cache[key] = cached
        self.hazards = dict(cached)
        self.hazard_plot.set_hazards(list(self.hazards.items()), time_unit=self.time_unit,
                                     title=f"Yearly hazard (years with ≥{MIN_AT_RISK} at risk)")

    def _fill_table(self, c: Any) -> None:
        unit = self.time_unit
        hrs = {h.group: h for h in c.hazard_ratios}
        headers = ["Group", "n", "Events", f"Median, {unit} (95 % CI)", "1-year survival",
                   "3-year survival", "5-year survival", "HR (95 % CI)", "P (Cox)", "Log-rank P"]
        rows = []
        for g in c.groups:
            hr = hrs.get(g.label)
            if hr is not None and not hr_estimable(hr):
                why = ("The Cox model did not converge" if not hr.converged else
                       "The Cox model gives no finite estimate (e.g. no events in a group)")
                hr_cell = Cell(NOT_ESTIMABLE, f"{why}: no hazard ratio vs {hr.reference}; see the notes "
                               "below the table. The log-rank P is still valid.", warn=True)
                p_cell = Cell(DASH, "No Wald test without an estimable hazard ratio.", muted=True)
                lr_cell = Cell(p_text(hr.logrank_p), f"Log-rank test, {g.label} vs {hr.reference}.",
                               hr.logrank_p)
            elif hr is not None:
                hr_cell = Cell(format_hr_with_ci(hr.hazard_ratio, hr.ci),
                               f"Hazard ratio vs {hr.reference} from a Cox model; Wald 95 % CI.",
                               hr.hazard_ratio)
                p_cell = Cell(p_text(hr.p_value), "Wald test of the Cox coefficient.", hr.p_value)
                lr_cell = Cell(p_text(hr.logrank_p), f"Log-rank test, {g.label} vs {hr.reference}.",
                               hr.logrank_p)
            elif c.reference_group and g.label == c.reference_group and len(c.groups) > 1:
                hr_cell = Cell(REFERENCE, "The other groups are compared with this one.", muted=True)
                p_cell, lr_cell = Cell(""), Cell("")
            else:
                hr_cell, p_cell, lr_cell = Cell(DASH), Cell(DASH), Cell(DASH)
            # Listed on double-click only: a pass over the cohort per group and redraw adds up.
            rows.append([
                Cell(g.label, bold=True),
                Cell(str(g.n), raw=g.n, patients=g.patient_ids),
                Cell(str(g.events), raw=g.events, patients=g.event_ids or None),
                Cell(median_cell(g, unit), MEDIAN_NOTE, g.median),
                *[Cell(landmark_cell(g, m), f"Kaplan–Meier survival at {int(m // 12)} year"
                       f"{'s' * (m != 12)} with 95 % CI.") for m in (12.0, 36.0, 60.0)],
                hr_cell, p_cell, lr_cell,
            ])
        if c.logrank is not None and len(c.groups) > 2:
            rows.append([Cell("All groups", bold=True), "", "", "", "", "", "", "", "",
                         Cell(p_text(c.logrank_p), f"Log-rank test across all {len(c.groups)} groups.",
                              c.logrank_p)])
        self.table.set_rows(headers, rows, header_tips={
            "n": "Patients in this analysis. Double-click a number to list them.",
            "Events": "Patients with the event (death, recurrence or progression).",
            "HR (95 % CI)": "Hazard ratio vs the reference group (Cox model).",
        })

    def _show_patients(self, title: str, ids: tuple) -> None:
        show_patients(self, f"{self.current.title if self.current else ''}: {title}", ids, self.cohort)

    # -- export --------------------------------------------------------------------
    def save_figure(self, path: str | None = None, which: str = "km") -> None:
        widget = self.hazard_plot if which == "hazard" else self.plot
        if which == "hazard" and not self.hazard_plot.isVisible():
            self.hazard_check.setChecked(True)
        save_figure_to(self, journal_writer(self, widget), path,
                       start="yearly_hazard.png" if which == "hazard" else "kaplan_meier.png")

    def export_frame(self) -> pd.DataFrame | None:
        """The summary table shown (one row per group)."""
        if self.current is None:
            return None
        return self.table.frame()

    def shown_table(self):
        if self.current is None:
            return None
        return self.table.shown_table(self.current.title, [self.footnote.text()])
