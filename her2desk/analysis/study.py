"""Every analysis of the study in one call: the object the panels, report.xlsx and results.json share.

One ``StudyResults`` feeds all three outputs, so they cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from collections.abc import Sequence
from typing import Callable

import pandas as pd

from ..cohort.loading import Flowchart, flowchart as make_flowchart
from ..cohort.settings import StudySettings
from ..i18n import N_
from .conversion import (ConversionTable, HeterogeneitySummary, her2_heterogeneity,
                         receptor_conversion)
from .endpoints import STANDARD_COMPARISONS, SurvivalComparison, survival_comparison
from .neoadjuvant import NeoadjuvantResults, neoadjuvant_response
from .endpoints import DFS, endpoint_frame
from .survival import IntervalHazard, annual_hazard, reverse_km_median_followup
from .tables import (BaselineTable, CountTable, HR_GROUPS, baseline_table,
                     first_line_table, flag)


class AnalysisCancelled(Exception):
    """The user pressed Cancel."""


@dataclass(frozen=True)
class FollowUp:
    """Median follow-up two ways: observed (as the paper) and reverse Kaplan–Meier."""
    group: str
    n: int
    median: float
    minimum: float
    maximum: float
    reverse_km_median: float


@dataclass(frozen=True)
class StudyResults:
    settings: StudySettings
    flowchart: Flowchart
    tables: dict[str, BaselineTable | CountTable]
    followup: tuple[FollowUp, ...]
    neoadjuvant: NeoadjuvantResults
    survival: tuple[SurvivalComparison, ...]
    cox: object | None                     # cox_models.CoxResults
    conversion: ConversionTable
    hazard_over_time: dict[str, IntervalHazard] = field(default_factory=dict)
    grouping: str = "hr_status"
    notes: tuple[str, ...] = field(default_factory=tuple)
    heterogeneity: HeterogeneitySummary | None = None
    #: The paper's items under their numbers (analysis.paper.ItemResult), in the paper's order.
    paper: tuple = ()

    def survival_by_key(self, key: str) -> SurvivalComparison:
        return next(s for s in self.survival if s.key == key)


def followup_summary(cohort: pd.DataFrame) -> tuple[FollowUp, ...]:
    eligible = cohort[flag(cohort["eligible"])]
    out = []
    for label in ("All", *HR_GROUPS):
        frame = eligible if label == "All" else eligible[eligible["hr_status"] == label]
        t_all = frame["followup_months"].dropna().astype(float)
        if t_all.empty:
            continue
        # A missing death flag is not a death: leave such patients out of the reverse KM only.
        known = frame["followup_months"].notna() & frame["os_event"].notna()
        t = frame.loc[known, "followup_months"].to_numpy(float)
        e = frame.loc[known, "os_event"].astype(bool).to_numpy()
        reverse = float(reverse_km_median_followup(t, e)) if t.size else float("nan")
        out.append(FollowUp(label, int(t_all.size), float(t_all.median()), float(t_all.min()),
                            float(t_all.max()), reverse))
    return tuple(out)


def recurrence_hazard_by_year(cohort: pd.DataFrame) -> dict[str, IntervalHazard]:
    """Annual DFS-event hazard per HR group: where the paper sees the curves cross (~6 years)."""
    frame = endpoint_frame(cohort, DFS, columns=["hr_status"])
    out = {}
    for label in HR_GROUPS:
        sub = frame[frame["hr_status"] == label]
        if len(sub) and sub["dfs_event"].astype(bool).any():
            out[label] = annual_hazard(sub["dfs_months"].to_numpy(float),
                                       sub["dfs_event"].to_numpy(bool), width=12.0)
    return out


#: run_study's stages, in their default order. A caller may put some first (the page on
#: screen); the results do not depend on the order.
STAGES = ("tables", "neoadjuvant", "survival", "cox", "conversion")
#: Each stage's share of the work, for the progress bar (measured on the sample study).
_WEIGHTS = {"tables": 0.15, "neoadjuvant": 0.3, "survival": 0.3, "cox": 0.15, "conversion": 0.05}
Priority = Callable[[], Sequence[str]]


def _partial(settings: StudySettings, flow: Flowchart, grouping: str, parts: dict) -> StudyResults:
    """The results so far: what a page whose stages are done needs (the rest empty)."""
    return StudyResults(settings, flow, parts.get("tables", {}), parts.get("followup", ()),
                        parts.get("neoadjuvant"), tuple(parts.get("survival", ())),
                        parts.get("cox"), parts.get("conversion"),
                        parts.get("hazard_over_time", {}), grouping, (),
                        parts.get("heterogeneity"))


def run_study(cohort: pd.DataFrame, settings: StudySettings | None = None, *,
              flowchart: Flowchart | None = None, grouping: str = "hr_status",
              progress: Callable[[float, str], None] | None = None,
              cancelled: Callable[[], bool] | None = None,
              first: Sequence[str] | Priority = (),
              on_stage: Callable[[str, StudyResults], None] | None = None) -> StudyResults:
    """Run Tables 1–4, neoadjuvant response, survival comparisons, Cox models and conversion.

    ``first``: stages (of :data:`STAGES`) to run before the others, or a callable asked
    before each stage (so the page the user switches to comes next); ``on_stage(name,
    partial)`` is called after each stage with the results so far. The paper's items and the
    notes, which need every stage, come last.
    """
    from .cox_models import study_cox_models
    from .paper import paper_results

    settings = settings or StudySettings()
    progress = progress or (lambda f, t: None)
    cancelled = cancelled or (lambda: False)
    flow = flowchart or make_flowchart(cohort)
    priority: Priority = first if callable(first) else (lambda: first)
    done_share = 0.0

    def step(text: str) -> None:
        if cancelled():
            raise AnalysisCancelled()
        progress(min(done_share, 0.97), text)

    parts: dict = {}

    def tables() -> None:
        step(N_("Baseline tables"))
        t: dict[str, BaselineTable | CountTable] = {
            key: baseline_table(cohort, key, grouping=grouping,
                                include_unknown_in_test=settings.include_unknown_in_test)
            for key in ("table1", "table2", "table3")}
        t["table4"] = first_line_table(cohort)
        parts["tables"] = t

    def neoadjuvant() -> None:
        step(N_("Neoadjuvant response"))
        parts["neoadjuvant"] = neoadjuvant_response(cohort)

    def survival() -> None:
        out = []
        for i, spec in enumerate(STANDARD_COMPARISONS):
            if cancelled():
                raise AnalysisCancelled()
            progress(min(done_share + _WEIGHTS["survival"] * i / len(STANDARD_COMPARISONS), 0.97),
                     spec.title)   # the comparison's own title, translated where it is shown
            out.append(survival_comparison(cohort, spec, conf_type=settings.km_conf_type,
                                           ties=settings.cox_ties))
        parts["survival"] = tuple(out)
        parts["followup"] = followup_summary(cohort)
        parts["hazard_over_time"] = recurrence_hazard_by_year(cohort)

    def cox() -> None:
        step(N_("Cox models"))
        parts["cox"] = study_cox_models(cohort, ties=settings.cox_ties)

    def conversion() -> None:
        step(N_("Receptor conversion"))
        parts["conversion"] = receptor_conversion(cohort)
        parts["heterogeneity"] = her2_heterogeneity(cohort)

    work = {"tables": tables, "neoadjuvant": neoadjuvant, "survival": survival, "cox": cox,
            "conversion": conversion}
    todo = list(STAGES)
    while todo:
        wanted = [name for name in priority() if name in todo]
        name = wanted[0] if wanted else todo[0]
        todo.remove(name)
        work[name]()
        done_share += _WEIGHTS[name]
        if on_stage is not None:
            on_stage(name, _partial(settings, flow, grouping, parts))
    step(N_("The paper's items"))
    notes = study_notes(cohort, parts["tables"], parts["neoadjuvant"], parts["survival"],
                        parts["cox"], parts["conversion"], grouping)
    results = replace(_partial(settings, flow, grouping, parts), notes=tuple(notes))
    results = replace(results, paper=paper_results(cohort, results))
    progress(1.0, N_("Analyses done"))
    return results


def study_notes(cohort: pd.DataFrame, tables, neo: NeoadjuvantResults, survival, cox,
                conversion: ConversionTable, grouping: str = "hr_status") -> list[str]:
    """Plain sentences on what could not be analysed, for the report's first page."""
    notes: list[str] = []
    base = tables["table1"]
    if base.group_n.get("All", 0) == 0:
        notes.append("No eligible patients: every table is empty and no survival analysis ran.")
        return notes
    if len(base.groups) < 2:
        shown = base.groups[0] if base.groups else "none"
        notes.append(f"Only one {grouping.replace('_', ' ')} group among eligible patients "
                     f"({shown}): no between-group P values or hazard ratios.")
    if tables["table3"].group_n.get("All", 0) == 0:
        notes.append("No eligible patient has metastatic disease: Tables 3 and 4, advanced-OS "
                     "and PFS are empty.")
    if neo.n == 0:
        notes.append("No eligible patient had neoadjuvant therapy with a Miller–Payne grade: "
                     "no pCR analysis.")
    if conversion.n == 0:
        notes.append("No patient has ER, PR and HER2 results on metastatic tissue: no receptor "
                     "conversion table.")
    for s in survival:
        notes.extend(f"{s.title}: {n}" for n in s.notes)
    if cox is not None:
        notes.extend(f"Cox: {n}" for n in cox.notes)
    return notes
