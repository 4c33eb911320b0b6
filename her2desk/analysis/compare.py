"""Group comparisons for the baseline tables (Table 1-style "n (%)" and "median (range)").

A cohort column and a grouping column in, a frozen comparison out: counts and column
percentages (categorical rows) or medians, quartiles and ranges (continuous rows), with the
test that :mod:`her2desk.analysis.contingency` chooses. "Unknown"-type levels are shown but
left out of the test unless asked for. Numbers only: how they are written ("245 (52.6)",
"<0.001") is :mod:`her2desk.report.format`.

Everything here is pure: Series in, frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..i18n import N_
from .contingency import (DEFAULT_MC_REPLICATES, DEFAULT_MC_SEED, TEST_FISHER, TEST_FISHER_MC,
                          TestChoice, contingency_test, rank_test)

__all__ = [
    "ALL",
    "UNKNOWN",
    "CategoricalComparison",
    "ContinuousComparison",
    "RowSpec",
    "categorical_comparison",
    "continuous_comparison",
    "comparison_table",
]

ALL = "All"
UNKNOWN = "Unknown"


# --------------------------------------------------------------------------------------------
# Categorical comparison
# --------------------------------------------------------------------------------------------


def _aligned(values: pd.Series, groups: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(values, pd.Series) or not isinstance(groups, pd.Series):
        raise TypeError("values and groups must be pandas Series")
    if len(values) != len(groups) or not values.index.equals(groups.index):
        raise ValueError("values and groups must share the same index")
    keep = groups.notna().to_numpy()
    return values.to_numpy(dtype=object)[keep], groups.to_numpy(dtype=object)[keep]


def _resolve_groups(g: np.ndarray, group_order: Sequence[Hashable] | None) -> tuple:
    present = list(pd.unique(g))
    if group_order is None:
        try:
            order = sorted(present)
        except TypeError:
            order = sorted(present, key=str)
    else:
        order = list(group_order)
        extra = [x for x in present if x not in order]
        if extra:
            raise ValueError(f"groups not listed in group_order: {extra!r}")
    if ALL in order:
        raise ValueError(f"a group may not be called {ALL!r}; it is the total column")
    return tuple(order)


def _crosstab(v: np.ndarray, g: np.ndarray, levels: Sequence[Hashable],
              groups: Sequence[Hashable]) -> np.ndarray:
    """levels x groups counts in one pass (hash lookups, not a scan per cell)."""
    vi = pd.Index(list(levels), dtype=object).get_indexer(v)
    gi = pd.Index(list(groups), dtype=object).get_indexer(g)
    ok = (vi >= 0) & (gi >= 0)
    flat = np.bincount(vi[ok] * len(groups) + gi[ok], minlength=len(levels) * len(groups))
    return flat.reshape(len(levels), len(groups)).astype(np.int64)


@dataclass(frozen=True, eq=False)
class CategoricalComparison:
    """Counts, column percentages and the test for one categorical table row block.

    ``counts`` and ``percent`` are levels x (groups + "All"); percentages are of the column
    total including unknowns, as in the paper. ``test_levels``/``test_groups`` are what the
    test actually used.
    """

    variable: str
    label: str
    levels: tuple
    groups: tuple
    counts: pd.DataFrame
    totals: pd.Series
    percent: pd.DataFrame
    p_value: float | None
    test: str | None
    test_reason: str
    statistic: float | None
    df: int | None
    footnote: str
    test_levels: tuple
    test_groups: tuple
    excluded_levels: tuple = ()
    #: Monte Carlo standard error of ``p_value`` when it was simulated (else None).
    mc_se: float | None = None
    kind: str = field(default="categorical", init=False)


def categorical_comparison(
    values: pd.Series,
    groups: pd.Series,
    *,
    levels: Sequence[Hashable] | None = None,
    group_order: Sequence[Hashable] | None = None,
    unknown_levels: Iterable[Hashable] = (UNKNOWN,),
    include_unknown_in_test: bool = False,
    variable: str = "",
    label: str = "",
    test: TestChoice = "auto",
    mc_replicates: int = DEFAULT_MC_REPLICATES,
    seed: int = DEFAULT_MC_SEED,
) -> CategoricalComparison:
    """Cross-tabulate ``values`` by ``groups`` and test independence.

    Missing values become level "Unknown". Levels default to a categorical's categories, else
    the sorted observed values. Levels listed in ``levels`` are shown even when
    empty (the paper prints "Nx 0 (0.0)"); observed levels not listed are appended so counts
    always add up. Rows with a missing group are dropped. Levels in ``unknown_levels`` (e.g.
    "Unknown", "Nx") are excluded from the test unless ``include_unknown_in_test``.
    """
    if levels is None and isinstance(values.dtype, pd.CategoricalDtype):
        levels = list(values.cat.categories)
    v, g = _aligned(values, groups)
    v = np.where(pd.isna(v), UNKNOWN, v).astype(object)
    group_tuple = _resolve_groups(g, group_order)

    level_list = list(levels) if levels is not None else []
    observed = [x for x in pd.unique(v) if x not in level_list and x != UNKNOWN]
    if levels is None:
        try:
            observed = sorted(observed)
        except TypeError:
            observed = sorted(observed, key=str)
    elif observed:
        observed = sorted(observed, key=str)
    level_list += observed
    if UNKNOWN not in level_list and np.any(v == UNKNOWN):
        level_list.append(UNKNOWN)
    level_tuple = tuple(level_list)

    counts = _crosstab(v, g, level_tuple, group_tuple)
    counts_df = pd.DataFrame(counts, index=pd.Index(level_tuple, dtype=object),
                             columns=pd.Index(group_tuple, dtype=object))
    counts_df[ALL] = counts.sum(axis=1)
    totals = counts_df.sum(axis=0).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = counts_df / totals.replace(0, np.nan) * 100.0

    unknown_set = [u for u in unknown_levels]
    excluded = tuple(
        lvl for lvl in level_tuple if lvl in unknown_set and not include_unknown_in_test
    )
    test_rows = [i for i, lvl in enumerate(level_tuple) if lvl not in excluded]
    sub = counts[test_rows]
    row_keep = sub.sum(axis=1) > 0
    col_keep = sub[row_keep].sum(axis=0) > 0
    test_levels = tuple(level_tuple[test_rows[i]] for i in np.flatnonzero(row_keep))
    test_groups = tuple(group_tuple[j] for j in np.flatnonzero(col_keep))
    result = contingency_test(sub, test=test, mc_replicates=mc_replicates, seed=seed)

    notes = []
    present_unknown = [lvl for lvl in level_tuple if lvl in unknown_set
                       and counts_df.at[lvl, ALL] > 0]
    if excluded and any(counts_df.at[lvl, ALL] > 0 for lvl in excluded):
        shown = ", ".join(str(x) for x in excluded if counts_df.at[x, ALL] > 0)
        notes.append(f"P excludes {shown}.")
    elif include_unknown_in_test and present_unknown:
        notes.append(f"P includes {', '.join(str(x) for x in present_unknown)}.")
    if result.test == TEST_FISHER:
        notes.append(N_("Fisher's exact test."))
    elif result.test == TEST_FISHER_MC:
        notes.append(N_("Fisher's exact test (Monte Carlo P)."))
    return CategoricalComparison(
        variable=variable,
        label=label or variable,
        levels=level_tuple,
        groups=group_tuple,
        counts=counts_df,
        totals=totals,
        percent=percent,
        p_value=result.p_value,
        test=result.test,
        test_reason=result.reason,
        statistic=result.statistic,
        df=result.df,
        footnote=" ".join(notes),
        test_levels=test_levels,
        test_groups=test_groups,
        excluded_levels=excluded,
        mc_se=result.mc_se,
    )


# --------------------------------------------------------------------------------------------
# Continuous comparison
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ContinuousComparison:
    """Per-group summaries (indexed by groups + "All") and the rank test.

    Quantiles use numpy's default linear interpolation (= R ``quantile`` type 7). For two
    groups ``statistic`` is R's W: the Mann–Whitney U of the first group in ``groups``.
    """

    variable: str
    label: str
    groups: tuple
    n: pd.Series
    n_missing: pd.Series
    median: pd.Series
    q1: pd.Series
    q3: pd.Series
    minimum: pd.Series
    maximum: pd.Series
    p_value: float | None
    test: str | None
    test_reason: str
    statistic: float | None
    df: int | None
    footnote: str
    kind: str = field(default="continuous", init=False)

    @property
    def iqr(self) -> pd.Series:
        return self.q3 - self.q1


def continuous_comparison(
    values: pd.Series,
    groups: pd.Series,
    *,
    group_order: Sequence[Hashable] | None = None,
    variable: str = "",
    label: str = "",
) -> ContinuousComparison:
    """Median/range/IQR per group and a rank test between groups.

    The test is :func:`~her2desk.analysis.contingency.rank_test` (Mann–Whitney U for two
    groups, Kruskal–Wallis for more); groups with no non-missing values are left out of it.
    """
    v_raw, g = _aligned(values, groups)
    v = pd.to_numeric(pd.Series(v_raw), errors="raise").to_numpy(dtype=float)
    group_tuple = _resolve_groups(g, group_order)
    cols = list(group_tuple) + [ALL]
    samples: dict[Hashable, np.ndarray] = {}
    n_missing: dict[Hashable, int] = {}
    for grp in group_tuple:
        x = v[g == grp]
        samples[grp] = x[~np.isnan(x)]
        n_missing[grp] = int(np.isnan(x).sum())
    samples[ALL] = v[~np.isnan(v)]
    n_missing[ALL] = int(np.isnan(v).sum())

    def summary(fn) -> pd.Series:
        return pd.Series({k: (float(fn(samples[k])) if samples[k].size else np.nan) for k in cols},
                         dtype=float)

    tested = [grp for grp in group_tuple if samples[grp].size > 0]
    result = rank_test([samples[grp] for grp in tested])
    notes = []
    if n_missing[ALL]:
        notes.append(f"{n_missing[ALL]} missing value{'s' if n_missing[ALL] != 1 else ''} "
                     "excluded.")
    if len(tested) < len(group_tuple) and result.test is not None:
        notes.append("Groups without observations are not tested.")
    return ContinuousComparison(
        variable=variable,
        label=label or variable,
        groups=group_tuple,
        n=pd.Series({k: samples[k].size for k in cols}, dtype=np.int64),
        n_missing=pd.Series(n_missing, dtype=np.int64),
        median=summary(np.median),
        q1=summary(lambda a: np.quantile(a, 0.25)),
        q3=summary(lambda a: np.quantile(a, 0.75)),
        minimum=summary(np.min),
        maximum=summary(np.max),
        p_value=result.p_value,
        test=result.test,
        test_reason=result.reason,
        statistic=result.statistic,
        df=result.df,
        footnote=" ".join(notes),
    )


# --------------------------------------------------------------------------------------------
# Generic table builder
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowSpec:
    """One variable of a comparison table; study-specific lists of these live elsewhere."""

    variable: str
    label: str = ""
    kind: Literal["categorical", "continuous"] = "categorical"
    levels: tuple | None = None
    unknown_levels: tuple = (UNKNOWN,)
    include_unknown_in_test: bool = False
    test: TestChoice = "auto"
    #: Decimals for continuous summaries.
    digits: int = 0


def comparison_table(
    frame: pd.DataFrame,
    group_col: str,
    row_specs: Sequence[RowSpec],
    *,
    group_order: Sequence[Hashable] | None = None,
    mc_replicates: int = DEFAULT_MC_REPLICATES,
    seed: int = DEFAULT_MC_SEED,
) -> list[CategoricalComparison | ContinuousComparison]:
    """Run the comparison for each spec, in order, against ``frame[group_col]``."""
    groups = frame[group_col]
    if group_order is None:
        group_order = _resolve_groups(groups.dropna().to_numpy(dtype=object), None)
    out: list[CategoricalComparison | ContinuousComparison] = []
    for spec in row_specs:
        if spec.variable not in frame.columns:
            raise KeyError(f"column {spec.variable!r} not in frame")
        if spec.kind == "categorical":
            out.append(categorical_comparison(
                frame[spec.variable], groups, levels=spec.levels, group_order=group_order,
                unknown_levels=spec.unknown_levels,
                include_unknown_in_test=spec.include_unknown_in_test,
                variable=spec.variable, label=spec.label, test=spec.test,
                mc_replicates=mc_replicates, seed=seed))
        elif spec.kind == "continuous":
            out.append(continuous_comparison(
                frame[spec.variable], groups, group_order=group_order,
                variable=spec.variable, label=spec.label))
        else:
            raise ValueError(f"unknown kind {spec.kind!r}")
    return out
