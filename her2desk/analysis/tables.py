"""The paper's descriptive tables (Tables 1–4) as row specifications over the derived cohort.

Which rows, in which order, with which levels: that is study knowledge and lives
here; how a row is counted and tested lives in :mod:`compare`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import pandas as pd

from ..cohort.schema import (ER_PR_GROUPS, FL_CLASSES, FL_TARGETS, HR_GROUPS, HR_NEG,  # noqa: F401
                             HR_POS, LEVELS)
from .compare import (ALL, UNKNOWN, CategoricalComparison, ContinuousComparison, RowSpec,
                      comparison_table)

#: Groupings a coordinator can choose for the baseline tables: column -> group order.
GROUPINGS: dict[str, tuple[str, ...] | None] = {
    "hr_status": HR_GROUPS,
    "er_pr_subgroup": ER_PR_GROUPS,
}


def _cat(variable: str, label: str, unknown: Sequence[str] = (UNKNOWN,)) -> RowSpec:
    """A categorical row whose levels, in order, are the schema's for ``variable``."""
    return RowSpec(variable, label, "categorical", LEVELS[variable], tuple(unknown))


TABLE1_ROWS: tuple[RowSpec, ...] = (
    RowSpec("followup_months", "Follow-up time (months)", "continuous"),
    RowSpec("age_at_diagnosis", "Age at diagnosis (years)", "continuous"),
    _cat("age_group", "Age at diagnosis"),
    _cat("ecog_ps", "ECOG performance status"),
    _cat("menopausal_status", "Menopausal status"),
    _cat("affected_breast", "Affected breast"),
    _cat("family_history", "Family history of tumour"),
    _cat("histological_type", "Histological type"),
    _cat("histological_grade", "Histological grade"),
    _cat("her2_status", "HER2 status"),
    _cat("er_percent_group", "ER expression"),
    _cat("pr_percent_group", "PR expression"),
    _cat("ki67_group", "Ki-67"),
    # Tx / Nx are stage "not assessable": shown, and treated like unknown in the test.
    _cat("t_stage", "T stage", (UNKNOWN, "Tx")),
    _cat("n_stage", "N stage", (UNKNOWN, "Nx")),
    _cat("tnm_stage", "TNM stage"),
)

TABLE2_ROWS: tuple[RowSpec, ...] = (
    _cat("surgery", "Surgery"),
    _cat("neoadjuvant_therapy", "Neoadjuvant therapy"),
    _cat("neoadjuvant_her2_targeted", "Neoadjuvant HER2-targeted therapy"),
    _cat("adjuvant_therapy", "Adjuvant therapy"),
    _cat("adjuvant_radiotherapy", "Adjuvant radiotherapy"),
    _cat("adjuvant_chemotherapy", "Adjuvant chemotherapy"),
    _cat("adjuvant_her2_targeted", "Adjuvant HER2-targeted therapy"),
    _cat("adjuvant_endocrine", "Adjuvant endocrine therapy"),
)

_SITES = (("lung", "Lung"), ("liver", "Liver"), ("brain_cns", "Brain/CNS"), ("bone", "Bone"),
          ("distant_lymph_node", "Distant lymph node"), ("other", "Other"))

TABLE3_ROWS: tuple[RowSpec, ...] = (
    _cat("mbc_type", "MBC type"),
    _cat("site_visceral", "Visceral involvement"),
    *(_cat(f"site_{key}", f"Metastatic site: {label}") for key, label in _SITES),
    _cat("visceral_site_count", "Number of visceral sites"),
    _cat("first_site_visceral", "First metastatic site visceral"),
    *(_cat(f"first_site_{key}", f"First metastatic site: {label}") for key, label in _SITES),
)

TABLE_SPECS: dict[str, tuple[str, tuple[RowSpec, ...]]] = {
    "table1": ("Table 1. Baseline characteristics", TABLE1_ROWS),
    "table2": ("Table 2. Early treatment patterns", TABLE2_ROWS),
    "table3": ("Table 3. Metastatic patterns (patients with MBC)", TABLE3_ROWS),
}

#: Table 4 classes, in the paper's order (the schema's), with their single/dual-target breakdown.
TABLE4_CLASSES: tuple[str, ...] = FL_CLASSES
_TABLE4_SPLIT = {name: name.replace("HER2-targeted + ", "", 1) for name in FL_CLASSES[:3]}


@dataclass(frozen=True)
class BaselineTable:
    key: str
    title: str
    grouping: str
    groups: tuple[str, ...]
    group_n: dict[str, int]          # includes "All"
    comparisons: tuple[CategoricalComparison | ContinuousComparison, ...]
    footnote: str


@dataclass(frozen=True)
class CountRow:
    """A plain count row (Table 4): no test, just n per group."""
    variable: str
    level: str
    counts: dict[str, int]
    indent: int = 0
    patient_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)   # group -> ids


@dataclass(frozen=True)
class CountTable:
    key: str
    title: str
    groups: tuple[str, ...]
    group_n: dict[str, int]
    rows: tuple[CountRow, ...]
    footnote: str


def population(cohort: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows a table describes: eligible patients; Table 3 and 4 only those with MBC."""
    eligible = cohort[flag(cohort["eligible"])]
    if key in ("table3", "table4"):
        return eligible[flag(eligible["mbc"])]
    return eligible


def flag(values: pd.Series) -> pd.Series:
    """A yes/no column as a plain boolean mask; missing (None, NaN, NA) counts as no."""
    return values.astype("boolean").fillna(False).astype(bool)


def _group_order(frame: pd.DataFrame, grouping: str) -> tuple[str, ...]:
    known = GROUPINGS.get(grouping)
    present = [g for g in pd.unique(frame[grouping].dropna())]
    if known:
        return tuple(g for g in known if g in present) + tuple(
            sorted(str(g) for g in present if g not in known))
    return tuple(sorted(str(g) for g in present))


def baseline_table(cohort: pd.DataFrame, key: str, *, grouping: str = "hr_status",
                   include_unknown_in_test: bool = False) -> BaselineTable:
    """One of Tables 1–3, grouped by ``grouping`` (HR status by default)."""
    title, specs = TABLE_SPECS[key]
    frame = population(cohort, key)
    frame = frame[frame[grouping].notna()]
    specs = tuple(_with_unknown_rule(s, include_unknown_in_test) for s in specs
                  if s.variable in frame.columns and s.variable != grouping)
    order = _group_order(frame, grouping)
    comps = comparison_table(frame, grouping, specs, group_order=order)
    group_n = {g: int((frame[grouping] == g).sum()) for g in order}
    group_n[ALL] = int(len(frame))
    rule = ("Unknown levels (and Tx/Nx) are shown and included in the tests."
            if include_unknown_in_test else
            "Unknown levels (and Tx/Nx) are shown but left out of the tests.")
    footnote = (
        "Values are n (%) or median (range). P: Pearson's chi-square without continuity "
        "correction; Fisher's exact test when an expected count is below 5; Mann–Whitney U "
        f"(Kruskal–Wallis for more than two groups) for continuous rows. {rule}")
    return BaselineTable(key, title, grouping, order, group_n, tuple(comps), footnote)


def _with_unknown_rule(spec: RowSpec, include: bool) -> RowSpec:
    if spec.kind != "categorical" or spec.include_unknown_in_test == include:
        return spec
    from dataclasses import replace
    return replace(spec, include_unknown_in_test=include)


def first_line_table(cohort: pd.DataFrame, *, grouping: str = "hr_status") -> CountTable:
    """Table 4: first-line regimen class for MBC, with the single/dual-target breakdown."""
    frame = population(cohort, "table4")
    frame = frame[frame[grouping].notna()]
    order = _group_order(frame, grouping)
    rows: list[CountRow] = []

    def counts(mask: pd.Series) -> dict[str, int]:
        out = {g: int((mask & (frame[grouping] == g)).sum()) for g in order}
        out[ALL] = int(mask.sum())
        return out

    def ids(mask: pd.Series) -> dict[str, tuple[str, ...]]:
        out = {g: tuple(frame.loc[mask & (frame[grouping] == g), "patient_id"].astype(str))
               for g in order}
        out[ALL] = tuple(frame.loc[mask, "patient_id"].astype(str))
        return out

    cls = frame["first_line_class"]
    targets = frame["first_line_targets"]
    for name in TABLE4_CLASSES:
        in_class = cls == name
        rows.append(CountRow("first_line_class", name, counts(in_class), 0, ids(in_class)))
        tail = _TABLE4_SPLIT.get(name)
        if tail:
            for kind in FL_TARGETS:
                sub = in_class & (targets == kind)
                rows.append(CountRow("first_line_targets", f"{kind} + {tail}", counts(sub), 1,
                                     ids(sub)))
    unknown = cls.isna()
    if unknown.any():
        rows.append(CountRow("first_line_class", UNKNOWN, counts(unknown), 0, ids(unknown)))
    group_n = {g: int((frame[grouping] == g).sum()) for g in order}
    group_n[ALL] = int(len(frame))
    footnote = ("Single-target: one HER2 agent; dual-target: two (trastuzumab + pertuzumab, or "
                "trastuzumab + a TKI). '->': endocrine therapy as maintenance after chemotherapy.")
    return CountTable("table4", "Table 4. First-line treatment for MBC", order, group_n,
                      tuple(rows), footnote)


def patients_behind(cohort: pd.DataFrame, key: str, variable: str, level: str | None,
                    group: str | None, *, grouping: str = "hr_status") -> list[str]:
    """Patient IDs counted in one cell of Tables 1–4 (``group`` None or "All" = every group).

    The same population and level rules as the table itself, so a count can be traced to
    the patients behind it.
    """
    frame = population(cohort, key)
    frame = frame[frame[grouping].notna()]
    if group not in (None, ALL):
        frame = frame[frame[grouping] == group]
    if level is not None:
        values = frame[variable]
        mask = values.isna() if level == UNKNOWN else (values.astype("object") == level)
        frame = frame[mask.fillna(False).astype(bool)]
    return frame["patient_id"].astype(str).tolist()
