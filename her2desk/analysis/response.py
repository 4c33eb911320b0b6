"""Neoadjuvant response: pCR rates with Wilson CIs and Miller–Payne grade distributions.

Generic over the grouping: the caller passes a boolean pCR Series and any grouping Series
(HR status, ER/PR subgroup, regimen, or a combined "regimen × subgroup" label). Tests reuse
the rule of :mod:`her2desk.analysis.contingency` (chi-square, Fisher's exact when any expected
count is < 5), so figures and tables report the same P for the same comparison.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from her2desk.analysis.compare import _aligned, _crosstab, _resolve_groups
from her2desk.analysis.contingency import (
    DEFAULT_MC_REPLICATES,
    DEFAULT_MC_SEED,
    TestChoice,
    TestResult,
    contingency_test,
)

__all__ = [
    "wilson_ci",
    "GroupRate",
    "PairwiseTest",
    "RateComparison",
    "GradeDistribution",
    "rate_by_group",
    "grade_distribution",
]


def _stats():
    """scipy.stats, imported on first use (about a second; the window imports this module
    before its first paint)."""
    from scipy import stats

    return stats



def wilson_ci(k: int, n: int, conf: float = 0.95) -> tuple[float, float]:
    """Wilson score interval without continuity correction.

    Equals R ``prop.test(k, n, correct=FALSE)$conf.int`` (and ``binom::binom.wilson``).
    Chosen over the Wald interval because it stays inside [0, 1] and keeps its coverage for
    the small subgroup sizes of the response figures.
    """
    k, n = int(k), int(n)
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= k <= n:
        raise ValueError(f"k must be within 0..n, got {k} of {n}")
    if not 0.0 < conf < 1.0:
        raise ValueError("conf must be in (0, 1)")
    z = float(_stats().norm.ppf(0.5 + conf / 2.0))
    p = k / n
    z2n = z * z / n
    center = (p + z2n / 2.0) / (1.0 + z2n)
    half = z * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n)) / (1.0 + z2n)
    low = 0.0 if k == 0 else max(0.0, center - half)
    high = 1.0 if k == n else min(1.0, center + half)
    return low, high


@dataclass(frozen=True)
class GroupRate:
    """Response in one group; ``rate``/CI are None for an empty group."""

    group: Hashable
    n: int
    k: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    n_missing: int = 0


@dataclass(frozen=True)
class PairwiseTest:
    """2×2 comparison of ``group`` against the reference group."""

    group: Hashable
    reference: Hashable
    p_value: float | None
    test: str | None
    test_reason: str


@dataclass(frozen=True)
class RateComparison:
    """Per-group rates, the overall test across all groups and each group vs the reference."""

    groups: tuple
    rates: tuple[GroupRate, ...]
    reference: Hashable
    conf: float
    overall: TestResult
    pairwise: tuple[PairwiseTest, ...]
    n_missing: int

    @property
    def p_value(self) -> float | None:
        return self.overall.p_value

    @property
    def test(self) -> str | None:
        return self.overall.test

    def rate(self, group: Hashable) -> GroupRate:
        for r in self.rates:
            if r.group == group:
                return r
        raise KeyError(group)

    def pairwise_for(self, group: Hashable) -> PairwiseTest:
        for t in self.pairwise:
            if t.group == group:
                return t
        raise KeyError(group)

    def to_frame(self) -> pd.DataFrame:
        """One row per group: n, k, rate, ci_low, ci_high, p_vs_reference, test_vs_reference."""
        rows = []
        for r in self.rates:
            pw = next((t for t in self.pairwise if t.group == r.group), None)
            rows.append({
                "group": r.group, "n": r.n, "k": r.k, "rate": r.rate,
                "ci_low": r.ci_low, "ci_high": r.ci_high,
                "p_vs_reference": pw.p_value if pw else None,
                "test_vs_reference": pw.test if pw else None,
            })
        return pd.DataFrame(rows).set_index("group")


def _as_bool(success: pd.Series) -> np.ndarray:
    """Object array of True/False/None; rejects anything that is not boolean-like."""
    values = success.to_numpy(dtype=object)
    missing = pd.isna(values)
    present = pd.unique(values[~missing])
    bad = [x for x in present if not (isinstance(x, (bool, np.bool_)) or x in (0, 1))]
    if bad:
        raise ValueError(f"success must be boolean (or 0/1), got {bad[0]!r}")
    out = np.empty(values.size, dtype=object)
    out[~missing] = [bool(x) for x in values[~missing]] if len(present) else []
    out[missing] = None
    return out


def rate_by_group(
    success: pd.Series,
    groups: pd.Series,
    *,
    reference: Hashable | None = None,
    group_order: Sequence[Hashable] | None = None,
    conf: float = 0.95,
    test: TestChoice = "auto",
    mc_replicates: int = DEFAULT_MC_REPLICATES,
    seed: int = DEFAULT_MC_SEED,
) -> RateComparison:
    """Response rate per group with Wilson CIs, overall and pairwise-vs-reference tests.

    Patients with missing response or group are excluded (counted in ``n_missing`` / per
    group). ``reference`` defaults to the first group of ``group_order`` (or of the sorted
    groups). Pairwise P values are not adjusted for multiplicity, as in the paper.
    """
    s_raw, g = _aligned(success, groups)
    s = _as_bool(pd.Series(s_raw))
    group_tuple = _resolve_groups(g, group_order)
    if reference is None:
        reference = group_tuple[0]
    elif reference not in group_tuple:
        raise ValueError(f"reference {reference!r} is not one of the groups")

    known = np.not_equal(s, None)
    hits = s == True  # noqa: E712 - elementwise on an object array of True/False/None
    rates = []
    table = np.zeros((2, len(group_tuple)), dtype=np.int64)
    for j, grp in enumerate(group_tuple):
        in_g = g == grp
        n = int(np.sum(in_g & known))
        k = int(np.sum(in_g & hits))
        table[:, j] = (k, n - k)
        if n:
            low, high = wilson_ci(k, n, conf)
            rates.append(GroupRate(grp, n, k, k / n, low, high, int(np.sum(in_g & ~known))))
        else:
            rates.append(GroupRate(grp, 0, 0, None, None, None, int(np.sum(in_g & ~known))))

    kw = dict(test=test, mc_replicates=mc_replicates, seed=seed)
    overall = contingency_test(table, **kw)
    ref_j = group_tuple.index(reference)
    pairwise = []
    for j, grp in enumerate(group_tuple):
        if j == ref_j:
            continue
        res = contingency_test(table[:, [ref_j, j]], **kw)
        pairwise.append(PairwiseTest(grp, reference, res.p_value, res.test, res.reason))
    return RateComparison(
        groups=group_tuple,
        rates=tuple(rates),
        reference=reference,
        conf=conf,
        overall=overall,
        pairwise=tuple(pairwise),
        n_missing=int(np.sum(~known)),
    )


@dataclass(frozen=True, eq=False)
class GradeDistribution:
    """Counts and within-group percentages (grades × groups) for stacked bars.

    Percentages are of the patients with a known grade in each group, so each bar sums
    to 100.
    """

    grades: tuple
    groups: tuple
    counts: pd.DataFrame
    percent: pd.DataFrame
    n: pd.Series
    n_missing: pd.Series
    overall: TestResult

    @property
    def p_value(self) -> float | None:
        return self.overall.p_value

    @property
    def test(self) -> str | None:
        return self.overall.test


def grade_distribution(
    grade: pd.Series,
    groups: pd.Series,
    grades: Sequence[Hashable] = (1, 2, 3, 4, 5),
    *,
    group_order: Sequence[Hashable] | None = None,
    test: TestChoice = "auto",
    mc_replicates: int = DEFAULT_MC_REPLICATES,
    seed: int = DEFAULT_MC_SEED,
) -> GradeDistribution:
    """Miller–Payne grade distribution per group with the overall grades × groups test.

    Missing grades are excluded (``n_missing``); a grade outside ``grades`` raises, since a
    silently dropped grade would misstate the bars.
    """
    v, g = _aligned(grade, groups)
    group_tuple = _resolve_groups(g, group_order)
    grade_tuple = tuple(grades)
    missing = np.asarray(pd.isna(v), dtype=bool)
    bad = {x for x in pd.unique(v[~missing]) if x not in grade_tuple}
    if bad:
        raise ValueError(f"grades outside {grade_tuple!r}: {sorted(bad, key=str)!r}")
    counts = _crosstab(v[~missing], g[~missing], grade_tuple, group_tuple)
    n_missing = {grp: int(np.sum((g == grp) & missing)) for grp in group_tuple}
    counts_df = pd.DataFrame(counts, index=pd.Index(grade_tuple, dtype=object),
                             columns=pd.Index(group_tuple, dtype=object))
    n = counts_df.sum(axis=0).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = counts_df / n.replace(0, np.nan) * 100.0
    overall = contingency_test(counts, test=test, mc_replicates=mc_replicates, seed=seed)
    return GradeDistribution(
        grades=grade_tuple,
        groups=group_tuple,
        counts=counts_df,
        percent=percent,
        n=n,
        n_missing=pd.Series(n_missing, dtype=np.int64),
        overall=overall,
    )
