"""Cox tab: univariate screen and the multivariate model side by side, with a forest plot.

The univariate models and the paper's multivariate model arrive precomputed in
``StudyResults.cox``; another choice of covariates is fitted with
``analysis.cox_models.fit_model`` in a background task (debounced, the latest
choice wins). The panel only tabulates and draws ``CoxModel`` objects.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...i18n import N_
from ...report.format import DASH, format_hr_with_ci, not_estimable_text, pretty_label
from ..language import add_shown_item, shown
from ..plots.forest_plot import ForestPlotWidget
from ..text import p_text
from .base import Panel
from .common import journal_writer, save_figure_to, show_notes, warning_box
from .result_table import Cell, ResultTable

TASK_KEY = "cox-model"
PH_TIP = ("Proportional-hazards check (Schoenfeld residuals, as R's cox.zph). P below 0.05 means this "
          "covariate's effect seems to change over follow-up, so one hazard ratio summarises it poorly; "
          "look at the Kaplan–Meier curves and consider a stratified or time-split model.")


def hr_cell(term: Any) -> Cell:
    """The analysis layer's verdict (``CoxTerm.estimable``) decides; the text is report.format's."""
    if not term.estimable:
        reason = getattr(term, "not_estimable", "")
        if reason.startswith("collinear"):
            why = f"{term.level} vs {term.reference} is {reason}"
        elif not getattr(term, "converged", True):
            why = "The Cox model did not converge"
        else:
            why = "Too few events in one level to estimate a hazard ratio"
        return Cell(not_estimable_text(reason), f"{why}.", warn=True)
    return Cell(format_hr_with_ci(term.hazard_ratio, term.ci),
                f"Hazard ratio of {term.level} vs {term.reference}; Wald 95 % CI.", term.hazard_ratio)


def ph_cell(term: Any) -> Cell:
    p = term.ph_p
    if p is None or not math.isfinite(p):
        return Cell(DASH, "The proportional-hazards check could not be computed.")
    if term.ph_flagged:
        return Cell(f"{p_text(p)} ⚠", PH_TIP, p, warn=True)
    return Cell(p_text(p), PH_TIP, p)


class CoxPanel(Panel):
    """``set_results(cox, cohort=None, settings=None)``: ``analysis.cox_models.CoxResults``.

    ``model_shown(model)`` is emitted when the multivariate table and forest plot
    show a (new) model; ``set_covariates`` / ``set_endpoint`` drive it like the user.
    """

    title = "Cox"
    model_shown = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        from ...analysis.cox_models import ALL_COVARIATES, COVARIATES

        # the table lists the screen (Tables S5–S6) and any other ticked covariate
        self.covariates = ALL_COVARIATES
        screened = {c.variable for c in COVARIATES}
        self.endpoint_box = QComboBox()
        self.endpoint_box.setAccessibleName("Endpoint")
        add_shown_item(self.endpoint_box, N_("Overall survival (OS)"), "OS")
        add_shown_item(self.endpoint_box, N_("Disease-free survival (DFS)"), "DFS")
        self.forest_box = QComboBox()
        self.forest_box.setAccessibleName("Forest plot shows")
        add_shown_item(self.forest_box, N_("Multivariate model"), "multivariate")
        add_shown_item(self.forest_box, N_("Univariate models"), "univariate")
        self.save_button = QPushButton(self.tr("Save forest plot…"))
        self.save_button.setAccessibleName("Save the forest plot")
        self.save_button.clicked.connect(lambda: self.save_figure())

        self.picker = QListWidget()
        self.picker.setAccessibleName("Covariates in the multivariate model")
        for cov in ALL_COVARIATES:
            item = QListWidgetItem(shown(cov.label))
            item.setData(Qt.ItemDataRole.UserRole, cov.variable)
            item.setToolTip("Entered as a number: hazard ratio per unit." if cov.continuous
                            else f"Reference level: {cov.reference}"
                            + ("" if cov.variable in screened
                               else " (not in the paper's univariate screen)"))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.picker.addItem(item)
        self.reset_button = QPushButton(self.tr("Paper's model"))
        self.reset_button.setToolTip(self.tr("Tick the covariates of the paper's multivariate model of this "
                                     "endpoint (Table S5 for OS, Table S6 for DFS)"))
        self.reset_button.clicked.connect(self.reset_covariates)
        picker_box = QGroupBox(self.tr("Multivariate model"))
        self.picker_box = picker_box
        pl = QVBoxLayout(picker_box)
        hint = QLabel(self.tr("Tick the covariates to adjust for:"))
        hint.setWordWrap(True)
        pl.addWidget(hint)
        pl.addWidget(self.picker, 1)
        pl.addWidget(self.reset_button)
        self.picker.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.picker.setWordWrap(True)
        picker_box.setMinimumWidth(170)

        self.model_label = QLabel()
        self.model_label.setAccessibleName("Model summary")
        self.model_label.setWordWrap(True)
        self.model_label.setStyleSheet("padding: 2px 4px; font-size: 10.5pt;")
        self.warnings_label = warning_box("Model warnings")
        self.table = ResultTable(name="Cox models")
        self.forest = ForestPlotWidget()

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.model_label)
        rl.addWidget(self.warnings_label)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.forest)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 380])
        rl.addWidget(split, 1)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Endpoint:")))
        top.addWidget(self.endpoint_box)
        top.addSpacing(12)
        top.addWidget(QLabel(self.tr("Forest plot:")))
        top.addWidget(self.forest_box)
        top.addStretch(1)
        top.addWidget(self.save_button)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(picker_box)
        body.addWidget(right)
        body.setStretchFactor(1, 1)
        body.setSizes([230, 1000])
        layout = QVBoxLayout(self.contents)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(body, 1)

        self.cox: Any = None
        self.cohort: pd.DataFrame | None = None
        self.settings: Any = None
        self.cache: dict[tuple, Any] = {}
        self.model: Any = None
        self.univariate: tuple = ()
        self._generation = 0
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(350)
        self._debounce.timeout.connect(self.recompute)
        self.picker.itemChanged.connect(lambda *_: self._debounce.start())
        self.endpoint_box.currentIndexChanged.connect(lambda *_: self._endpoint_changed())
        self.forest_box.currentIndexChanged.connect(lambda *_: self._draw_forest())

    # -- results in -------------------------------------------------------------------
    def set_results(self, cox: Any, *, cohort: pd.DataFrame | None = None, settings: Any = None) -> None:
        super().set_results(cox)
        self._generation += 1
        self.cache = {}
        self.model = None
        if cox is None:
            return
        from ...analysis.cox_models import paper_model

        preset = set(paper_model(self.endpoint))
        self.cox, self.cohort, self.settings = cox, cohort, settings
        for m in cox.models:
            if m.kind == "multivariate":
                self.cache[(m.endpoint, tuple(sorted(m.variables)))] = m
        present = set(cohort.columns) if cohort is not None else None
        self.picker.blockSignals(True)
        for i in range(self.picker.count()):
            item = self.picker.item(i)
            var = item.data(Qt.ItemDataRole.UserRole)
            available = present is None or var in present
            item.setHidden(not available)
            item.setCheckState(Qt.CheckState.Checked if var in preset and available
                               else Qt.CheckState.Unchecked)
        self.picker.blockSignals(False)
        self.recompute()

    def clear_results(self, text: str | None = None) -> None:
        self._generation += 1
        self._debounce.stop()
        self.cache, self.model, self.cohort, self.cox = {}, None, None, None
        self._runner().cancel(TASK_KEY)
        super().clear_results(text)

    # -- choices -----------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return self.endpoint_box.currentData()

    def chosen(self) -> list[str]:
        return [self.picker.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.picker.count())
                if self.picker.item(i).checkState() == Qt.CheckState.Checked
                and not self.picker.item(i).isHidden()]

    def set_covariates(self, variables: Sequence[str]) -> None:
        """Tick exactly ``variables`` and refit (at once, not after the typing pause)."""
        wanted = set(variables)
        self.picker.blockSignals(True)
        for i in range(self.picker.count()):
            item = self.picker.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)
        self.picker.blockSignals(False)
        self.recompute()

    def reset_covariates(self) -> None:
        """Tick the paper's model of the endpoint shown."""
        from ...analysis.cox_models import paper_model

        self.set_covariates(paper_model(self.endpoint))

    def _endpoint_changed(self) -> None:
        """The paper's model of one endpoint follows to the other's; another choice stays."""
        from ...analysis.cox_models import PAPER_MODEL, paper_model

        ticked = set(self.chosen())
        if any(ticked == {v for v in m if self._available(v)} for m in PAPER_MODEL.values()):
            self.set_covariates(paper_model(self.endpoint))
        else:
            self.recompute()

    def _available(self, var: str) -> bool:
        return self.cohort is None or var in self.cohort.columns

    def set_endpoint(self, endpoint: str) -> None:
        self.endpoint_box.setCurrentIndex(self.endpoint_box.findData(endpoint))

    # -- fitting -------------------------------------------------------------------------
    def recompute(self) -> None:
        self._debounce.stop()
        if self.cox is None:
            return
        endpoint = self.endpoint
        variables = self.chosen()
        self.univariate = tuple(self.cox.univariate(endpoint))
        key = (endpoint, tuple(sorted(variables)))
        if not variables:
            self._show_model(None, "Tick at least one covariate to fit the multivariate model.")
            return
        if key in self.cache:
            self._show_model(self.cache[key])
            return
        if self.cohort is None:
            self._show_model(None, "This model needs the study's patient data; reopen the study.")
            return
        cohort = self.cohort
        ties = getattr(self.settings, "cox_ties", None) or getattr(self.cox, "ties", "efron")
        self._generation += 1
        generation = self._generation
        self.model_label.setText(self.tr("Fitting the multivariate model with {0} covariate{1}…").format(len(variables), 's' * (len(variables) != 1)))

        def work(progress, cancelled):
            from ...analysis.cox_models import fit_model

            progress(0.2, "Fitting the Cox model")
            return fit_model(cohort, endpoint, variables, ties=ties, kind="multivariate")

        def finished(model: Any) -> None:
            if generation != self._generation:
                return
            if model is None:
                self._show_model(None, "None of the ticked covariates has its reference level in this "
                                       "study, so no model could be fitted.")
                return
            self.cache[key] = model
            self._show_model(model)

        def failed(message: str) -> None:
            if generation == self._generation:
                self._show_model(None, f"The multivariate model could not be fitted. {message}")

        self._runner().start(TASK_KEY, work, on_finished=finished, on_failed=failed)

    # -- display ---------------------------------------------------------------------------
    def _model_summary(self, model: Any) -> str:
        """The model's n, events, patients left out and global PH test, in the window's language."""
        dropped = ((self.tr("; {0} patient left out because a ticked covariate is missing")
                    if model.n_dropped == 1 else
                    self.tr("; {0} patients left out because a ticked covariate is missing"))
                   .format(model.n_dropped) if model.n_dropped else "")
        return self.tr("<b>Multivariate model ({0})</b>: {1} patients, {2} events{3}. Global proportional-hazards test P = {4}.").format(shown(model.endpoint), model.n, model.events, dropped, p_text(model.ph_global_p))

    def retranslate(self) -> None:
        """The language changed: the group box's title and the model's summary are said again."""
        super().retranslate()
        if not hasattr(self, "picker_box"):      # still being built
            return
        self.picker_box.setTitle(self.tr("Multivariate model"))
        if self.model is not None:
            self.model_label.setText(self._model_summary(self.model))

    def _show_model(self, model: Any, problem: str = "") -> None:
        self.model = model
        if model is None:
            self.model_label.setText("")
            self._set_warnings([problem] if problem else [])
        else:
            self.model_label.setText(self._model_summary(model))
            notes = list(model.warnings)
            if not model.converged:
                notes.insert(0, N_("The model did not converge: its hazard ratios are not reliable; "
                                   "tick fewer covariates."))
            notes += list(model.ph_flags)
            from ...analysis.cox_models import model_cautions

            notes += list(model_cautions(model))   # covariates known after the time origin
            self._set_warnings(notes)
        self._fill_table()
        self._draw_forest()
        self.model_shown.emit(model)

    def _set_warnings(self, notes: Sequence[str]) -> None:
        # The panel's own "did not converge" comes first and the model's is dropped.
        show_notes(self.warnings_label, notes)

    def _fill_table(self) -> None:
        uni_terms = {}
        uni_models = {}
        for m in self.univariate:
            uni_models[m.variables[0]] = m
            for t in m.terms:
                uni_terms[(t.variable, t.level)] = t
        multi_terms = {(t.variable, t.level): t for t in self.model.terms} if self.model else {}
        in_model = ({t.variable for t in self.model.terms} if self.model else set())
        headers = ["Covariate", "Level", "Univariate\nn (events)", "Univariate\nHR (95 % CI)", "Univariate\nP",
                   "Univariate\nPH-test P", "Multivariate\nHR (95 % CI)", "Multivariate\nP",
                   "Multivariate\nPH-test P"]
        rows = []
        for cov in self.covariates:
            levels = [t.level for t in uni_terms.values() if t.variable == cov.variable]
            levels += [lv for (v, lv) in multi_terms if v == cov.variable and lv not in levels]
            if not levels:
                continue
            um = uni_models.get(cov.variable)
            n_cell = Cell(f"{um.n} ({um.events})" if um else DASH,
                          f"{um.n_dropped} patient{'s' * (um.n_dropped != 1)} with this covariate missing "
                          "left out." if um and um.n_dropped else "")
            ref_multi = "1" if cov.variable in in_model else "not in model"
            rows.append([Cell(cov.label, cov.label, bold=True), Cell(f"{pretty_label(cov.reference)} (ref.)", muted=True),
                         n_cell, Cell("1", "Reference level.", muted=True), "", "",
                         Cell(ref_multi, muted=True), "", ""])
            for level in levels:
                u = uni_terms.get((cov.variable, level))
                mt = multi_terms.get((cov.variable, level))
                row = [Cell(""), Cell(pretty_label(level)), Cell("")]
                row += [hr_cell(u), Cell(p_text(u.p_value), "Wald test.", u.p_value), ph_cell(u)] if u else \
                    [Cell(DASH), Cell(""), Cell("")]
                if mt is not None:
                    row += [hr_cell(mt), Cell(p_text(mt.p_value), "Wald test, adjusted for the other ticked "
                                              "covariates.", mt.p_value), ph_cell(mt)]
                else:
                    row += [Cell("not in model" if cov.variable not in in_model else DASH, muted=True),
                            Cell(""), Cell("")]
                rows.append(row)
        self.table.set_rows(headers, rows, header_tips={
            "Univariate\nPH-test P": PH_TIP, "Multivariate\nPH-test P": PH_TIP,
            "Univariate\nn (events)": "Patients (events) with this covariate known.",
        })
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 200))

    def _draw_forest(self) -> None:
        from ..plots.forest_plot import ForestRow

        which = self.forest_box.currentData()
        ep = self.endpoint
        if which == "univariate":
            rows = [ForestRow(f"{t.label}: {pretty_label(t.level)} vs {pretty_label(t.reference)}",
                              t.hazard_ratio, t.ci[0], t.ci[1],
                              t.p_value, t.estimable) for m in self.univariate for t in m.terms]
            self.forest.set_rows(rows, title=N_(f"Univariate Cox models, {ep}"))
        elif self.model is not None:
            self.forest.set_cox_model(self.model, title=N_(f"Multivariate Cox model, {ep}"))
        else:
            self.forest.set_rows([], title="")
        self._follow_paper_item(ep if which != "univariate" and self.model is not None else "")

    def _follow_paper_item(self, endpoint: str) -> None:
        """The multivariate forest plot is the report's Table S5 (OS) or S6 (DFS) forest figure,
        so Figure options… can be saved for that item only and come back when it is shown."""
        from ...report.figure_style import item_of
        from ..report_figures import FOREST_FIGURES

        item = next((item_of(title) for title, e in FOREST_FIGURES if e == endpoint), "")
        if item == getattr(self.forest, "paper_item", ""):
            return
        self.forest.paper_item = item
        if self.window() is not self:
            from ..figure_styles import apply_figure_styles

            apply_figure_styles(self.window())

    # -- export ------------------------------------------------------------------------------
    def save_figure(self, path: str | None = None) -> None:
        save_figure_to(self, journal_writer(self, self.forest), path, caption="Save forest plot",
                       start="forest_plot.png")

    def export_frame(self) -> pd.DataFrame | None:
        if self.cox is None:
            return None
        return self.table.frame()

    def shown_table(self):
        if self.cox is None:
            return None
        import re

        summary = re.sub(r"<[^>]+>", "", self.model_label.text())
        return self.table.shown_table(f"Cox proportional-hazards models, {self.endpoint}", [summary])
