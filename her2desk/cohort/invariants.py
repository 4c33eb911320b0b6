"""What must hold of every derived cohort, whatever the CRF: checked at the end of the pipeline.

A cohort that breaks one of these is a bug in this program, never a fault of the
workbook, so it stops the pipeline with :class:`CohortInvariantError` instead of
showing a coordinator numbers that do not add up.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .eligibility import RULES
from .schema import ER_PR_GROUPS, HR_GROUPS

if TYPE_CHECKING:  # pragma: no cover
    from .loading import Flowchart


class CohortInvariantError(AssertionError):
    """The cohort or its flowchart contradicts itself (a bug, with the broken rule named)."""


def invariant_violations(cohort: pd.DataFrame, flow: "Flowchart") -> list[str]:
    """Every broken invariant, one sentence each (empty when the cohort adds up)."""
    problems: list[str] = []
    eligible = cohort["eligible"].to_numpy(dtype=bool)
    reasons = cohort["exclusion_reason"]
    keys = {r.key for r in RULES}
    if flow.admitted != len(cohort):
        problems.append(f"the flowchart admits {flow.admitted} patients, the cohort has "
                        f"{len(cohort)}")
    if flow.admitted != flow.eligible + flow.excluded_total:
        problems.append(f"admitted {flow.admitted} ≠ eligible {flow.eligible} + excluded "
                        f"{flow.excluded_total}")
    if flow.eligible != int(eligible.sum()):
        problems.append(f"the flowchart has {flow.eligible} eligible, the cohort {eligible.sum()}")
    if reasons[eligible].notna().any():
        problems.append("an eligible patient has an exclusion reason")
    excluded = reasons[~eligible]
    if excluded.isna().any() or not excluded.isin(keys).all():
        problems.append("an excluded patient has no exclusion reason, or one that is not a rule")
    for rule in RULES:
        n = int((reasons == rule.key).sum())
        if flow.excluded.get(rule.label, 0) != n:
            problems.append(f"'{rule.label}': flowchart {flow.excluded.get(rule.label, 0)}, "
                            f"cohort {n}")
    for column, groups in (("hr_status", HR_GROUPS), ("er_pr_subgroup", ER_PR_GROUPS)):
        values = cohort.loc[eligible, column]
        outside = int((~values.isin(groups)).sum())
        if outside:
            problems.append(f"{outside} eligible patient(s) are in no {column} group")
    if sum(flow.groups.values()) != flow.eligible:
        problems.append(f"the HR groups hold {sum(flow.groups.values())} patients, "
                        f"{flow.eligible} are eligible")
    if not cohort["patient_id"].is_unique:
        problems.append("a patient appears twice in the cohort")
    return problems


def check_invariants(cohort: pd.DataFrame, flow: "Flowchart") -> None:
    """Raise :class:`CohortInvariantError` naming every broken invariant."""
    problems = invariant_violations(cohort, flow)
    if problems:
        raise CohortInvariantError("The cohort does not add up: " + "; ".join(problems) + ".")
