"""Neoadjuvant response (Figs 2–3): Miller–Payne grades and pCR rates in the study's groupings."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..cohort.schema import (ER_PP, ER_PR_GROUPS, HR_GROUPS, HR_REFERENCE, NEO_CT,
                             NEOADJUVANT_REGIMENS, YES)
from .response import GradeDistribution, RateComparison, grade_distribution, rate_by_group
from .tables import flag

REGIMENS = NEOADJUVANT_REGIMENS


@dataclass(frozen=True)
class ResponseAnalysis:
    key: str
    title: str
    pcr: RateComparison
    grades: GradeDistribution
    patient_ids: dict[str, tuple[str, ...]]     # group -> patients behind its numbers
    responder_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)   # group -> pCR


@dataclass(frozen=True)
class NeoadjuvantResults:
    n: int
    analyses: tuple[ResponseAnalysis, ...]
    footnote: str

    def get(self, key: str) -> ResponseAnalysis:
        return next(a for a in self.analyses if a.key == key)


def neoadjuvant_population(cohort: pd.DataFrame) -> pd.DataFrame:
    """Eligible patients who had neoadjuvant therapy and a recorded Miller–Payne grade."""
    eligible = flag(cohort["eligible"])
    treated = cohort["neoadjuvant_therapy"] == YES
    return cohort[eligible & treated & cohort["miller_payne_grade"].notna()]


def _analysis(frame: pd.DataFrame, key: str, title: str, groups: pd.Series,
              order: list[str], reference: str) -> ResponseAnalysis | None:
    """One grouping's pCR and grade comparison; None when no group has patients."""
    keep = groups.notna()
    frame, groups = frame[keep], groups[keep]
    order = [g for g in order if (groups == g).any()]
    if not order:
        return None
    pcr = rate_by_group(frame["pcr"], groups, reference=reference if reference in order else None,
                        group_order=order)
    grades = grade_distribution(frame["miller_payne_grade"].astype(int), groups, group_order=order)
    ids = {g: tuple(frame.loc[groups == g, "patient_id"].astype(str)) for g in order}
    responded = (frame["pcr"] == True).fillna(False).to_numpy(dtype=bool)  # noqa: E712 (nullable)
    responders = {g: tuple(frame.loc[(groups == g).to_numpy() & responded, "patient_id"].astype(str))
                  for g in order}
    return ResponseAnalysis(key, title, pcr, grades, ids, responders)


def neoadjuvant_response(cohort: pd.DataFrame) -> NeoadjuvantResults:
    frame = neoadjuvant_population(cohort)
    regimen = frame["neoadjuvant_regimen"]
    analyses = [
        _analysis(frame, "hr", "pCR by HR status (Fig 2a)", frame["hr_status"],
                  list(HR_GROUPS), HR_REFERENCE),
        _analysis(frame, "erpr", "pCR by ER/PR subgroup (Fig 2b)", frame["er_pr_subgroup"],
                  list(ER_PR_GROUPS), ER_PP),
        _analysis(frame, "regimen", "pCR by neoadjuvant regimen (Fig 3)", regimen,
                  list(REGIMENS), NEO_CT),
    ]
    for hr in HR_GROUPS:
        sub = frame[frame["hr_status"] == hr]
        analyses.append(_analysis(sub, f"regimen_{hr}", f"pCR by regimen, {hr} (Fig 3a)",
                                  sub["neoadjuvant_regimen"], list(REGIMENS), NEO_CT))
    for reg in REGIMENS[1:]:
        sub = frame[regimen == reg]
        analyses.append(_analysis(sub, f"erpr_{reg}", f"pCR by ER/PR subgroup, {reg} (Fig 3b)",
                                  sub["er_pr_subgroup"], list(ER_PR_GROUPS), ER_PP))
    foot = ("pCR: Miller–Payne grade 5 in the breast (in-situ residue allowed) and no residual "
            "nodal disease; grade 5 with nodal status missing is counted as pCR. Rates with Wilson "
            "95% CI; P overall and against the reference group by chi-square, or Fisher's exact "
            "test when an expected count is below 5.")
    return NeoadjuvantResults(len(frame), tuple(a for a in analyses if a is not None), foot)
