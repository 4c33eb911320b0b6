"""Survival endpoints of the study: who is in each population, and the comparisons the paper makes.

``survival_comparison`` turns the derived cohort into KM curves, log-rank tests and
Cox hazard ratios for one endpoint and one grouping; ``STANDARD_COMPARISONS`` lists
those behind Figs 4–8 and S1–S2.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Hashable, Sequence

import numpy as np
import pandas as pd

from ..i18n import N_
from ..cohort.schema import ER_NN, FL_CLASSES, HR_POS, HR_REFERENCE
from .tables import flag
from .survival import (KMCurve, LogRankResult, kaplan_meier, logrank_test, pairwise_logrank,
                       survival_at)

OS, DFS, PFS, ADVANCED_OS = "OS", "DFS", "PFS", "advanced_OS"
ENDPOINTS: dict[str, tuple[str, str, str]] = {
    # endpoint: (time column, event column, plain name)
    OS: ("os_months", "os_event", "Overall survival"),
    DFS: ("dfs_months", "dfs_event", "Disease-free survival"),
    ADVANCED_OS: ("advanced_os_months", "advanced_os_event", "Overall survival from MBC diagnosis"),
    PFS: ("pfs_months", "pfs_event", "Progression-free survival (first line)"),
}
LANDMARKS_MONTHS = (12.0, 36.0, 60.0)
OVERALL = "All patients"


@dataclass(frozen=True)
class GroupSurvival:
    label: str
    n: int
    events: int
    median: float                       # months; NaN = not reached
    median_ci: tuple[float, float]
    landmarks: dict[float, tuple[float, float, float]]   # months -> (S, low, high)
    patient_ids: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()     # the patients behind ``events``


@dataclass(frozen=True)
class HazardRatio:
    group: str
    reference: str
    hazard_ratio: float
    ci: tuple[float, float]
    p_value: float                      # Wald
    logrank_p: float
    converged: bool = True              # the Cox fit behind it converged

    @property
    def estimable(self) -> bool:
        """A hazard ratio worth printing (:func:`her2desk.analysis.cox.estimable`): converged,
        HR and both CI limits finite and positive."""
        from .cox import estimable

        return estimable(self.hazard_ratio, self.ci, self.converged)


@dataclass(frozen=True)
class SurvivalComparison:
    key: str
    title: str
    endpoint: str
    grouping: str                       # derived column, or "" for all patients together
    population: str
    curves: tuple[KMCurve, ...]
    groups: tuple[GroupSurvival, ...]
    logrank: LogRankResult | None
    pairwise: dict[tuple[Hashable, Hashable], float] = field(default_factory=dict)
    hazard_ratios: tuple[HazardRatio, ...] = ()
    reference_group: str = ""
    footnote: str = ""
    notes: tuple[str, ...] = ()         # why a number is missing, model warnings

    @property
    def logrank_p(self) -> float | None:
        return None if self.logrank is None else float(self.logrank.p_value)


@dataclass(frozen=True)
class ComparisonSpec:
    key: str
    title: str
    endpoint: str
    grouping: str = ""
    reference: str | None = None
    subset: str = ""                    # name in SUBSETS
    labels: dict = field(default_factory=dict)   # raw group value -> shown label


def _eligible(c: pd.DataFrame) -> pd.Series:
    return flag(c["eligible"])


def _mbc(c: pd.DataFrame) -> pd.Series:
    return _eligible(c) & flag(c["mbc"])


def _hr_pos_mbc(c: pd.DataFrame) -> pd.Series:
    return _mbc(c) & (c["hr_status"] == HR_POS)


def _sequential_pool(c: pd.DataFrame) -> pd.Series:
    """HER2-targeted + chemotherapy, with or without endocrine maintenance (Fig 8)."""
    return _hr_pos_mbc(c) & c["first_line_class"].isin(FL_CLASSES[:2])


def _heterogeneous(c: pd.DataFrame) -> pd.Series:
    return _mbc(c) & flag(c["her2_heterogeneity"])


SUBSETS: dict[str, tuple[str, Callable[[pd.DataFrame], pd.Series]]] = {
    "": ("eligible patients", _eligible),
    "mbc": ("patients with MBC", _mbc),
    "hr_pos_mbc": ("HR+/HER2+ patients with MBC", _hr_pos_mbc),
    "sequential_pool": ("HR+/HER2+ MBC treated with HER2-targeted therapy + chemotherapy",
                        _sequential_pool),
    "heterogeneous": ("MBC with HER2 heterogeneity", _heterogeneous),
}

_HET_LABELS = {True: "HER2 heterogeneous", False: "HER2 homogeneous"}
_ET_LABELS = {"Yes": "Endocrine therapy", "No": "No endocrine therapy"}
_SEQ_LABELS = {"Yes": "Endocrine maintenance", "No": "No endocrine maintenance"}

STANDARD_COMPARISONS: tuple[ComparisonSpec, ...] = (
    ComparisonSpec("os_all", "OS, all patients (Fig 4a)", OS),
    ComparisonSpec("os_hr", "OS by HR status (Fig 4b)", OS, "hr_status", HR_REFERENCE),
    ComparisonSpec("os_erpr", "OS by ER/PR subgroup (Fig 4c)", OS, "er_pr_subgroup", ER_NN),
    ComparisonSpec("dfs_all", "DFS, all patients (Fig 5a)", DFS),
    ComparisonSpec("dfs_hr", "DFS by HR status (Fig 5b)", DFS, "hr_status", HR_REFERENCE),
    ComparisonSpec("dfs_erpr", "DFS by ER/PR subgroup (Fig 5c)", DFS, "er_pr_subgroup", ER_NN),
    ComparisonSpec("aos_all", "Advanced-OS, all MBC (Fig 6a)", ADVANCED_OS, subset="mbc"),
    ComparisonSpec("aos_hr", "Advanced-OS by HR status (Fig 6b)", ADVANCED_OS, "hr_status",
                   HR_REFERENCE, "mbc"),
    ComparisonSpec("aos_erpr", "Advanced-OS by ER/PR subgroup (Fig 6c)", ADVANCED_OS,
                   "er_pr_subgroup", ER_NN, "mbc"),
    ComparisonSpec("pfs_hr", "First-line PFS by HR status", PFS, "hr_status",
                   HR_REFERENCE, "mbc"),
    ComparisonSpec("aos_et", "Advanced-OS, first-line endocrine therapy vs none (Fig 7a)",
                   ADVANCED_OS, "first_line_endocrine_any", "No", "hr_pos_mbc", _ET_LABELS),
    ComparisonSpec("pfs_et", "PFS, first-line endocrine therapy vs none (Fig 7b)",
                   PFS, "first_line_endocrine_any", "No", "hr_pos_mbc", _ET_LABELS),
    ComparisonSpec("aos_seq", "Advanced-OS, endocrine maintenance vs none (Fig 8a)",
                   ADVANCED_OS, "sequential_endocrine", "No", "sequential_pool", _SEQ_LABELS),
    ComparisonSpec("pfs_seq", "PFS, endocrine maintenance vs none (Fig 8b)",
                   PFS, "sequential_endocrine", "No", "sequential_pool", _SEQ_LABELS),
    ComparisonSpec("aos_het", "Advanced-OS by HER2 heterogeneity (Fig S1a)", ADVANCED_OS,
                   "her2_heterogeneity", False, "mbc", _HET_LABELS),
    ComparisonSpec("pfs_het", "PFS by HER2 heterogeneity (Fig S1b)", PFS,
                   "her2_heterogeneity", False, "mbc", _HET_LABELS),
    ComparisonSpec("aos_het_hr", "Advanced-OS by HR status, HER2 heterogeneous (Fig S2a)",
                   ADVANCED_OS, "hr_status", HR_REFERENCE, "heterogeneous"),
    ComparisonSpec("pfs_het_hr", "PFS by HR status, HER2 heterogeneous (Fig S2b)", PFS,
                   "hr_status", HR_REFERENCE, "heterogeneous"),
)


#: When each endpoint's clock starts (OS: surgery, or diagnosis without surgery).
ENDPOINT_ORIGIN: dict[str, str] = {OS: "surgery", DFS: "surgery", ADVANCED_OS: "MBC diagnosis",
                                   PFS: "first-line start"}
#: The moments of the disease course, in order; a grouping is known from its moment on.
TIMELINE: tuple[str, ...] = ("diagnosis", "surgery", "MBC diagnosis", "first-line start",
                             "end of first-line induction")
#: When a grouping or covariate is known ("defined at"); columns not listed are known at
#: diagnosis or surgery (baseline and early treatment: Tables 1–2).
DEFINED_AT: dict[str, str] = {
    "neoadjuvant_therapy": "diagnosis", "neoadjuvant_regimen": "diagnosis",
    "mbc": "MBC diagnosis", "mbc_type": "MBC diagnosis", "her2_heterogeneity": "MBC diagnosis",
    "her2_heterogeneity_seen": "MBC diagnosis",
    **{f"metastasis_{s}": "MBC diagnosis" for s in ("lung", "liver", "brain_cns", "bone",
                                                    "distant_lymph_node", "other")},
    "site_visceral": "MBC diagnosis", "visceral_site_count": "MBC diagnosis",
    **{f"site_{s}": "MBC diagnosis" for s in ("lung", "liver", "brain_cns", "bone",
                                              "distant_lymph_node", "other")},
    **{f"first_site_{s}": "MBC diagnosis" for s in ("visceral", "lung", "liver", "brain_cns",
                                                    "bone", "distant_lymph_node", "other")},
    "er_conversion": "MBC diagnosis", "pr_conversion": "MBC diagnosis",
    "her2_conversion": "MBC diagnosis",
    "first_line_class": "first-line start", "first_line_subclass": "first-line start",
    "first_line_targets": "first-line start", "first_line_endocrine_any": "first-line start",
    "sequential_endocrine": "end of first-line induction",
}


def defined_at(column: str) -> str:
    return DEFINED_AT.get(column, "surgery")


def immortal_time_caution(column: str, endpoint: str, label: str = "") -> str:
    """A sentence when ``column`` is known only after ``endpoint``'s time origin ("" if not).

    ``label``: the column's name in the sentence (default: the column name in words).

    Such a comparison credits one group with the time before its membership was known
    (immortal time): its members had to survive to that moment to be in the group.
    """
    if not column or endpoint not in ENDPOINT_ORIGIN:
        return ""
    known, origin = defined_at(column), ENDPOINT_ORIGIN[endpoint]
    if TIMELINE.index(known) <= TIMELINE.index(origin):
        return ""
    return N_(f"Immortal-time caution: {label or column.replace('_', ' ')} is known only at {known}, after "
              f"the {endpoint.replace('_', '-')} time origin ({origin}); patients had to survive "
              "event-free until then to be counted in their group, which favours that group.")


#: Who enters each endpoint when no narrower subset is chosen.
ENDPOINT_SUBSET: dict[str, str] = {OS: "", DFS: "", ADVANCED_OS: "mbc", PFS: "mbc"}

#: Groupings a coordinator can pick for a survival comparison: (label, column, subset or None
#: for the endpoint's usual population), in menu order.
SURVIVAL_GROUPINGS: tuple[tuple[str, str, str | None], ...] = (
    (N_("All patients"), "", None),
    (N_("HR status"), "hr_status", None),
    (N_("ER/PR subgroup"), "er_pr_subgroup", None),
    (N_("First-line endocrine therapy (HR+ MBC)"), "first_line_endocrine_any", "hr_pos_mbc"),
    (N_("Endocrine maintenance (HR+ MBC, HER2 + chemo)"), "sequential_endocrine", "sequential_pool"),
    (N_("HER2 heterogeneity"), "her2_heterogeneity", None),
    (N_("HR status, HER2-heterogeneous MBC only"), "hr_status", "heterogeneous"),
)


def standard_labels(grouping: str) -> tuple[object, dict]:
    """Reference group and shown labels the paper's comparisons use for a grouping column."""
    for spec in STANDARD_COMPARISONS:
        if spec.grouping == grouping:
            return spec.reference, dict(spec.labels)
    return None, {}


def comparison_spec(endpoint: str, grouping: str = "", subset: str | None = None,
                    label: str = "") -> ComparisonSpec:
    """The paper's comparison for this endpoint and grouping when there is one, else a new one
    on the endpoint's usual population with the paper's reference group and labels."""
    subset = ENDPOINT_SUBSET[endpoint] if subset is None else subset
    for spec in STANDARD_COMPARISONS:
        if spec.endpoint == endpoint and spec.grouping == grouping and spec.subset == subset:
            return spec
    short = {OS: "OS", DFS: "DFS", ADVANCED_OS: "Advanced-OS", PFS: "PFS"}[endpoint]
    title = f"{short}, all patients" if not grouping else f"{short} by {label or grouping}"
    reference, labels = standard_labels(grouping)
    return ComparisonSpec(f"custom:{endpoint}:{grouping}:{subset}", title, endpoint, grouping,
                          reference, subset, labels)


def curve_annual_hazard(curve: KMCurve, width: float = 12.0):
    """Yearly hazard of one KM group, from the curve's own event and censoring counts."""
    from .survival import annual_hazard

    ev, ce = curve.n_event.astype(int), curve.n_censor.astype(int)
    time = np.concatenate((np.repeat(curve.time, ev), np.repeat(curve.time, ce)))
    event = np.concatenate((np.ones(ev.sum(), bool), np.zeros(ce.sum(), bool)))
    return annual_hazard(time, event, width=width)


def endpoint_frame(cohort: pd.DataFrame, endpoint: str, subset: str = "",
                   columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Patients who enter an endpoint's analysis: in the subset, with time and event known.

    ``columns`` limits the copy to the columns a caller needs (the cohort is wide, and
    copying every column of 100,000 rows for each analysis dominated the run time).
    """
    tcol, ecol, _ = ENDPOINTS[endpoint]
    mask = SUBSETS[subset][1](cohort) & cohort[tcol].notna() & cohort[ecol].notna()
    rows = mask.fillna(False).to_numpy(dtype=bool)
    if columns is None:
        return cohort.loc[rows]
    wanted = list(dict.fromkeys([tcol, ecol, *columns]))
    return cohort[wanted].loc[rows]


def survival_comparison(cohort: pd.DataFrame, spec: ComparisonSpec, *, conf_type: str = "log",
                        ties: str = "efron", landmarks=LANDMARKS_MONTHS) -> SurvivalComparison:
    """KM per group, log-rank (overall and pairwise vs reference) and Cox HR vs reference."""
    from .cox import hazard_ratio

    tcol, ecol, name = ENDPOINTS[spec.endpoint]
    frame = endpoint_frame(cohort, spec.endpoint, spec.subset,
                           columns=["patient_id", *([spec.grouping] if spec.grouping else [])])
    if spec.grouping:
        frame = frame[frame[spec.grouping].notna()]
        raw = frame[spec.grouping].astype(object)
        shown = {v: spec.labels.get(v, str(v)) for v in pd.unique(raw)}
        labels = raw.map(shown)
    else:
        labels = pd.Series(OVERALL, index=frame.index)
    time = frame[tcol].to_numpy(float)
    event = frame[ecol].to_numpy(bool)
    order = _label_order(labels, spec)
    curves, groups = [], []
    for lab in order:
        sel = (labels == lab).to_numpy()
        if not sel.any():
            continue
        curve = kaplan_meier(time[sel], event[sel], label=lab, conf_type=conf_type)
        curves.append(curve)
        s, lo, hi = survival_at(curve, list(landmarks))
        groups.append(GroupSurvival(
            lab, curve.n, curve.events, float(curve.median), tuple(map(float, curve.median_ci)),
            {float(t): (float(a), float(b), float(c)) for t, a, b, c in zip(landmarks, s, lo, hi)},
            tuple(frame.loc[sel, "patient_id"].astype(str)),
            tuple(frame.loc[sel & event, "patient_id"].astype(str))))
    present = [g.label for g in groups]
    logrank = None
    pairwise: dict = {}
    hrs: list[HazardRatio] = []
    notes: list[str] = []
    ref_label = spec.labels.get(spec.reference, str(spec.reference)) if spec.reference is not None else ""
    population = SUBSETS[spec.subset][0]
    if not present:
        notes.append(f"No {population} have {spec.endpoint.replace('_', '-')} times: "
                     "nothing to estimate.")
    elif spec.grouping and len(present) < 2:
        notes.append(f"Only one group ({present[0]}) among {population}: no comparison.")
    if not event.any() and present:
        notes.append("No events: medians are not reached and no test or hazard ratio is possible.")
    if len(present) >= 2 and event.any():
        lab_arr = labels.to_numpy(object)
        logrank = logrank_test(time, event, lab_arr)
        if ref_label in present:
            for (a, b), res in pairwise_logrank(time, event, lab_arr, reference=ref_label).items():
                pairwise[(a, b)] = float(res.p_value)
            try:
                res = hazard_ratio(time, event, pd.Series(lab_arr), reference=ref_label, ties=ties)
            except ValueError as exc:   # e.g. no estimable contrast: keep the KM and log-rank
                notes.append(f"No hazard ratio: {exc}.")
            else:
                notes.extend(res.cox.warnings)
                for i, lev in enumerate(res.levels):
                    hrs.append(HazardRatio(str(lev), ref_label, float(res.hazard_ratio[i]),
                                           (float(res.ci_low[i]), float(res.ci_high[i])),
                                           float(res.p_value[i]),
                                           pairwise.get((ref_label, lev), float("nan")),
                                           bool(res.cox.converged)))
        elif ref_label:
            notes.append(f"The reference group ({ref_label}) has no patients: no hazard ratio.")
    foot = (f"{name} in months (days / 30.4375) among {population}. Kaplan–Meier with "
            f"{conf_type} confidence intervals and R's median; log-rank P; hazard ratio from a "
            f"Cox model ({ties.capitalize()} ties) with Wald 95% CI and P.")
    if spec.endpoint == OS:
        foot += " " + N_("OS starts at surgery, or at diagnosis for patients without surgery.")
    return SurvivalComparison(spec.key, spec.title, spec.endpoint, spec.grouping, population,
                              tuple(curves), tuple(groups), logrank, pairwise, tuple(hrs),
                              ref_label, foot, tuple(notes))


def _label_order(labels: pd.Series, spec: ComparisonSpec) -> list[str]:
    """Reference group last, so hazard ratios read 'group vs reference' as the paper does."""
    from .tables import GROUPINGS

    known = GROUPINGS.get(spec.grouping)
    present = list(pd.unique(labels))
    if known:
        order = [g for g in known if g in present] + sorted(g for g in present if g not in known)
    else:
        order = sorted(present, key=str)
    if spec.labels:
        wanted = list(spec.labels.values())
        order = [g for g in wanted if g in present] + [g for g in order if g not in wanted]
    return order


def at_risk(curve: KMCurve, times) -> np.ndarray:
    """Number at risk (time ≥ t, R's convention) read off a curve, for the table under a KM plot."""
    leaving = (curve.n_event + curve.n_censor)[::-1].cumsum()[::-1]   # subjects with time ≥ each time
    idx = np.searchsorted(curve.time, np.asarray(times, dtype=float), side="left")
    return np.where(idx < curve.time.size, leaving[np.minimum(idx, curve.time.size - 1)], 0).astype(int)
