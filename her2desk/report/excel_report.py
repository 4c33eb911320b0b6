"""``report.xlsx``: the study's tables formatted for a manuscript, one sheet per table.

Reads only :class:`StudyResults`; figures arrive as PNG bytes rendered by the caller,
so this layer needs no Qt.
"""
from __future__ import annotations

import io
import math
from datetime import datetime
from pathlib import Path
from typing import Iterable, Mapping

from openpyxl import Workbook
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..crf.escape import neutralise_workbook, xlsx_value
from .. import __version__
from ..analysis.compare import ALL, CategoricalComparison, ContinuousComparison
from ..analysis.study import StudyResults
from ..analysis.tables import BaselineTable, CountTable
from .format import (DASH, HR_NOTE, RANGE, REFERENCE, MEDIAN_NOTE, NOT_ESTIMABLE, format_hr, format_hr_ci,
                     format_hr_with_ci, format_median, format_median_ci, format_median_range,
                     format_months, format_n_percent, format_number, format_p, format_percent,
                     not_estimable_text)

_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_NOTE = Font(italic=True, size=9, color="555555")
_THIN = Side(style="thin", color="888888")
_WRAP = Alignment(wrap_text=True, vertical="top")

SHEETS = ("Settings", "Flowchart", "Table 1", "Table 2", "Table 3", "Table 4", "pCR",
          "Survival", "Hazard by year", "Cox", "Conversion")


def _pct(x: float | None) -> str:
    """A proportion under a "%" header ("52.6"); blank when there is none."""
    return "" if x is None else format_percent(x, symbol="")


def _hr_cells(hr: float, ci: tuple[float, float], p: float, estimable: bool) -> tuple[str, str, str]:
    """HR, "lo–hi" and Wald P; "not estimable", "—", "—" when the analysis says so."""
    if not estimable:
        return NOT_ESTIMABLE, DASH, DASH
    return format_hr(hr), format_hr_ci(ci), format_p(p)


def _term_cells(t) -> tuple[str, str, str]:
    """A Cox term's HR, CI and P cells; a term dropped as collinear says so in its HR cell."""
    if not t.estimable:
        return not_estimable_text(t.not_estimable), DASH, DASH
    return _hr_cells(t.hazard_ratio, t.ci, t.p_value, True)


class _Sheet:
    """Appends rows with consistent styling and remembers column widths."""

    def __init__(self, wb: Workbook, title: str, heading: str):
        self.ws = wb.create_sheet(title)
        self.widths: dict[int, int] = {}
        self.row(heading, font=_TITLE)

    def row(self, *values, font: Font | None = None, fill: PatternFill | None = None,
            border: bool = False) -> int:
        self.ws.append([xlsx_value(v) for v in values])
        r = self.ws.max_row
        for i, v in enumerate(values, start=1):
            cell = self.ws.cell(r, i)
            if font:
                cell.font = font
            if fill:
                cell.fill = fill
            if border:
                cell.border = Border(bottom=_THIN)
            if v is not None:
                self.widths[i] = max(self.widths.get(i, 8), min(60, len(str(v)) + 2))
        return r

    def header(self, *values) -> int:
        return self.row(*values, font=_BOLD, fill=_HEAD_FILL, border=True)

    def note(self, text: str) -> None:
        if text:
            r = self.row(text, font=_NOTE)
            self.ws.cell(r, 1).alignment = Alignment(wrap_text=False)
            self.widths[1] = max(self.widths.get(1, 8), 12)

    def blank(self) -> None:
        self.ws.append([])

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self.ws.freeze_panes = "A3"


def _settings_sheet(wb: Workbook, results: StudyResults, source: Path | None, sha256: str) -> None:
    sh = _Sheet(wb, "Settings", "Study report settings")
    sh.header("Item", "Value")
    sh.row("Input file", source.name if source else "")
    sh.row("Input SHA-256", sha256)
    sh.row("her2desk version", __version__)
    sh.row("Generated", datetime.now().strftime("%Y-%m-%d %H:%M"))
    for key, value in results.settings.to_dict().items():
        sh.row(key, str(value))
    if results.notes:
        sh.blank()
        sh.header("Notes on this analysis", "")
        for text in results.notes:
            sh.note(text)
    sh.finish()


def _flowchart_sheet(wb: Workbook, results: StudyResults) -> None:
    f = results.flowchart
    sh = _Sheet(wb, "Flowchart", "Fig 1. Patient selection")
    sh.header("Step", "n")
    sh.row("Admitted", f.admitted)
    for label, n in f.excluded.items():
        sh.row(f"  Excluded: {label}", n)
    sh.row("Excluded in total", f.excluded_total)
    sh.row("Eligible", f.eligible, font=_BOLD)
    for label, n in f.groups.items():
        sh.row(f"  {label}", n)
    sh.finish()


def _baseline_sheet(wb: Workbook, name: str, table: BaselineTable) -> None:
    sh = _Sheet(wb, name, table.title)
    groups = list(table.groups) + [ALL]
    sh.header("Characteristic", *[f"{g} (n = {table.group_n[g]})" for g in groups], "P", "Test")
    for comp in table.comparisons:
        if isinstance(comp, ContinuousComparison):
            cells = [format_median_range(comp.median[g], comp.minimum[g], comp.maximum[g])
                     for g in groups]
            sh.row(f"{comp.label}, median (range)", *cells, format_p(comp.p_value), comp.test or "")
            continue
        assert isinstance(comp, CategoricalComparison)
        sh.row(comp.label, *[""] * len(groups), format_p(comp.p_value), comp.test or "",
               font=_BOLD)
        for level in comp.levels:
            cells = [format_n_percent(int(comp.counts.at[level, g]), int(comp.totals[g]))
                     for g in groups]
            sh.row(f"  {level}", *cells)
    sh.blank()
    sh.note(table.footnote)
    for comp in table.comparisons:
        if getattr(comp, "footnote", ""):
            sh.note(f"{comp.label}: {comp.footnote}")
    sh.finish()


def _followup_note(ws, results: StudyResults) -> None:
    parts = [f"{f.group} {format_number(f.reverse_km_median, 0)}" for f in results.followup
             if not math.isnan(f.reverse_km_median)]
    if parts:
        ws.append([f"Median follow-up by reverse Kaplan–Meier (months): {', '.join(parts)}. "
                   "Follow-up runs from diagnosis to death or last contact, capped at the cutoff."])
        ws.cell(ws.max_row, 1).font = _NOTE


def _count_sheet(wb: Workbook, name: str, table: CountTable) -> None:
    sh = _Sheet(wb, name, table.title)
    groups = list(table.groups) + [ALL]
    sh.header("Regimen", *[f"{g} (n = {table.group_n[g]})" for g in groups])
    for r in table.rows:
        cells = [format_n_percent(r.counts[g], table.group_n[g]) for g in groups]
        sh.row(("    " * r.indent) + r.level, *cells, font=None if r.indent else _BOLD)
    sh.blank()
    sh.note(table.footnote)
    sh.finish()


def _pcr_sheet(wb: Workbook, results: StudyResults) -> None:
    neo = results.neoadjuvant
    sh = _Sheet(wb, "pCR", f"Neoadjuvant response (n = {neo.n})")
    for a in neo.analyses:
        sh.blank()
        sh.row(a.title, font=_BOLD)
        sh.header("Group", "n", "pCR", "pCR rate (%)", "95% CI (%)", "P vs reference", "Test",
                  "MP1", "MP2", "MP3", "MP4", "MP5")
        pair = {str(p.group): p for p in a.pcr.pairwise}
        for r in a.pcr.rates:
            p = pair.get(str(r.group))
            grades = [int(a.grades.counts.at[k, r.group]) if r.group in a.grades.groups else ""
                      for k in a.grades.grades]
            sh.row(str(r.group), r.n, r.k, _pct(r.rate),
                   f"{_pct(r.ci_low)}{RANGE}{_pct(r.ci_high)}" if r.rate is not None else "",
                   "reference" if r.group == a.pcr.reference else (format_p(p.p_value) if p else ""),
                   (p.test or "") if p else "", *grades)
        sh.row("Overall P", "", "", "", "", format_p(a.pcr.overall.p_value),
               a.pcr.overall.test or "")
    sh.blank()
    sh.note(neo.footnote)
    sh.finish()


def _survival_sheet(wb: Workbook, results: StudyResults) -> None:
    sh = _Sheet(wb, "Survival", "Survival (Kaplan–Meier, log-rank, Cox hazard ratios)")
    for s in results.survival:
        sh.blank()
        sh.row(s.title, font=_BOLD)
        sh.header("Group", "n", "Events", "Median (months)", "95% CI", "1-year (%)", "3-year (%)",
                  "5-year (%)", "HR (95% CI)", "Cox P", "Log-rank P")
        hrs = {h.group: h for h in s.hazard_ratios}
        for i, g in enumerate(s.groups):
            h = hrs.get(g.label)
            if h:
                hr_text = format_hr_with_ci(h.hazard_ratio, h.ci, h.estimable)
                p = format_p(h.p_value) if h.estimable else DASH
            else:
                hr_text, p = (REFERENCE if g.label == s.reference_group else ""), ""
            sh.row(g.label, g.n, g.events, format_median(g.median, n=g.n),
                   "" if g.n == 0 else format_median_ci(*g.median_ci, g.median),
                   *[format_percent(g.landmarks.get(t, (float("nan"),))[0], symbol="")
                     for t in (12.0, 36.0, 60.0)],
                   hr_text, p,
                   format_p(s.logrank_p) if i == 0 and s.logrank_p is not None else "")
        sh.note(f"{s.footnote} {DASH} under 1-, 3- and 5-year: the group's follow-up ends before "
                f"that time (R gives NA). {MEDIAN_NOTE} {HR_NOTE}")
        for text in s.notes:
            sh.note(text)
    sh.finish()


def _hazard_sheet(wb: Workbook, results: StudyResults) -> None:
    sh = _Sheet(wb, "Hazard by year", "Annual hazard of a DFS event, by HR status")
    sh.header("Year after surgery", *[f"{g}: events / person-years" for g in results.hazard_over_time],
              *[f"{g}: per 100 person-years" for g in results.hazard_over_time])
    curves = list(results.hazard_over_time.values())
    years = max((len(h.start) for h in curves), default=0)
    for i in range(years):
        counts, rates = [], []
        for h in curves:
            if i < len(h.start):
                counts.append(f"{int(h.events[i])} / {format_months(h.person_time[i], 'years')}")
                rates.append(format_number(100 * 12 * h.hazard[i], 1))
            else:
                counts.append("")
                rates.append("")
        sh.row(f"{i}–{i + 1}", *counts, *rates)
    sh.blank()
    sh.note("Events per person-time in each year of follow-up (constant hazard within the year); "
            "it shows when risk accrues, which a single hazard ratio averages away.")
    sh.finish()


def _cox_sheet(wb: Workbook, results: StudyResults) -> None:
    sh = _Sheet(wb, "Cox", f"Cox proportional-hazards models ({results.cox.ties.capitalize()} ties)"
                if results.cox else "Cox proportional-hazards models")
    if results.cox is None:
        sh.note("No Cox model could be fitted.")
        sh.finish()
        return
    for m in results.cox.models:
        if m.kind != "multivariate":
            continue
        sh.blank()
        sh.row(f"{m.endpoint}: multivariate model (n = {m.n}, events = {m.events}, "
               f"{m.n_dropped} rows dropped for missing values)", font=_BOLD)
        _cox_terms(sh, m)
    for ep in sorted({m.endpoint for m in results.cox.models}):
        sh.blank()
        sh.row(f"{ep}: univariate models", font=_BOLD)
        sh.header("Covariate", "Level vs reference", "HR", "95% CI", "P", "PH test P", "n", "Events")
        for m in results.cox.univariate(ep):
            for t in m.terms:
                sh.row(t.label, f"{t.level} vs {t.reference}", *_term_cells(t),
                       format_p(t.ph_p) if t.ph_p is not None else "", m.n, m.events)
    if results.cox.notes:
        sh.blank()
        for text in results.cox.notes:
            sh.note(text)
    sh.blank()
    sh.note("HR with Wald 95% CI and P. PH test: score test of a time-varying effect on the "
            "Kaplan–Meier time scale, as R's cox.zph; P < 0.05 flags non-proportional hazards. "
            + HR_NOTE + " Not estimable (collinear): the term is a linear combination of the "
            "model's other terms, dropped as R's coxph drops it (toler.chol), which prints NA.")
    sh.finish()


def _cox_terms(sh: _Sheet, m) -> None:
    sh.header("Covariate", "Level vs reference", "HR", "95% CI", "P", "PH test P")
    for t in m.terms:
        sh.row(t.label, f"{t.level} vs {t.reference}", *_term_cells(t),
               format_p(t.ph_p) if t.ph_p is not None else "")
    for w in (*m.warnings, *m.ph_flags):
        sh.note(w)
    if m.ph_global_p is not None:
        sh.note(f"Global proportional-hazards test P = {format_p(m.ph_global_p)}.")


def _conversion_sheet(wb: Workbook, results: StudyResults) -> None:
    c = results.conversion
    sh = _Sheet(wb, "Conversion", f"Table S7. Receptor conversion, primary → metastasis (n = {c.n})")
    sh.header("Receptor", "Concordant", "Positive → negative", "Negative → positive", "Discordant")
    for r in c.rows:
        disc = r.discordant
        sh.row(r.receptor, *[format_n_percent(r.counts[k], r.n) for k in
                             ("concordant", "pos->neg", "neg->pos")], format_n_percent(disc, r.n))
    sh.blank()
    sh.note(c.footnote)
    sh.finish()


def _figures_sheet(wb: Workbook, figures: Mapping[str, bytes]) -> None:
    ws = wb.create_sheet("Figures")
    ws["A1"] = "Figures"
    ws["A1"].font = _TITLE
    row = 3
    for title, png in figures.items():
        ws.cell(row, 1, title).font = _BOLD
        img = XLImage(io.BytesIO(png))
        scale = min(1.0, 720 / max(img.width, 1))
        img.width, img.height = int(img.width * scale), int(img.height * scale)
        ws.add_image(img, f"A{row + 1}")
        row += int(img.height / 20) + 4


def build_report_workbook(results: StudyResults, *, source: Path | None = None, sha256: str = "",
                          figures: Mapping[str, bytes] | None = None) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    _settings_sheet(wb, results, source, sha256)
    _flowchart_sheet(wb, results)
    for key, name in (("table1", "Table 1"), ("table2", "Table 2"), ("table3", "Table 3")):
        _baseline_sheet(wb, name, results.tables[key])
    _followup_note(wb["Table 1"], results)
    _count_sheet(wb, "Table 4", results.tables["table4"])
    _pcr_sheet(wb, results)
    _survival_sheet(wb, results)
    _hazard_sheet(wb, results)
    _cox_sheet(wb, results)
    _conversion_sheet(wb, results)
    if figures:
        _figures_sheet(wb, figures)
    return neutralise_workbook(wb)     # no text (a file named '=1+1.xlsx') becomes a formula


def sheet_names(with_figures: bool = False) -> Iterable[str]:
    return SHEETS + (("Figures",) if with_figures else ())
